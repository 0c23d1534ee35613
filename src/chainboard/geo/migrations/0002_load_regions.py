"""Load the national GB/T 2260 list so an empty database is ready to import (see geo.loaders)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from chainboard.geo.loaders import load_regions

    load_regions(apps.get_model("geo", "Region"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
