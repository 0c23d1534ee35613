"""PostgreSQL-only search indexes for the enterprise list (SQLite does without).

Django's ``icontains`` on PostgreSQL is ``UPPER(name) LIKE UPPER('%…%')``: a trigram GIN index on
``UPPER(name)`` serves it. ``uscc__startswith`` is ``uscc LIKE 'X%'``, which needs
``varchar_pattern_ops`` under a non-C collation. Measured with 100,000 firms (see
benchmarks/registry_import_and_pages.py).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_upper_trgm ON enterprises_enterprise "
    "USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_uscc_pattern ON enterprises_enterprise "
    "(uscc varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS enterprise_uscc_pattern",
    "DROP INDEX IF EXISTS enterprise_name_upper_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
