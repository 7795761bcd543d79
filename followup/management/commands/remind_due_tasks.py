from core.commands import JobCommand
from followup.services import due_tasks_remind


class Command(JobCommand):
    help = (
        "Notify each task's assignee once when an open follow-up task falls due (kind "
        "task_due). Running it twice is harmless."
    )

    def handle(self, *args, **options):
        run = due_tasks_remind()
        self.stdout.write(
            f"Due-task reminders: {run.rows_changed} task"
            f"{'s' if run.rows_changed != 1 else ''} due ({run.detail or '0 notifications'}) "
            f"in {run.duration_s:.2f}s (job run {run.pk})."
        )
