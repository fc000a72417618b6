"""PostgreSQL extensions, created in `public` before any venue schema exists.

Venue tables find them because `public` is always on a venue's search path: btree_gist for exclusion
constraints on booking ranges, pg_trgm for accent- and typo-tolerant catalogue search. Both are
trusted extensions (PostgreSQL >= 13), so a database owner without superuser rights can create them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;",
            reverse_sql="DROP EXTENSION IF EXISTS btree_gist;",
        ),
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;",
            reverse_sql="DROP EXTENSION IF EXISTS pg_trgm;",
        ),
    ]
