"""The lead detail's tasks section (templates/leads/_detail.html includes
followup/_lead_tasks.html, which loads the tasks here: one query)."""

from django import template

from ..selectors import lead_task_list

register = template.Library()


@register.simple_tag
def lead_tasks(lead) -> list:
    return list(lead_task_list(lead=lead))
