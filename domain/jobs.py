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

Every task has a job record (`storage/job_models.py: JobRecord`), written by one signal handler
(`track`) when the task is queued and kept current as it starts, fails, waits for a retry and
succeeds; admins list them, retry a failed one (`retry`, the same task id and arguments) and, where
no consumer runs, let a cron call execute what is due (`run_due`). Task arguments are ids and names;
a keyword argument named like a secret is never stored, and its job cannot be retried.
"""
import datetime
import importlib
import json
import logging
import os
import threading
import traceback
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage
from huey import signals as S
from huey.exceptions import HueyException, TaskException

from domain.errors import ApiError, NotFound
from storage.db import database
from storage.job_models import JobRecord
from storage.models import utcnow

QUEUE_NAME = "specshop"
DEFAULT_SQLITE_PATH = "var/jobs.db"
TASK_MODULES = ("domain.promotions.tasks", "domain.seo.tasks", "domain.marketing.tasks",
                "domain.webhooks.tasks", "domain.data_transfer.tasks", "domain.sales.tasks")
RETRIES = 3
RETRY_DELAY = 30  # seconds between attempts
SECRET_WORDS = ("secret", "password", "token", "key", "credential")
KEEP_DAYS = 14  # succeeded job records older than this are pruned every night
TRACEBACK_KEPT = 4000  # characters: the end of a traceback, where the error is

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
    return SqliteHuey(name, filename=str(path), storage_class=QueueFileStorage)


class QueueFileStorage(SqliteStorage):
    """Huey's SQLite storage with `synchronous = NORMAL`, as the application's own database (storage/db.py):
    in WAL mode a commit no longer waits for the disk (an order placement queues several jobs), and an
    operating-system crash can lose only the last queued jobs, never the file; what the queue loses, the
    periodic sweeps find again (a committed webhook event is dispatched by `sweep_webhooks`)."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous = 1")
        return connection


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


# --- job records -----------------------------------------------------------------------------------

last_outcome = threading.local()  # the state the latest execution in this thread left (run_due counts it)


def in_connection(work):
    """Run `work` in the caller's connection, or in one of its own (a consumer thread has none)."""
    if not database.is_closed():
        return work()
    with database.connection_context():
        return work()


def arguments_of(task) -> tuple[str, dict | None]:
    """(the arguments for reading, the arguments a retry enqueues again or None when not kept)."""
    kwargs = dict(task.kwargs or {})
    hidden = {name for name in kwargs if any(word in name.lower() for word in SECRET_WORDS)}
    shown = [repr(value) for value in task.args or ()]
    shown += [f"{name}={'[hidden]' if name in hidden else repr(value)}" for name, value in kwargs.items()]
    kept = {"args": list(task.args or ()), "kwargs": kwargs}
    try:
        json.dumps(kept)
    except (TypeError, ValueError):
        kept = None
    return ", ".join(shown)[:500], None if hidden else kept


def save_record(task, inserted: dict, updated: dict):
    """Insert or update the task's record in a savepoint of its own: a failure here is logged and
    never breaks the enqueue, the task, or the caller's transaction."""
    now = utcnow()
    summary, arguments = arguments_of(task)

    def write():
        with database.atomic():
            (JobRecord.insert(task_id=task.id, name=huey._registry.task_to_string(type(task)), summary=summary,
                              arguments=arguments, created_at=now, updated_at=now, **inserted)
             .on_conflict(conflict_target=[JobRecord.task_id], update={**updated, JobRecord.updated_at: now})
             .execute())
    try:
        in_connection(write)
    except Exception:
        logger.exception("could not record job %s %s", task.name, task.id)


def failure_text(exc) -> tuple[str, str]:
    if exc is None:
        return "", ""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"{type(exc).__name__}: {exc}"[:2000], trace[-TRACEBACK_KEPT:]


@huey.signal(S.SIGNAL_ENQUEUED, S.SIGNAL_SCHEDULED, S.SIGNAL_EXECUTING, S.SIGNAL_COMPLETE, S.SIGNAL_ERROR,
             S.SIGNAL_TIMEOUT, S.SIGNAL_INTERRUPTED, S.SIGNAL_REVOKED, S.SIGNAL_EXPIRED)
def track(signal, task, exc=None):
    """The one place job records follow the queue."""
    now = utcnow()
    if signal in (S.SIGNAL_ENQUEUED, S.SIGNAL_SCHEDULED):
        save_record(task, {"state": "queued", "queued_at": now},
                    {JobRecord.state: "queued", JobRecord.queued_at: now})
    elif signal == S.SIGNAL_EXECUTING:
        last_outcome.state = "running"
        save_record(task, {"state": "running", "attempts": 1, "started_at": now},
                    {JobRecord.state: "running", JobRecord.attempts: JobRecord.attempts + 1,
                     JobRecord.started_at: now, JobRecord.finished_at: None})
    elif signal == S.SIGNAL_COMPLETE:
        last_outcome.state = "succeeded"
        values = {"state": "succeeded", "finished_at": now, "error": "", "traceback": ""}
        save_record(task, values, {getattr(JobRecord, name): value for name, value in values.items()})
    else:
        error, trace = failure_text(exc)
        if not error:
            error = {S.SIGNAL_TIMEOUT: "The job timed out.", S.SIGNAL_INTERRUPTED: "The worker stopped during the job.",
                     S.SIGNAL_REVOKED: "The job was revoked.", S.SIGNAL_EXPIRED: "The job expired before it ran."}[signal]
        retrying = signal in (S.SIGNAL_ERROR, S.SIGNAL_TIMEOUT) and bool(task.retries)
        state = "queued" if retrying else "failed"  # a retry follows while retries are left
        last_outcome.state = "failed"
        values = {"state": state, "finished_at": now, "error": error, "traceback": trace}
        save_record(task, values, {getattr(JobRecord, name): value for name, value in values.items()})


class JobConflict(ApiError):
    def __init__(self, message: str, error: str):
        super().__init__(409, message, error)


def retry(record_id: int) -> JobRecord:
    """Enqueue a failed job again: the same task id and arguments, its record queued again."""
    row = JobRecord.get_or_none(JobRecord.id == record_id)
    if row is None:
        raise NotFound("Job")
    if row.state != "failed":
        raise JobConflict(f"Only failed jobs can be retried; this one is {row.state}.", "job_not_failed")
    if row.arguments is None:
        raise JobConflict("The job's arguments were not kept, so it cannot be retried.", "job_not_retryable")
    load_tasks()
    try:
        task_class = huey._registry.string_to_task(row.name)
    except HueyException:
        raise JobConflict(f"No task named {row.name} is known any more.", "job_task_unknown") from None
    claimed = (JobRecord.update(state="queued", queued_at=utcnow(), updated_at=utcnow())
               .where(JobRecord.id == row.id, JobRecord.state == "failed").execute())
    if not claimed:  # another retry took it first
        raise JobConflict("Only failed jobs can be retried; this one is queued.", "job_not_failed")
    huey.delete(row.task_id)  # the kept failure: `job_error` answers for the new run
    try:
        huey.enqueue(task_class(args=tuple(row.arguments["args"]), kwargs=row.arguments["kwargs"], id=row.task_id))
    except Exception:
        JobRecord.update(state="failed").where(JobRecord.id == row.id).execute()
        raise ApiError(503, "The job queue is unreachable.", "queue_unavailable") from None
    return JobRecord.get_by_id(row.id)


def enqueue_periodic(now: datetime.datetime):
    """Queue the periodic tasks due this minute, once per minute however often a cron calls."""
    minute = now.strftime("%Y-%m-%dT%H:%M")
    if huey.get("cron:minute", peek=True) == minute:
        return
    huey.put("cron:minute", minute)
    for task in huey.read_periodic(now):
        huey.enqueue(task)


def run_due(limit: int = 10) -> dict:
    """What a cron runs where no consumer does: queue the periodic tasks due this minute and the
    scheduled ones whose time has come, then execute up to `limit` queued tasks in this thread.
    Tasks queued for later go back to the schedule (`deferred`)."""
    load_tasks()
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    enqueue_periodic(now)
    for task in huey.read_schedule(now):
        huey.enqueue(task)
    counts = {"ran": 0, "succeeded": 0, "failed": 0, "deferred": 0}
    while counts["ran"] < limit:
        task = huey.dequeue()
        if task is None:
            break
        if not huey.ready_to_run(task, now):
            huey.add_schedule(task)
            counts["deferred"] += 1
            continue
        last_outcome.state = None
        huey.execute(task, timestamp=now)
        counts["ran"] += 1
        if last_outcome.state == "succeeded":
            counts["succeeded"] += 1
        elif last_outcome.state == "failed":
            counts["failed"] += 1
    return {**counts, "remaining": len(huey)}


@huey.periodic_task(crontab(minute="20", hour="0"))
def prune_job_records() -> int:
    """Every night: forget succeeded jobs older than KEEP_DAYS (failed ones stay until retried)."""
    cutoff = utcnow() - datetime.timedelta(days=KEEP_DAYS)
    return in_connection(lambda: JobRecord.delete().where(JobRecord.state == "succeeded",
                                                          JobRecord.updated_at < cutoff).execute())
