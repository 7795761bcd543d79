"""What follow-up tells people, in one place: the due-task notice's words and link (the job
builds the same words in SQL from the same template)."""

from leads.notices import lead_link_sql
from notifications.services import text_sql

TASK_DUE = "Task due: {title}"


def task_due_text(*, title: str) -> str:
    return TASK_DUE.format(title=title)


def task_due_sql(*, title: str) -> str:
    return text_sql(TASK_DUE, title=title)


def task_link_sql(lead_id_column: str) -> str:
    return lead_link_sql(lead_id_column)
