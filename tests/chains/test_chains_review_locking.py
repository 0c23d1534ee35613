"""Two reviewers decide the same link: the second, stale decision is refused (409 / page
message) with the first one's decision, nothing of it written; re-deciding on top works."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from chainboard.chains import services
from chainboard.chains.models import Cluster, EnterpriseNode, LinkState
from chainboard.core.locking import EditConflict
from chainboard.evaluation.services import tier_target_set

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def review(c: Client, chain: Any, body: dict[str, Any]) -> Any:
    return c.post(
        f"/api/chains/{chain.pk}/review", json.dumps(body), content_type="application/json"
    )


def test_stale_review_is_409_and_merges_on_top(linked: Any, firms: Any, city_analyst: Any) -> None:
    link = EnterpriseNode.objects.filter(enterprise=firms["nj_power"]).first()
    a, b = login(city_analyst), login(city_analyst)
    listed = a.get(f"/api/chains/{linked.pk}/nodes/{link.node_id}/firms").json()
    seen = next(r["version"] for r in listed if r["link"] == link.pk)
    missing = review(b, linked, {"links": [link.pk], "state": "rejected"})
    assert missing.status_code == 400 and missing.json()["code"] == "version_required"
    ok = review(a, linked, {"links": [link.pk], "state": "confirmed", "versions": {link.pk: seen}})
    assert ok.status_code == 200
    stale = review(
        b, linked, {"links": [link.pk], "state": "rejected", "versions": {link.pk: seen}}
    )
    assert stale.status_code == 409
    current = stale.json()["current"][str(link.pk)]
    assert current["state"] == "confirmed" and current["version"] == seen + 1
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED
    again = review(
        b, linked, {"links": [link.pk], "state": "rejected", "versions": {link.pk: seen + 1}}
    )
    assert again.status_code == 200
    link.refresh_from_db()
    assert (link.state, link.version) == (LinkState.REJECTED, seen + 2)
    assert link.history.first().history_user == city_analyst


def test_review_page_posts_versions_and_reports_conflicts(
    linked: Any, firms: Any, city_analyst: Any
) -> None:
    link = EnterpriseNode.objects.filter(enterprise=firms["nj_power"]).first()
    c = login(city_analyst)
    page = c.get(f"/chains/{linked.pk}/review/").content.decode()
    assert f'name="v{link.pk}" value="{link.version}"' in page
    form = {"link": [link.pk], "decision": "confirmed", f"v{link.pk}": link.version}
    assert c.post(f"/chains/{linked.pk}/review/", form).status_code == 302
    stale = c.post(
        f"/chains/{linked.pk}/review/", form | {"decision": "rejected"}, follow=True
    ).content.decode()
    assert "已被他人处理" in stale and "已确认" in stale
    link.refresh_from_db()
    assert link.state == LinkState.CONFIRMED


def test_cluster_and_tier_targets_stale(ningjin: Any, city_analyst: Any, admin_user: Any) -> None:
    cluster = Cluster.objects.create(region=ningjin, name="电线电缆集群")
    t = services.cluster_target_set(
        cluster=cluster, year=2025, actor=None, revenue_target_wan_yuan=Decimal(100)
    )
    services.cluster_target_set(
        cluster=cluster,
        year=2025,
        actor=None,
        revenue_target_wan_yuan=Decimal(120),
        expected_version=t.version,
    )
    with pytest.raises(EditConflict) as err:
        services.cluster_target_set(
            cluster=cluster,
            year=2025,
            actor=None,
            revenue_target_wan_yuan=Decimal(150),
            expected_version=t.version,
        )
    assert err.value.current == {"revenue_target_wan_yuan": "120.00"}
    tier = tier_target_set(actor=admin_user, region=ningjin, year=2025, kind="srdi", target=5)
    tier_target_set(
        actor=admin_user,
        region=ningjin,
        year=2025,
        kind="srdi",
        target=6,
        expected_version=tier.version,
    )
    with pytest.raises(EditConflict):
        tier_target_set(
            actor=admin_user,
            region=ningjin,
            year=2025,
            kind="srdi",
            target=7,
            expected_version=tier.version,
        )
