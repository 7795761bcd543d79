"""The user admin, with what the pool shows of a staff user kept fresh.

The Leads Pool's rows show each owner's name, so renaming or deleting a staff user bumps
their partner's pool version (`leads.pool_version`), by an explicit call here, the one place
users are edited. Deleting staff users first unassigns their pool leads through the leads'
own service, so each lead's history and the webhooks say who took the lead off them.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from creators.selectors import staff_partner_ids
from leads.pool_version import pool_version_bump, pool_version_bump_for_staff
from leads.services import leads_unassign_staff

User = get_user_model()
NAME_FIELDS = {"username", "first_name", "last_name"}

admin.site.unregister(User)


@admin.register(User)
class PartnerCenterUserAdmin(UserAdmin):
    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and NAME_FIELDS & set(form.changed_data):
            pool_version_bump_for_staff(user_id=obj.pk)

    @transaction.atomic
    def delete_model(self, request, obj):
        partner_ids = staff_partner_ids(user_ids=[obj.pk])  # before its staff row goes
        leads_unassign_staff(owner_ids=[obj.pk], user=request.user)
        super().delete_model(request, obj)
        pool_version_bump(partner_ids=partner_ids, create=False)  # its leads lost their owner

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        user_ids = list(queryset.values_list("pk", flat=True))
        partner_ids = staff_partner_ids(user_ids=user_ids)
        leads_unassign_staff(owner_ids=user_ids, user=request.user)
        super().delete_queryset(request, queryset)
        pool_version_bump(partner_ids=partner_ids, create=False)
