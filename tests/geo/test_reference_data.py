"""Migrations alone leave the database ready to import: the GB/T 2260 and GB/T 4754 tables."""

from __future__ import annotations

import pytest

from chainboard.geo.models import Region
from chainboard.industries.models import IndustryCode

pytestmark = pytest.mark.django_db


def test_industry_code_counts_per_level_match_the_standard() -> None:
    counts = {level: IndustryCode.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    # GB/T 4754-2017 publishes 20 门类, 97 大类, 473 中类 and 1,380 小类; every transcription
    # (including NBS's own PDF text) carries 1,381 four-digit codes: see industries/data/README.md.
    assert counts == {1: 20, 2: 97, 3: 473, 4: 1381}
    assert IndustryCode.objects.get(pk="3831").name == "电线、电缆制造"
    assert IndustryCode.objects.get(pk="3831").parent_id == "383"
    assert IndustryCode.objects.get(pk="38").parent_id == "C"


def test_every_province_and_the_demo_city_districts_are_current() -> None:
    assert Region.objects.filter(level="province").count() == 33  # 34 less 台湾省 (no data)
    assert Region.objects.filter(level="county").count() > 2800
    xingtai = Region.objects.get(pk="130500")
    names = set(xingtai.children.values_list("name", flat=True))
    assert {"信都区", "襄都区", "任泽区", "南和区", "宁晋县", "沙河市", "清河县", "临西县"} <= names
    assert not {"桥东区", "桥西区", "邢台县", "任县", "南和县"} & names  # abolished in 2020
    assert len(names) == 18
    ningjin = Region.objects.get(pk="130528")
    assert ningjin.path == "130000/130500/130528/" and ningjin.level == "county"
    assert xingtai.contains(ningjin) and not ningjin.contains(xingtai)
    assert ningjin.full_name == "河北省邢台市宁晋县"


def test_municipality_districts_hang_under_the_province() -> None:
    assert Region.objects.get(pk="110105").parent_id == "110000"
