"""What the pool's rows and the lead detail both show."""

from core.jobs import job_runs_latest
from core.models import JobRun

from ..models import Lead, LeadStatus
from ..services.sets import LEAD_STATUS_FLOW


def lead_row_facts_attach(lead: Lead, now) -> Lead:
    """Attach to the lead what a row shows besides its fields (`visible_data`: licensed data
    while authorized; `status_options`: the moves allowed from its status); returns it."""
    lead.visible_data = lead.visible_licensed_data(now)
    allowed = LEAD_STATUS_FLOW[LeadStatus(lead.status)] | {lead.status}
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
