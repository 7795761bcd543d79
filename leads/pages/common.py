"""What the pool's rows and the lead detail both show."""

from core.jobs import job_runs_latest
from core.models import JobRun

from .. import services
from ..models import Lead, LeadStatus


def row_facts(lead: Lead, now) -> Lead:
    """What a row shows besides the lead: licensed data while authorized, allowed moves."""
    lead.visible_data = lead.visible_licensed_data(now)
    allowed = services.LEAD_STATUS_FLOW[LeadStatus(lead.status)] | {lead.status}
    lead.status_options = [(key, label, key in allowed) for key, label in LeadStatus.choices]
    return lead


def freshness() -> dict:
    """When tiers and followers were last refreshed (the pool's and the detail's notes)."""
    runs = job_runs_latest(jobs=[JobRun.Job.REFRESH_TIERS, JobRun.Job.REFRESH_FOLLOWERS])
    tiers_run = runs.get(JobRun.Job.REFRESH_TIERS)
    followers_run = runs.get(JobRun.Job.REFRESH_FOLLOWERS)
    return {
        "tiers_as_of": tiers_run.as_of if tiers_run else None,
        "followers_as_of": followers_run.finished_at if followers_run else None,
    }
