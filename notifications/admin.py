from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["partner", "user", "kind", "text", "link", "created_at"]
    list_filter = ["kind", "partner"]
    search_fields = ["text", "partner__name"]
    list_select_related = ["partner", "user"]
    raw_id_fields = ["partner", "user"]
    date_hierarchy = "created_at"
    show_full_result_count = False
