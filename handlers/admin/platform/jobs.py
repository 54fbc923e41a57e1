"""Admin background jobs: /api/admin/platform/jobs (list, detail), /platform/jobs/{id}/retry and the cron
trigger /platform/jobs/run; GraphQL adminPlatformJob(s), retryAdminPlatformJob, runAdminPlatformJobs.

The records are written by the queue's signals (`domain/jobs.py: track`); this module reads them and
hands retries and cron runs to `domain.jobs`."""
from domain import jobs
from domain.common import RequestContext, iso
from handlers.admin.crud import AdminResource, exact, partial
from storage.job_models import JobRecord


def job_document(row: JobRecord) -> dict:
    return {"id": row.id, "taskId": row.task_id, "name": row.name, "arguments": row.summary, "state": row.state,
            "attempts": row.attempts, "retryable": row.arguments is not None, "error": row.error or "",
            "traceback": row.traceback or "", "queuedAt": iso(row.queued_at), "startedAt": iso(row.started_at),
            "finishedAt": iso(row.finished_at), "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at)}


records = AdminResource(
    model=JobRecord, label="Job", plural="Jobs", document=job_document,
    filters={"state": exact(JobRecord.state), "name": partial(JobRecord.name)},
    sorts={"id": JobRecord.id, "name": JobRecord.name, "state": JobRecord.state, "attempts": JobRecord.attempts,
           "updated_at": JobRecord.updated_at},
    default_order="desc",
)

list_admin_jobs = records.list_handler()
get_admin_job = records.get_handler()


def retry_admin_job(context: RequestContext, id: int) -> dict:
    return job_document(jobs.retry(id))


def run_admin_jobs(context: RequestContext, limit: int = 10) -> dict:
    return jobs.run_due(limit)
