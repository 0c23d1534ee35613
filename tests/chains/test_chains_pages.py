"""Pages, API and exports: figures and lists stay inside the user's scope."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from tests.factories import EnterpriseFactory
from tests.pdfs import assert_cjk_sc_fonts

from chainboard.chains import services
from chainboard.chains.models import EnterpriseNode, LinkState
from chainboard.jobs.models import Job


@pytest.fixture
def shahe_glass(xingtai, firms):  # type: ignore[no-untyped-def]
    spec = services.template_read("glass")
    chain = services.chain_load_template(spec=spec, region=xingtai["130582"], actor=None)
    services.chain_link_run(chains=[chain], actor=None)
    return chain


@pytest.fixture
def cluster(xingtai, linked):  # type: ignore[no-untyped-def]
    c = services.cluster_save(
        name="沙河线缆集群", region=xingtai["130582"], chains=[linked], actor=None
    )
    services.cluster_target_set(cluster=c, year=2025, actor=None, growth_target=Decimal("0.1"))
    return c


def login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_city_analyst_sees_every_county_in_the_panorama(client, city_analyst, linked, firms):
    html = login(client, city_analyst).get(f"/chains/{linked.pk}/").content.decode()
    assert "电线电缆产业链" in html
    assert 'id="kpi-firms">3<' in html  # 2 宁晋 firms + 1 沙河 firm
    node = linked.nodes.get(name="电线电缆")
    html = client.get(f"/chains/{linked.pk}/nodes/{node.pk}/").content.decode()
    assert "宁晋县恒通电缆有限公司" in html and "沙河市远达实业有限公司" in html


def test_county_user_sees_the_city_chain_with_only_their_firms(client, ningjin_user, linked, firms):
    c = login(client, ningjin_user)
    html = c.get(f"/chains/{linked.pk}/").content.decode()
    assert 'id="kpi-firms">2<' in html
    assert "沙河" not in html.split('id="gaps"')[0].split("<main>")[1]
    node = linked.nodes.get(name="电线电缆")
    html = c.get(f"/chains/{linked.pk}/nodes/{node.pk}/").content.decode()
    assert "宁晋县恒通电缆有限公司" in html and "沙河市远达实业有限公司" not in html
    api = c.get(f"/api/chains/{linked.pk}").json()
    assert api["firms"] == 2
    firms_api = c.get(f"/api/chains/{linked.pk}/nodes/{node.pk}/firms").json()
    assert {f["name"] for f in firms_api} == {"宁晋县恒通电缆有限公司"}
    review = c.get(f"/chains/{linked.pk}/review/").content.decode()
    assert "宁晋县恒通电缆有限公司" in review and "沙河市远达实业有限公司" not in review


def test_county_user_cannot_open_another_countys_chain_or_cluster(
    client, ningjin_user, shahe_glass, cluster
):
    c = login(client, ningjin_user)
    assert c.get(f"/chains/{shahe_glass.pk}/").status_code == 404
    assert c.get(f"/chains/{shahe_glass.pk}/export.xlsx").status_code == 404
    assert c.get(f"/chains/{shahe_glass.pk}/panorama.svg").status_code == 404
    # the brief is a background job started by POST; out of scope it is refused before any job
    assert c.post(f"/chains/{shahe_glass.pk}/brief.pdf").status_code == 404
    assert c.get(f"/chains/{shahe_glass.pk}/review/").status_code == 404
    assert c.get(f"/api/chains/{shahe_glass.pk}").status_code == 404
    assert c.get(f"/chains/clusters/{cluster.pk}/").status_code == 404
    assert shahe_glass.pk not in [x["id"] for x in c.get("/api/chains/").json()]
    assert c.get("/api/chains/clusters/").json() == []
    assert "沙河线缆集群" not in c.get("/chains/clusters/").content.decode()


def test_county_user_cannot_review_another_countys_link(client, ningjin_user, linked, firms):
    c = login(client, ningjin_user)
    sh = EnterpriseNode.objects.get(enterprise=firms["sh_cable"])
    nj = EnterpriseNode.objects.filter(enterprise=firms["nj_power"]).first()
    r = c.post(f"/chains/{linked.pk}/review/", {"link": [sh.pk], "decision": "rejected"})
    assert r.status_code == 302
    sh.refresh_from_db()
    assert sh.state == LinkState.PROPOSED
    r = c.post(
        f"/api/chains/{linked.pk}/review",
        data=json.dumps({"links": [sh.pk, nj.pk], "state": "rejected"}),
        content_type="application/json",
    )
    assert r.status_code == 400
    sh.refresh_from_db()
    nj.refresh_from_db()
    assert sh.state == nj.state == LinkState.PROPOSED
    r = c.post(
        f"/api/chains/{linked.pk}/review",
        data=json.dumps({"links": [nj.pk], "state": "confirmed", "versions": {nj.pk: nj.version}}),
        content_type="application/json",
    )
    assert r.json() == {"reviewed": 1}
    nj.refresh_from_db()
    assert nj.state == LinkState.CONFIRMED and nj.reviewed_by == ningjin_user


def test_review_page_confirms_in_bulk(client, city_analyst, linked):
    seen = dict(EnterpriseNode.objects.values_list("pk", "version"))
    ids = list(seen)
    form = {"link": ids, "decision": "confirmed"} | {f"v{pk}": v for pk, v in seen.items()}
    r = login(client, city_analyst).post(f"/chains/{linked.pk}/review/", form, follow=True)
    assert f"已将 {len(ids)} 条挂链标记为“已确认”" in r.content.decode()
    assert set(EnterpriseNode.objects.values_list("state", flat=True)) == {LinkState.CONFIRMED}


def test_xlsx_export_is_scoped(client, ningjin_user, city_analyst, linked, firms):
    def names(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        r = client.get(f"/chains/{linked.pk}/export.xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        assert wb.sheetnames == ["环节", "缺链分析", "挂链企业", "模板与出处"]
        return {row[1] for row in wb["挂链企业"].iter_rows(min_row=2, values_only=True)}

    assert names(city_analyst) == {
        "宁晋县恒通电缆有限公司",
        "宁晋县铜盛铜业有限公司",
        "沙河市远达实业有限公司",
    }
    assert names(ningjin_user) == {"宁晋县恒通电缆有限公司", "宁晋县铜盛铜业有限公司"}


def test_svg_and_pdf_exports(client, city_analyst, linked):
    c = login(client, city_analyst)
    svg = c.get(f"/chains/{linked.pk}/panorama.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    text = svg.content.decode()
    assert text.startswith("<svg") and "电力电缆" in text and "缺失" in text


def test_pdf_brief_is_a_job(client, city_analyst, ningjin_user, linked, shahe_glass, run_worker):
    c = login(client, city_analyst)
    url = f"/chains/{linked.pk}/brief.pdf"
    assert f'action="{url}"' in c.get(f"/chains/{linked.pk}/").content.decode()  # the nav form
    assert c.get(url).status_code == 405  # a job is started by POST
    response = c.post(url, {"year": "2024"})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.kind == "chain_brief"
    assert job.params == {"chain": linked.pk, "year": 2024} and job.status == "queued"
    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and job.result_name == f"{linked.region.name}{linked.name}简报.pdf"
    pdf = c.get(reverse("jobs:download", args=[job.pk]))
    body = b"".join(pdf.streaming_content)
    assert pdf["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert_cjk_sc_fonts(body)  # pypdf, and pdffonts (poppler-utils) where installed
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "产业链简报" in text and "电力电缆" in text
    # another user (another scope) cannot see the job or its file
    county = login(Client(), ningjin_user)
    assert county.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_pdf_brief_bad_input_starts_no_job(client, ningjin_user, linked, shahe_glass):
    c = login(client, ningjin_user)
    bad_year = c.post(f"/chains/{linked.pk}/brief.pdf", {"year": "99999"})
    assert bad_year.status_code == 400 and "年份应为" in bad_year.content.decode()
    assert c.post(f"/chains/{shahe_glass.pk}/brief.pdf").status_code == 404  # another county's
    assert c.post("/chains/987654/brief.pdf").status_code == 404
    assert not Job.objects.exists()


def test_gap_targets_come_from_outside_the_chain_region(
    client, city_analyst, ningjin_user, xingtai, firms
):
    optic = EnterpriseFactory(
        name="沙河市光联通信有限公司",
        region=xingtai["130582"],
        industry_id="3833",
        business_scope="光缆制造",
    )
    spec = services.template_read("wire_cable")
    nj_chain = services.chain_load_template(spec=spec, region=xingtai["130528"], actor=None)
    services.chain_link_run(chains=[nj_chain], actor=None)
    gaps = (
        login(client, city_analyst)
        .get(f"/chains/{nj_chain.pk}/")
        .content.decode()
        .split('id="gaps"')[1]
    )
    row = next(r for r in gaps.split("<tr>") if ">光缆<" in r)
    assert "补链" in row and optic.name in row and "位于沙河市" in row
    # a 宁晋 officer sees the gap but not the firm of another county
    gaps = (
        login(client, ningjin_user)
        .get(f"/chains/{nj_chain.pk}/")
        .content.decode()
        .split('id="gaps"')[1]
    )
    row = next(r for r in gaps.split("<tr>") if ">光缆<" in r)
    assert "补链" in row and optic.name not in row


def test_cluster_pages(client, city_analyst, cluster):
    c = login(client, city_analyst)
    html = c.get("/chains/clusters/").content.decode()
    assert "沙河线缆集群" in html
    detail = c.get(f"/chains/clusters/{cluster.pk}/").content.decode()
    assert 'id="kpi-revenue"' in detail and "2025" in detail
    api = c.get("/api/chains/clusters/").json()
    assert api[0]["name"] == "沙河线缆集群" and api[0]["firms"] == 1


def test_index_and_service_structure(client, city_analyst, linked):
    c = login(client, city_analyst)
    assert "电线电缆产业链" in c.get("/chains/").content.decode()
    html = c.get(f"/chains/{linked.pk}/services/").content.decode()
    assert "配套服务体系结构图" in html and "检验检测认证" in html


def test_a_cluster_on_a_group_segment_counts_its_sub_segments(xingtai, city_analyst, linked, firms):
    from chainboard.chains import selectors

    group = linked.nodes.get(name="电线电缆")
    c = services.cluster_save(
        name="宁晋电缆", region=xingtai["130528"], chains=[linked], nodes=[group], actor=None
    )
    # 恒通 is linked to 电力电缆 and 控制与电气装备电缆, both under 电线电缆; 铜盛 (铜杆铜线) is not
    assert selectors.cluster_firm_ids(city_analyst, c) == {firms["nj_power"].pk}
