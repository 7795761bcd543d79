# Notifications moved to their own app (notifications 0001): state only, the tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0009_lead_reached_collaborating_at'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.RemoveField(
            model_name='notificationread',
            name='notification',
        ),
        migrations.RemoveField(
            model_name='notificationread',
            name='user',
        ),
        migrations.RemoveField(
            model_name='notificationreadmark',
            name='user',
        ),
        migrations.DeleteModel(
            name='Notification',
        ),
        migrations.DeleteModel(
            name='NotificationRead',
        ),
        migrations.DeleteModel(
            name='NotificationReadMark',
        ),
                ],
        ),
    ]
