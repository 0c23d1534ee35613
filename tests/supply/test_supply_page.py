"""The supply-risk page of a chain: figures, chart, tables, shock form, links, command."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.management import call_command

from chainboard.supply.models import SupplyRun
from tests.supply.factories import SupplyRunFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_page_shows_the_stored_figures(
    net, stored, admin_user, login, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client = login(admin_user)
    url = f"/chains/{net.chain.pk}/supply/"
    with django_assert_max_num_queries(40):
        r = client.get(url)
    assert r.status_code == 200
    text = _text(r)
    # summary: chain purchases 250 万元, 本地配套率 64.0%, 2 risky nodes (1 high, 1 watch), 3 single-source
    assert "本地链上企业采购额 250.00 万元 3 家采购企业 · 3 家供应商" in text
    assert "本地配套率 64.0% 省外采购 36.0% · 本地采购 160.00 万元" in text
    assert "风险环节 2 高风险 1 需关注 1 · 2/2 个环节有采购数据" in text
    assert "单一来源企业 3 共 3 家采购企业，其采购占 80.0%" in text
    # risky nodes with reasons in words and numbers
    assert "第一大供应商占环节采购 100.0% > 50.0%" in text
    assert "供应集中度 HHI 0.365 > 0.25（高度集中）" in text
    assert "单一来源企业的采购占环节 75.0% ≥ 50.0%" in text
    # dependences and backups (the admin sees every firm)
    for name in (
        "宁晋测试电缆有限公司",
        "沙河测试电缆有限公司",
        "宁晋测试铜业有限公司",
        "沙河测试铜业有限公司",
    ):
        assert name in text
    assert "同环节 铜杆；本地（区域内）；按营业收入排序" in text
    assert "同品类 电解铜；省内；按已观测销售额排序" in text
    assert "已在向该企业供货" in text
    assert net.uscc["E"] in text  # not in the registry: its USCC
    # the chart: local supply ratio and concentration per node
    option = json.loads(
        re.search(r'id="chart-supply"[^>]*>(.*?)</script>', r.content.decode(), re.S).group(1)
    )
    assert option["xAxis"]["data"] == ["铜杆", "电缆"]
    series = {s["name"]: s["data"] for s in option["series"]}
    assert [d["value"] for d in series["本地配套率"]] == [0.0, 80.0]
    assert series["第一大供应商占比"] == [100.0, 45.0] and series["HHI"] == [1.0, 0.365]
    assert "本地配套率" in text and "Horizontal Merger Guidelines" not in text  # cited in Chinese
    assert "横向合并指南" in text and "Inoue & Todo (2019)" in text


def test_shock_removing_a_supplier(net, stored, admin_user, login):  # type: ignore[no-untyped-def]
    """Remove E: first order A loses 40/100, C 50/50; propagated A (60·1 + 40)/100 = 1, B 10/100.
    Purchases at risk 90 → 160 万元; revenue at risk 400 + 800 = 1,200 → 1,000 + 50 + 800 = 1,850.
    Revenue of the firms left: registry A 1000 + B 500 + C 800 + D 300, F and G not in the
    registry: max(sales, purchases) = 30 each → 2,660; purchases A 100 + B 100 + C 50 + G 30."""
    client = login(admin_user)
    r = client.post(
        f"/chains/{net.chain.pk}/supply/shock/",
        {"run": stored.pk, "suppliers": net.uscc["E"].lower(), "region": ""},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    text = _text(r)
    assert "<html" not in r.content.decode()  # the HTMX partial
    assert "1 家企业停止供货 · 其销售额 90.00 万元" in text
    row = re.search(r"网络中全部企业(.*?)邢台市本地企业", text).group(1)
    assert row.split() == [
        "280.00",
        "万元",
        "90.00",
        "万元",
        "160.00",
        "万元",
        "2,660.00",
        "万元",
        "1,200.00",
        "万元",
        "1,850.00",
        "万元",
        "2",
        "/",
        "3",
        "2",
    ]
    nodes = re.search(r"本链各环节（本地企业）(.*?)受影响最大的企业", text).group(1)
    assert "电缆 200.00 万元 40.00 万元 110.00 万元 400.00 万元 1,050.00 万元 55.0%" in nodes
    assert "铜杆 50.00 万元 50.00 万元 50.00 万元 800.00 万元 800.00 万元 100.0%" in nodes
    firms = re.search(r"本链受影响最大的企业（您管辖范围内）(.*)", text).group(1)
    assert (
        firms.index("宁晋测试电缆有限公司")
        < firms.index("宁晋测试铜业有限公司")
        < firms.index("沙河测试电缆有限公司")
    )


def test_shock_removing_a_region_and_bad_input(net, stored, admin_user, login):  # type: ignore[no-untyped-def]
    client = login(admin_user)
    url = f"/chains/{net.chain.pk}/supply/shock/"
    r = client.post(url, {"region": "320500"}, HTTP_HX_REQUEST="true")
    text = _text(r)
    assert "苏州市（320500）全部企业 · 2 家企业停止供货 · 其销售额 90.00 万元" in text
    assert "1,850.00 万元" in text  # G buys nothing on: the same loss as removing E
    for data, message in (
        ({}, "请填写要断供的供应商统一社会信用代码，或一个地区代码"),
        (
            {"suppliers": "91130528XXXXXXXXXX"},
            "以下企业不在本批次的交易网络中或不在您的管辖范围内：91130528XXXXXXXXXX",
        ),
        ({"region": "32050"}, "地区代码 '32050' 无效"),
        ({"region": "329999"}, "未知的行政区划代码 329999"),
    ):
        r = client.post(url, data, HTTP_HX_REQUEST="true")
        assert r.status_code == 200 and message in _text(r)
    r = client.post(url, {"suppliers": "bad"})  # without HTMX: the whole page, status 400
    assert r.status_code == 400 and "<html" in r.content.decode()


def test_page_without_a_run_and_links(net, admin_user, login):  # type: ignore[no-untyped-def]
    client = login(admin_user)
    r = client.get(f"/chains/{net.chain.pk}/supply/")
    assert r.status_code == 200
    assert "还没有供应链风险分析" in _text(r)
    assert "可在下方上传交易（发票）记录发起分析" in _text(r) and "发起供应链风险分析" in _text(r)
    assert (
        client.post(f"/chains/{net.chain.pk}/supply/shock/", {"region": "320500"}).status_code
        == 404
    )
    supply = f'href="/chains/{net.chain.pk}/supply/"'
    assert supply in client.get(f"/chains/{net.chain.pk}/").content.decode()  # panorama tab
    assert supply in client.get("/chains/").content.decode()  # chain list


def test_older_runs_stay_readable(net, stored, admin_user, login):  # type: ignore[no-untyped-def]
    other = SupplyRunFactory(region=net.chain.region)
    client = login(admin_user)
    r = client.get(f"/chains/{net.chain.pk}/supply/?run={other.pk}")
    assert r.status_code == 200 and f"#{other.pk}" in _text(r)
    assert "本批次中本链没有本地企业的采购记录" in _text(r)
    assert client.get(f"/chains/{net.chain.pk}/supply/?run=999999").status_code == 404
    r = client.get(
        f"/chains/{net.chain.pk}/supply/?run={stored.pk}&partial=deps", HTTP_HX_REQUEST="true"
    )
    assert "<html" not in r.content.decode() and "宁晋测试电缆有限公司" in r.content.decode()


def test_command_run_list_publish(net, city_analyst, capsys):  # type: ignore[no-untyped-def]
    args = ["supplyrisk", "run", "--transactions", str(net.path), "--region", "130500"]
    call_command(*args, "--user", "analyst", "--no-publish")
    out = capsys.readouterr().out
    run = SupplyRun.objects.get()
    assert f"已保存批次 #{run.pk}（邢台市，未发布）：9 行交易记录，6 个企业间交易对" in out
    assert run.created_by == city_analyst and run.status == "draft"
    call_command(*args)
    assert "沿用已有批次" in capsys.readouterr().out
    call_command("supplyrisk", "publish", str(run.pk), "--user", "analyst")
    run.refresh_from_db()
    assert run.status == "current"
    call_command("supplyrisk", "list")
    assert f"#{run.pk}" in capsys.readouterr().out


def test_page_in_english(net, stored, admin_user, login):  # type: ignore[no-untyped-def]
    client = login(admin_user)
    client.cookies["django_language"] = "en"
    text = _text(client.get(f"/chains/{net.chain.pk}/supply/"))
    assert "Local supply ratio 64.0%" in text
    assert "HHI 0.365 > 0.25 (highly concentrated)" in text
    assert "Same segment 铜杆; Local (home region); ranked by revenue" in text
    assert "Horizontal Merger Guidelines (2010)" in text
