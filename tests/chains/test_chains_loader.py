"""Loading chain templates: `chainboard chains load`, updates by node name, nothing half-loaded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from tests.factories import EnterpriseFactory

from chainboard.chains import services
from chainboard.chains.models import Chain, ChainNode, EnterpriseNode, LinkState
from chainboard.core.errors import OutOfScope

BAD = """\
code: broken
version: 1
name: 坏模板
category: 新兴
sources: [测试]
nodes:
  - name: 甲
    stage: upstream
    codes: ["3831"]
    feeds: [乙]
  - name: 乙
    stage: midstream
    codes: ["3831"]
    feeds: [甲]
  - name: 丙
    codes: ["3831"]
"""


def test_command_loads_a_shipped_template_and_links(xingtai, capsys):
    firm = EnterpriseFactory(business_scope="钢化玻璃、中空玻璃加工、销售", industry_id="3051")
    call_command("chains", "load", "glass", "--region", "130500")
    chain = Chain.objects.get(region_id="130500", code="glass")
    assert chain.nodes.count() == 30
    assert chain.sources and chain.template_version == 1
    float_glass = chain.nodes.get(name="浮法玻璃原片")
    assert {n.name for n in float_glass.feeds.all()} == {"玻璃深加工", "制镜"}
    assert chain.nodes.get(name="钢化玻璃").parent.name == "玻璃深加工"
    linked = set(
        EnterpriseNode.objects.filter(enterprise=firm).values_list("node__name", flat=True)
    )
    assert linked == {"钢化玻璃", "中空玻璃"}
    assert "已载入" in capsys.readouterr().out


def test_reloading_keeps_nodes_and_links(xingtai):
    spec = services.template_read("bearing")
    chain = services.chain_load_template(spec=spec, region=xingtai["130500"], actor=None)
    ids = dict(chain.nodes.values_list("name", "pk"))
    again = services.chain_load_template(spec=spec, region=xingtai["130500"], actor=None)
    assert again.pk == chain.pk
    assert dict(again.nodes.values_list("name", "pk")) == ids
    assert chain.history.count() == 2


def test_malformed_file_is_refused_with_file_line_reason_and_nothing_written(
    xingtai, tmp_path, capsys
):
    path = tmp_path / "broken.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("chains", "load", str(path), "--region", "130500")
    err = capsys.readouterr().err
    assert "broken.yaml:7: 环节之间存在循环：甲 → 乙 → 甲" in err
    assert "broken.yaml:15: 环节 丙 缺少 stage" in err
    assert not Chain.objects.exists()
    assert not ChainNode.objects.exists()


def test_unknown_template_name_is_refused(xingtai, capsys):
    with pytest.raises(CommandError):
        call_command("chains", "load", "no_such_chain", "--region", "130500")
    assert "没有这个模板" in capsys.readouterr().err


def test_a_failure_half_way_leaves_the_previous_version(xingtai, monkeypatch):
    spec = services.template_read("food")
    chain = services.chain_load_template(spec=spec, region=xingtai["130500"], actor=None)
    before = sorted(chain.nodes.values_list("name", "order"))
    calls = {"n": 0}
    original = ChainNode.full_clean

    def fail_on_tenth(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 10:
            raise ValidationError("boom")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ChainNode, "full_clean", fail_on_tenth)
    changed = spec.__class__(**{**spec.__dict__, "name": "改名后的链", "nodes": spec.nodes[::-1]})
    with pytest.raises(ValidationError):
        services.chain_load_template(spec=changed, region=xingtai["130500"], actor=None)
    chain.refresh_from_db()
    assert chain.name == "食品加工产业链"
    assert sorted(chain.nodes.values_list("name", "order")) == before


def test_removed_nodes_drop_their_links_but_kept_nodes_keep_decisions(xingtai):
    spec = services.template_read("bicycle")
    chain = services.chain_load_template(spec=spec, region=xingtai["130500"], actor=None)
    firm = EnterpriseFactory(industry_id="3761", business_scope="自行车制造")
    keep = services.link_set(enterprise=firm, node=chain.nodes.get(name="自行车整车"), actor=None)
    services.link_set(enterprise=firm, node=chain.nodes.get(name="健身与运动自行车"), actor=None)
    smaller = spec.__class__(
        **{**spec.__dict__, "nodes": tuple(n for n in spec.nodes if n.name != "健身与运动自行车")}
    )
    services.chain_load_template(spec=smaller, region=xingtai["130500"], actor=None)
    assert list(EnterpriseNode.objects.filter(enterprise=firm)) == [keep]
    assert EnterpriseNode.objects.get().state == LinkState.CONFIRMED


def test_county_staff_cannot_load_a_city_chain(xingtai, ningjin_user):
    spec = services.template_read("wire_cable")
    with pytest.raises(OutOfScope):
        services.chain_load_template(spec=spec, region=xingtai["130500"], actor=ningjin_user)
    chain = services.chain_load_template(spec=spec, region=xingtai["130528"], actor=ningjin_user)
    assert chain.history.first().history_user == ningjin_user
