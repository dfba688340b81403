# Browse area: indexes for the task list's filters and sort keys (keyset pagination),
# and pg_trgm GIN indexes for the free-text search on PostgreSQL.

import datetime

import django.db.models.functions.comparison
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# Task text search (`q`) uses LIKE '%…%' (case-sensitive `contains`: Chinese has no case).
# On PostgreSQL a trigram GIN index serves it for queries of three characters or more;
# SQLite (the laptop default) scans. Django's model state does not track these indexes.
TRIGRAM_INDEXES = [
    ("task_text_trgm_idx", "tracker_task", "text"),
    ("task_title_trgm_idx", "tracker_task", "title"),
    ("document_title_trgm_idx", "tracker_document", "title"),
    ("document_number_trgm_idx", "tracker_document", "doc_number"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_reporting_constraints"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["role", "task"], name="assignment_role_task_idx"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["year", "id"], name="document_browse_year_idx"),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["-document", "order", "id"], name="task_browse_plan_idx"),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce(
                    models.F("deadline_on"), models.Value(datetime.date(9999, 12, 31))
                ),
                models.F("id"),
                name="task_browse_deadline_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                models.Case(
                    models.When(light="red", then=models.Value(0)),
                    models.When(light="yellow", then=models.Value(1)),
                    models.When(light="green", then=models.Value(2)),
                    default=models.Value(3),
                ),
                models.OrderBy(models.F("document"), descending=True),
                models.F("order"),
                models.F("id"),
                name="task_browse_light_idx",
            ),
        ),
    ]
