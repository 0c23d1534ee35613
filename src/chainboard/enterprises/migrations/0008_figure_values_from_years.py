"""The yearly figures stored before sources were recorded become the 手工 (manual) source's values,
so a later department import is compared with them (一个指标多个来源, docs/imports.md)."""

from django.db import migrations

FIELDS = (
    "revenue_wan_yuan",
    "main_business_revenue_wan_yuan",
    "value_added_wan_yuan",
    "tax_paid_wan_yuan",
    "land_area_mu",
    "energy_tce",
    "pollutant_equivalent_t",
    "rd_spend_wan_yuan",
    "employees",
    "electricity_10k_kwh",
)


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    years = apps.get_model("enterprises", "EnterpriseYear")
    values = apps.get_model("enterprises", "FigureValues")
    batch = []
    for row in years.objects.values("enterprise_id", "year", "created_at", *FIELDS).iterator(
        chunk_size=5000
    ):
        figures = {f: row[f] for f in FIELDS}
        if all(v is None for v in figures.values()):
            continue
        batch.append(
            values(
                enterprise_id=row["enterprise_id"],
                year=row["year"],
                source="manual",
                created_at=row["created_at"],
                updated_at=row["created_at"],
                **figures,
            )
        )
        if len(batch) >= 5000:
            values.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    values.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0007_figure_sources")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
