# Notifications move from leads to their own app: the tables stay where they are (state only).
# The lead became a plain id (`lead_id`, the same column): this app sits below leads.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('creators', '0008_creator_handle_unique_ci'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('leads', '0009_lead_reached_collaborating_at'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='NotificationReadMark',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='notification_read_mark', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('read_through_id', models.BigIntegerField(default=0)),
                ('marked_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'db_table': 'leads_notificationreadmark',
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('new_request', 'New collaboration request'), ('lead_removed', 'Lead removed from pool'), ('authorization_expired', 'Authorization expired'), ('authorization_expiring', 'Authorization expiring'), ('lead_assigned', 'Lead assigned')], max_length=32)),
                ('text', models.CharField(max_length=255)),
                ('lead_id', models.BigIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('partner', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='creators.partner')),
                ('user', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'leads_notification',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='NotificationRead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('read_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reads', to='notifications.notification')),
                ('user', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notification_reads', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'leads_notificationread',
            },
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['partner', '-created_at', '-id'], name='notification_partner_idx'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['partner', 'id', 'user'], name='notification_partner_id_idx'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['partner', 'kind', '-created_at', '-id'], name='notification_kind_idx'),
        ),
        migrations.AddConstraint(
            model_name='notificationread',
            constraint=models.UniqueConstraint(fields=('user', 'notification'), name='one_read_per_user_and_notification'),
        ),
                ],
        ),
    ]
