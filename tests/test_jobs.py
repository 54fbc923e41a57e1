"""Background jobs (domain/jobs.py): the queue the settings choose, the consumer `specshop run` and
`specshop worker` start, the nightly schedule, and a failing job kept with its error and retried."""
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from domain import jobs
from domain.jobs import huey, job_error, make_huey
from domain.promotions.tasks import nightly_price_index, rebuild_price_index
from server.cli import build_parser, worker_command

ROOT = Path(__file__).resolve().parent.parent
attempts = []


@huey.task(retries=1)
def flaky_job(marker: str) -> str:
    attempts.append(marker)
    if len(attempts) == 1:
        raise RuntimeError("price index table locked")
    return f"done {marker}"


def test_the_queue_is_sqlite_by_default_and_redis_when_configured(tmp_path):
    local = make_huey({"JOBS_DB": str(tmp_path / "queue" / "jobs.db")})
    assert isinstance(local, SqliteHuey) and local.name == "specshop"
    assert local.storage.filename == str(tmp_path / "queue" / "jobs.db")
    assert jobs.DEFAULT_SQLITE_PATH == "var/jobs.db"
    shared = make_huey({"REDIS_URL": "redis://localhost:6379/3", "JOBS_QUEUE": "shop-eu"})
    assert isinstance(shared, RedisHuey) and shared.name == "shop-eu"


def test_the_consumer_runs_thread_workers_and_the_nightly_schedule():
    consumer = jobs.consumer(workers=3)
    assert (consumer.workers, consumer.worker_type, consumer.periodic) == (3, "thread", True)
    registered = set(huey._registry._registry)
    assert {"domain.promotions.tasks.rebuild_price_index", "domain.promotions.tasks.nightly_price_index"} <= registered
    nightly = nightly_price_index.s()
    assert nightly.validate_datetime(datetime.datetime(2026, 3, 1, 0, 5))
    assert not nightly.validate_datetime(datetime.datetime(2026, 3, 1, 12, 5))
    assert rebuild_price_index.s().retries == jobs.RETRIES


def test_specshop_run_starts_a_worker_unless_told_not_to():
    parser = build_parser()
    assert parser.parse_args(["run"]).worker is True
    assert parser.parse_args(["run", "--no-worker"]).worker is False
    assert parser.parse_args(["worker", "--workers", "4"]).workers == 4
    assert worker_command()[-3:] == ["-m", "server.cli", "worker"]
    assert worker_command(4321)[-2:] == ["--with-parent", "4321"]


def test_a_failure_is_kept_with_its_error_and_the_job_retried(app):
    jobs.run_queued()
    attempts.clear()
    queued = flaky_job("nightly")
    task = huey.dequeue()
    assert task.id == queued.id and task.retries == 1
    huey.execute(task)  # fails: kept, and queued again with one retry fewer
    failure = job_error(queued.id)
    assert "price index table locked" in failure["error"] and failure["retries"] == 1
    assert "RuntimeError" in failure["traceback"] and len(huey) == 1
    retry = huey.dequeue()
    assert retry.id == queued.id and retry.retries == 0
    huey.execute(retry)
    assert attempts == ["nightly", "nightly"] and job_error(queued.id) is None
    assert huey.result(queued.id) == "done nightly"


def test_specshop_worker_consumes_the_queue(tmp_path):
    """A real consumer process: a rebuild queued here runs there, against its own database."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/worker.db",
                   "JOBS_DB": str(tmp_path / "jobs.db"), "JOBS_QUEUE": "worker-test"}
    environment.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "server.cli", "migrate"], cwd=ROOT, env=environment, check=True,
                   capture_output=True, timeout=120)
    queue = make_huey(environment)
    task = rebuild_price_index.s()
    queue._registry.register(type(task))  # the same task, sent to the worker's queue
    queue.enqueue(task)
    worker = subprocess.Popen(worker_command(), cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(queue) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert queue.result(task.id, blocking=True, timeout=30) == 0  # no rules yet: an empty index
    finally:
        worker.terminate()
        worker.wait(10)
