"""Fill `Partner.collaborating_creators`, which the leads services maintain from now on.

It lives in leads, not creators: the count is over leads, and creators never reads leads.
"""

from django.db import migrations

RECOUNT = """
    UPDATE creators_partner SET collaborating_creators = (
        SELECT count(*) FROM leads_lead l
        WHERE l.partner_id = creators_partner.id AND l.status = 'collaborating'
          AND l.removed_at IS NULL)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0007_partner_collaborating_creators"),
        ("leads", "0003_authorization_on_the_request"),
    ]

    operations = [migrations.RunSQL(RECOUNT, reverse_sql=migrations.RunSQL.noop)]
