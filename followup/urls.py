from django.urls import path

from . import pages

app_name = "followup"

urlpatterns = [
    path("", pages.my_tasks, name="my_tasks"),
    path("lead/<int:lead_id>/add/", pages.task_add, name="task_add"),
    path("<int:task_id>/done/", pages.task_done, name="task_done"),
]
