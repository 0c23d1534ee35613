"""The one differentiated policy with published numbers: 浙政办发〔2019〕62号 城镇土地使用税 relief.

A 类 100%, B 类 80%, C/D 类 none, in force to 2021-12-31 (policy-facts §1.1, repost at
http://jumpstarthappiness.com/policy/124485.html). Registered against the 2020 evaluation year of
the ``zhejiang`` method; the start date is the document's year (the exact date was not in the
text found). No surcharge amounts were published anywhere [GAP]: those columns stay empty.
"""

import datetime as dt

from django.db import migrations

SOURCE = "浙政办发〔2019〕62号（城镇土地使用税按亩均评价结果减免，有效期至2021-12-31）"
NOTE = (
    "62号按亩均效益评价结果减免城镇土地使用税：A类100%、B类80%、C类和D类不减免，"
    "执行至2021-12-31，此后未见延续文件，2022年及以后年度不适用。施行日期按文号年份登记，待核对原文。"
)
RELIEF = {"A": 100, "B": 80, "C": 0, "D": 0}


def add(apps, schema_editor):
    ClassPolicy = apps.get_model("evaluation", "ClassPolicy")
    for klass, pct in RELIEF.items():
        ClassPolicy.objects.get_or_create(
            method_id="zhejiang",
            year=2020,
            klass=klass,
            defaults={
                "land_tax_relief_pct": pct,
                "valid_from": dt.date(2019, 1, 1),
                "valid_to": dt.date(2021, 12, 31),
                "source": SOURCE,
                "note": NOTE,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("evaluation", "ClassPolicy").objects.filter(
        method_id="zhejiang", year=2020, source=SOURCE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_class_policy")]
    operations = [migrations.RunPython(add, remove)]
