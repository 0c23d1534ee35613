"""Editing segments on the web: preview of the link change, save with version and history,
bad codes refused, keepers only (the 链长办 staff across counties), YAML export round-trip."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import EnterpriseFactory

from chainboard.chains.editing import chain_template_yaml
from chainboard.chains.models import ChainNode
from chainboard.chiefs.models import OrgMember
from chainboard_analytics.chains.template import parse_template

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_preview_then_save_with_history(cable, city_analyst, ningjin) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(
        region=ningjin,
        name="宁晋县石墨烯导体科技有限公司",
        industry_id="3099",
        business_scope="石墨烯导体材料研发",
    )
    node = ChainNode.objects.get(chain=cable, name="铜杆铜线")
    url = f"/chains/{cable.pk}/nodes/{node.pk}/edit/"
    c = login(city_analyst)
    assert "铜杆、铜线" in c.get(url).content.decode()
    body = {
        "name": "铜杆铜线",
        "codes": "3251、3099",
        "keywords": "铜杆、铜线、石墨烯导体",
        "version": node.version,
        "preview": "1",
    }
    page = c.post(url, body).content.decode()
    assert "宁晋县石墨烯导体科技有限公司" in page and "尚未保存" in page
    node.refresh_from_db()
    assert "石墨烯导体" not in node.keywords  # a preview writes nothing
    del body["preview"]
    assert c.post(url, body).status_code == 302
    node.refresh_from_db()
    assert node.keywords[-1] == "石墨烯导体" and node.codes == ["3251", "3099"]
    assert node.version == 2
    assert node.history.first().history_change_reason == "网页编辑环节"  # type: ignore[union-attr]
    # a stale version is a conflict only when both sides changed the same field; a bad code is 400
    r = c.post(url, body | {"codes": "3251、9999x", "version": node.version})
    assert r.status_code == 400 and "9999x" in r.content.decode()
    node.refresh_from_db()
    assert node.codes == ["3251", "3099"]


def test_keepers_only(cable, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    node = ChainNode.objects.get(chain=cable, name="铜杆铜线")
    url = f"/chains/{cable.pk}/nodes/{node.pk}/edit/"
    c = login(ningjin_user)
    assert c.get(url).status_code == 200
    body = {"name": "改名", "version": node.version}
    assert c.post(url, body).status_code == 403
    OrgMember.objects.create(chain=cable, kind="office_staff", name="联络员", user=ningjin_user)
    assert c.post(url, body).status_code == 302
    node.refresh_from_db()
    assert node.name == "改名"


def test_yaml_export_reads_back(cable, city_analyst) -> None:  # type: ignore[no-untyped-def]
    r = login(city_analyst).get(f"/chains/{cable.pk}/template.yaml")
    text = b"".join(r.streaming_content).decode() if r.streaming else r.content.decode()
    spec = parse_template(text)
    assert spec.code == "wire_cable" and spec.version == cable.template_version + 1
    names = {n.name for n in spec.nodes}
    assert names == set(cable.nodes.values_list("name", flat=True))
    assert text == chain_template_yaml(cable)
