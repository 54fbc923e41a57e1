"""Background jobs, run by Huey: the one queue of the application and the modules that declare tasks.

Storage: SQLite in `var/jobs.db` by default (`JOBS_DB` names another file), so `make run` needs
nothing else; Redis when `REDIS_URL` is set (the same server that shares the rate-limit counters).
`JOBS_QUEUE` names the queue (default `specshop`): installations sharing one Redis keep apart.
A consumer executes the queue: `specshop run` starts one beside the web server (`specshop worker`
in its own process), `specshop worker` runs one alone. Requests only enqueue; nothing a job does
runs inside a request.

Tasks are declared in their area's module (`TASK_MODULES`) with `@huey.task(...)` or
`@huey.periodic_task(crontab(...))`; the consumer imports those modules. Every task is idempotent
(running it twice leaves the same state), so a retry is always safe. A task that raises is retried
`retries` times, `retry_delay` seconds apart; each failure is kept in Huey's result store under the
task id with its error and traceback (`job_error`), and logged.
"""
import datetime
import importlib
import logging
import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.exceptions import TaskException

QUEUE_NAME = "specshop"
DEFAULT_SQLITE_PATH = "var/jobs.db"
TASK_MODULES = ("domain.promotions.tasks", "domain.seo.tasks", "domain.marketing.tasks",
                "domain.webhooks.tasks", "domain.data_transfer.tasks", "domain.sales.tasks")
RETRIES = 3
RETRY_DELAY = 30  # seconds between attempts

logger = logging.getLogger("specshop.jobs")


def make_huey(environment=None):
    """The queue the settings describe: Redis when REDIS_URL is set, else a SQLite file."""
    environment = os.environ if environment is None else environment
    name = environment.get("JOBS_QUEUE") or QUEUE_NAME
    redis_url = environment.get("REDIS_URL")
    if redis_url:
        return RedisHuey(name, url=redis_url)
    path = Path(environment.get("JOBS_DB") or DEFAULT_SQLITE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path))


huey = make_huey()


def load_tasks() -> list[str]:
    """Import every module that declares tasks, so a consumer knows them all."""
    for name in TASK_MODULES:
        importlib.import_module(name)
    return list(TASK_MODULES)


def consumer(workers: int = 1):
    """A Huey consumer over the queue: worker threads plus the scheduler of periodic tasks."""
    load_tasks()
    return huey.create_consumer(workers=workers, worker_type="thread", periodic=True)


def run_queued(limit: int = 1000) -> int:
    """Execute now, in this thread, every task waiting in the queue or scheduled for later (as a
    consumer would once they are due; retries of a failing task run too when due at once).
    Returns how many ran."""
    load_tasks()
    later = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(days=366)
    executed = 0
    for task in huey.read_schedule(later):
        huey.enqueue(task)
    while executed < limit:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task, timestamp=later)
        executed += 1
    return executed


def job_error(task_id: str) -> dict | None:
    """The failure kept for a task (`error`, `retries` left, `traceback`), or None when it did not fail.
    Reading leaves the record in place."""
    try:
        huey.result(task_id, preserve=True)
    except TaskException as failure:
        return dict(failure.metadata)
    return None


@huey.signal("error")
def log_failure(signal, task, exc=None):
    logger.error("job %s %s failed (%s retries left): %r", task.name, task.id, task.retries, exc)
