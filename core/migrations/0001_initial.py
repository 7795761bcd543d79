from django.db import migrations, models


class Migration(migrations.Migration):
    """JobRun, moved here from `creators`: the state only, the table already exists."""

    initial = True

    dependencies = [("creators", "0006_jobrun_moves_to_core")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('job', models.CharField(choices=[('refresh_tiers', 'Tier refresh'), ('refresh_followers', 'Follower refresh'), ('expire_authorizations', 'Authorization expiry'), ('import_creator_stats', 'Creator-stats import')], max_length=32)),
                        ('status', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='running', max_length=16)),
                        ('as_of', models.DateField(blank=True, null=True)),
                        ('started_at', models.DateTimeField()),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('rows_changed', models.PositiveIntegerField(default=0)),
                        ('detail', models.TextField(blank=True)),
                    ],
                    options={
                        'db_table': 'creators_jobrun',
                        'ordering': ['-started_at'],
                        'indexes': [models.Index(fields=['job', '-started_at'], name='jobrun_job_idx')],
                    },
                ),
            ],
        )
    ]
