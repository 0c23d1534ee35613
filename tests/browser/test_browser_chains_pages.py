"""The 宁晋 cable chain in a real chromium: panorama (ECharts), a segment's firms, the PNG / SVG /
PDF exports, the gap list with investment targets, the service structure and the cluster page."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    chart_option,
    js_errors,
    login,
    pdf_fonts,
    pdf_text,
    render_pdf_page,
    table_rows,
)
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

from chainboard.chains import selectors, services
from chainboard.chains.models import Chain
from chainboard.core.formatting import format_wan_yuan
from chainboard.geo.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (name stem, industry code, business scope, how many firms, revenue 2025 of the first in 万元)
NINGJIN_FIRMS = [
    ("电力电缆", "3831", "电力电缆、高压电缆生产、销售", 8, 260000),
    ("控制电缆", "3831", "控制电缆、布电线制造", 4, 48000),
    ("特种电缆", "3831", "光伏电缆、阻燃电缆、矿用电缆等特种电缆制造", 4, 36000),
    ("通信电缆", "3831", "通信电缆、数据电缆、网线生产", 2, 9000),
    ("架空导线", "3831", "钢芯铝绞线、架空导线制造", 1, 15000),
    ("铜业", "3251", "铜杆、无氧铜线生产", 3, 120000),
    ("电缆材料", "3834", "电缆料、交联聚乙烯绝缘材料生产", 2, 8000),
    ("电缆附件", "3839", "电缆附件、电缆桥架制造", 2, 5000),
    ("输变电", "3821", "变压器、开关柜制造", 2, 22000),
    ("线缆物流", "5431", "线缆物流、普通货物道路运输", 1, 1200),
    ("线缆检测", "7452", "电线电缆检测服务", 1, 600),
    ("线缆商贸", "5175", "电线电缆批发、电工器材批发", 2, 3500),
    ("线缆设备", "3499", "拉丝机、绞线机等线缆设备制造", 1, 2600),
]


def build_chain() -> tuple[Chain, dict[str, Any]]:
    """The shipped wire_cable template for 宁晋县, 33 local firms and two firms elsewhere."""
    ningjin, shahe, nangong = (Region.objects.get(pk=c) for c in ("130528", "130582", "130581"))
    firms: dict[str, Any] = {}
    for stem, code, scope, count, revenue in NINGJIN_FIRMS:
        for i in range(count):
            firm = EnterpriseFactory(
                region=ningjin,
                name=f"宁晋县{stem}{i + 1:02d}有限公司",
                industry_id=code,
                business_scope=scope,
                above_scale=revenue >= 2000,
            )
            firms[firm.name] = firm
            for year, factor in ((2024, Decimal("0.9")), (2025, Decimal(1))):
                EnterpriseYearFactory(
                    enterprise=firm,
                    year=year,
                    revenue_wan_yuan=(Decimal(revenue) * factor / (i + 1)).quantize(Decimal(1)),
                )
    outside = [
        (shahe, "沙河市光联通信光缆有限公司", "3833", "通信光缆制造、销售"),
        (nangong, "南宫市光纤科技有限公司", "3832", "光纤生产"),
    ]
    for region, name, code, scope in outside:
        firm = EnterpriseFactory(region=region, name=name, industry_id=code, business_scope=scope)
        EnterpriseYearFactory(enterprise=firm, year=2025, revenue_wan_yuan=Decimal(30000))
        firms[name] = firm
    chain = services.chain_load_template(
        spec=services.template_read("wire_cable"), region=ningjin, actor=None
    )
    services.chain_link_run(chains=[chain], actor=None)
    chain.leader_firms.set([firms["宁晋县电力电缆01有限公司"]])
    cluster = services.cluster_save(
        name="宁晋电线电缆产业集群", region=ningjin, chains=[chain], actor=None
    )
    services.cluster_target_set(
        cluster=cluster, year=2025, actor=None, revenue_target_wan_yuan=Decimal(900000)
    )
    return chain, {"firms": firms, "cluster": cluster}


def test_panorama_exports_gaps_and_cluster(
    live_server: Any, page: Any, screenshot: Any, tmp_path: Any, task_worker: Any
) -> None:
    analyst = UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    chain, data = build_chain()
    p = selectors.chain_panorama(user=analyst, chain=chain)
    views = {v.node.name: v for v in p.nodes}
    assert len(data["firms"]) == 35 and p.firms == 33 and p.year == 2025
    errors = js_errors(page)
    login(page, live_server.url, "analyst")

    # --- panorama: KPI cards equal the stored figures, the canvas draws every segment
    page.goto(f"{live_server.url}/chains/{chain.pk}/")
    page.wait_for_selector("#panorama canvas")
    assert page.inner_text("#kpi-firms") == "33"
    assert format_wan_yuan(p.revenue) in page.inner_text("main")
    assert "亿元" in format_wan_yuan(p.revenue)
    series = chart_option(page, "#panorama")["series"][0]
    drawn = {d["name"]: d for d in series["data"] if d["id"].isdigit()}
    assert set(drawn) == set(views)
    for name, v in views.items():  # every box shows the stored firm count (or 缺失)
        label = drawn[name]["label"]["formatter"]
        assert drawn[name]["value"] == v.firms
        assert (
            label == f"{name}\n缺失"
            if v.status == "missing"
            else label.startswith(f"{name}\n{v.firms}家 · ")
        )
    power = views["电力电缆"]
    assert power.firms == 8 and views["光缆"].status == "missing"
    # the canvas has pixels on it (not a blank white box)
    inked = page.evaluate(
        """() => {
          const c = document.querySelector('#panorama canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 200) n++;
          return n;
        }"""
    )
    assert inked > 5000
    screenshot("chains-panorama")

    # --- click the 电力电缆 box on the canvas: its firms appear below, largest first
    xy = page.evaluate(
        """(id) => {
          const el = document.getElementById('panorama');
          const chart = echarts.getInstanceByDom(el);
          const node = chart.getOption().series[0].data.find(d => d.id === id);
          const xy = chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
          const r = el.getBoundingClientRect();
          return [r.left + xy[0], r.top + xy[1]];
        }""",
        str(power.node.pk),
    )
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector("#node-firm-table")
    header = page.inner_text("#node-firms h2")
    assert header.startswith("电力电缆") and "8 家本地企业" in header
    stored = selectors.node_firms(user=analyst, chain=chain, node=power.node, year=2025)
    shown = table_rows(page, "#node-firm-table")
    assert [r[0] for r in shown] == [r["firm"].name for r in stored]  # largest first
    assert [r[4] for r in shown] == [format_wan_yuan(r["revenue"]) for r in stored]
    assert shown[0][:5] == ["宁晋县电力电缆01有限公司", "宁晋县", "3831", "规上", "26.00 亿元"]
    screenshot("chains-node-firms")

    # --- PNG export: a real download of a real image
    with page.expect_download() as info:
        page.click("#png-export")
    download = info.value
    assert download.suggested_filename == "宁晋县电线电缆产业链全景图.png"
    png_path = tmp_path / "panorama.png"
    download.save_as(png_path)
    png = png_path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        canvas_w = page.evaluate("document.querySelector('#panorama canvas').clientWidth")
        assert img.format == "PNG" and img.width == 2 * canvas_w and img.height > 600
        colours = img.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 50  # drawn boxes and text, not one flat fill
    (ARTIFACTS / "chains-export-panorama.png").write_bytes(png)

    # --- SVG and PDF exports, fetched with the logged-in browser session
    svg = page.request.get(f"{live_server.url}/chains/{chain.pk}/panorama.svg")
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(svg.body())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    assert titles == set(views)
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "宁晋县电线电缆产业链全景图（2025年）" in texts and "缺失" in texts

    # the PDF brief is a background job: the nav button opens its progress page
    back = page.url
    page.click(".chain-tabs button:has-text('PDF 简报')")
    page.wait_for_url(f"{live_server.url}/jobs/*/")
    assert "产业链简报 PDF" in page.inner_text("h1")
    task_worker()
    page.wait_for_selector("#job-progress[data-status=done]", timeout=60_000)
    with page.expect_download() as pdf_info:
        page.click("#job-progress a:has-text('下载')")
    assert pdf_info.value.suggested_filename == "宁晋县电线电缆产业链简报.pdf"
    body = Path(pdf_info.value.path()).read_bytes()
    assert body.startswith(b"%PDF")
    page.goto(back)
    (ARTIFACTS / "chains-brief.pdf").write_bytes(body)
    fonts = pdf_fonts(body)
    assert all(n.startswith(("Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC")) for n, _ in fonts), fonts
    assert all(embedded for _, embedded in fonts), fonts
    text = pdf_text(body)
    assert "宁晋县电线电缆产业链 · 产业链简报" in text
    assert f"{p.firms} 家" in text and format_wan_yuan(p.revenue) in text
    render_pdf_page(body, ARTIFACTS / "chains-brief-page1.png")

    # --- gap list: a missing segment with the firm elsewhere in the city as investment target
    gap_rows = table_rows(page, "#gap-table")
    assert len(gap_rows) == len(p.gaps)
    by_segment = {r[0].split("\n")[0]: r for r in gap_rows}
    assert {g["node"].name for g in p.gaps} == set(by_segment)
    optic = by_segment["光缆"]
    assert optic[1] == "缺链" and optic[2] == "补链"
    assert "沙河市光联通信光缆有限公司" in optic[4] and "位于沙河市" in optic[4]
    assert "2025年营业收入 30,000 万元" in optic[4]
    assert "南宫市光纤科技有限公司" in by_segment["光纤"][4]
    page.locator("#gaps").screenshot(path=str(ARTIFACTS / "chains-gaps.png"))

    # --- service structure 配套服务体系结构图
    page.goto(f"{live_server.url}/chains/{chain.pk}/services/")
    page.wait_for_selector("[data-chart='chart-services'] svg")
    drawn = page.inner_text("[data-chart='chart-services']")
    assert "配套服务体系" in drawn and "检验检测认证（1家）" in drawn
    services_table = page.inner_text("#service-table")
    assert "宁晋县线缆检测01有限公司" in services_table
    assert "宁晋县线缆商贸01有限公司、宁晋县线缆商贸02有限公司" in services_table
    screenshot("chains-services")

    # --- cluster: revenue of the linked firms and the target progress
    cluster = data["cluster"]
    page.goto(f"{live_server.url}/chains/clusters/")
    page.wait_for_selector("[data-chart='chart-league'] canvas")
    assert "宁晋电线电缆产业集群" in page.inner_text("#league-table")
    page.click("text=宁晋电线电缆产业集群")
    page.wait_for_selector("[data-chart='chart-cluster'] canvas")
    ids = selectors.cluster_firm_ids(analyst, cluster)
    revenue = sum(
        (f.years.get(year=2025).revenue_wan_yuan for f in data["firms"].values() if f.pk in ids),
        Decimal(0),
    )
    assert page.inner_text("#kpi-revenue") == format_wan_yuan(revenue)
    assert table_rows(page, "#target-table")[0][:3] == [
        "2025",
        "90.00 亿元",
        format_wan_yuan(revenue),
    ]
    trend = chart_option(page, "[data-chart='chart-cluster']")
    assert trend["xAxis"][0]["data"] == ["2024", "2025"]
    assert trend["series"][1]["name"] == "目标" and trend["series"][1]["data"] == [None, 90.0]
    screenshot("chains-cluster")
    assert errors == []
