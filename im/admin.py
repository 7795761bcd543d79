from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Message, Thread


class MessageInline(admin.TabularInline):
    """Read-only: IM history is kept for audit."""

    model = Message
    extra = 0
    can_delete = False
    fields = ["created_at", "side", "sender", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["partner", "creator", "last_message_at", "created_at"]
    list_select_related = ["partner", "creator"]
    search_fields = ["creator__handle", "partner__name"]
    list_filter = ["partner"]
    readonly_fields = [
        "partner",
        "creator",
        "created_at",
        "last_message_at",
        "last_message_body",
        "seller_last_read_at",
        "creator_last_read_at",
    ]
    inlines = [MessageInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["thread", "side", "sender", "created_at"]
    list_select_related = ["thread__partner", "thread__creator", "sender"]
    search_fields = ["body", "thread__creator__handle"]
    readonly_fields = ["thread", "side", "sender", "body", "created_at"]
