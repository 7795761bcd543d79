from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "Follow-up tasks"

    def ready(self):
        from leads.services.reminders import DIGEST_SECTIONS

        from .selectors import digest_task_lines

        # The daily digest lists each staff user's tasks for the day (leads cannot import us).
        if digest_task_lines not in DIGEST_SECTIONS:
            DIGEST_SECTIONS.append(digest_task_lines)
