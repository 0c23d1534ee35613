"""Load GB/T 4754-2017 so an empty database is ready to import (see industries.loaders)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from chainboard.industries.loaders import load_industry_codes

    load_industry_codes(apps.get_model("industries", "IndustryCode"))


class Migration(migrations.Migration):
    dependencies = [("industries", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
