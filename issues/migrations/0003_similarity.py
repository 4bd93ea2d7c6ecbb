"""pg_trgm for issue similarity (issues.similarity), on PostgreSQL only.

The embedded SQLite default has no extensions; there the operations do nothing, so the same
migration history runs on both databases. The index is raw SQL rather than a model-level GinIndex
because SQLite cannot create a GIN index (and makemigrations would otherwise track it).
"""

from django.db import migrations

INDEX = "issue_title_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Trusted extension since PostgreSQL 13: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON issues_regionalissue USING gin (title gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other code (and show_trgm checks) may rely on it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("issues", "0002_seed_themes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
