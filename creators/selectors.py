"""Reads for the creators domain."""

from .models import JobRun


def job_run_latest(*, job: str) -> JobRun | None:
    """The newest successful run of a job (it says how fresh tiers or followers are)."""
    return (
        JobRun.objects.filter(job=job, status=JobRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )
