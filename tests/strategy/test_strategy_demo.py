"""The demo step: every Hebei county gets the sample panel, once."""

from __future__ import annotations

import io

import pytest

from chainboard.demo.steps import DEMO_STEPS
from chainboard.geo.models import Region
from chainboard.strategy.demo import demo_step
from chainboard.strategy.models import PanelValue
from chainboard.strategy.services import panel_version

pytestmark = pytest.mark.django_db


def test_demo_step_loads_all_hebei_counties_once() -> None:
    assert "chainboard.strategy.demo.demo_step" in DEMO_STEPS
    out = io.StringIO()
    demo_step(stdout=out)
    counties = Region.objects.filter(code__startswith="13", level="county").count()
    rows = PanelValue.objects.count()
    assert PanelValue.objects.values("region_id").distinct().count() == counties > 150
    assert not PanelValue.objects.filter(sample=False).exists()
    assert "示例数据" in out.getvalue()
    version = panel_version()
    demo_step(stdout=io.StringIO())
    assert PanelValue.objects.count() == rows and panel_version() == version
