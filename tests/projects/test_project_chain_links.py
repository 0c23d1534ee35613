"""A project links to the chain segments it extends, fills or strengthens: through the service
(scope-checked, one history row), the edit page, the detail page, the list and the wall map."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import ProjectFactory

from chainboard.chains import services as chain_services
from chainboard.core.errors import DomainError
from chainboard.projects import services
from chainboard.projects.models import Project


@pytest.fixture
def chains(xingtai):  # type: ignore[no-untyped-def]
    city_cable = chain_services.chain_load_template(
        spec=chain_services.template_read("wire_cable"), region=xingtai["130500"], actor=None
    )
    shahe_glass = chain_services.chain_load_template(
        spec=chain_services.template_read("glass"), region=xingtai["130582"], actor=None
    )
    return city_cable, shahe_glass


@pytest.fixture
def project(xingtai):  # type: ignore[no-untyped-def]
    return ProjectFactory(code="NJ-C1", name="宁晋特种电缆扩能项目", region=xingtai["130528"])


def _node(chain, name_part: str):  # type: ignore[no-untyped-def]
    return chain.nodes.filter(name__contains=name_part).exclude(stage="service").first()


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_link_keeps_one_history_row_and_bumps_the_version(chains, project, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    cable, _ = chains
    nodes = list(cable.nodes.exclude(stage="service").order_by("pk")[:2])
    before = project.history.count()
    services.project_set_chain_nodes(
        project_id=project.pk, actor=ningjin_user, node_ids=[n.pk for n in nodes]
    )
    project.refresh_from_db()
    assert set(project.chain_nodes.all()) == set(nodes)
    assert project.version == 2
    assert project.history.count() == before + 1
    latest = project.history.latest()
    assert latest.history_change_reason == "产业链环节"
    assert latest.history_user == ningjin_user
    assert {row.chainnode_id for row in latest.chain_nodes.all()} == {n.pk for n in nodes}
    # the same set again changes nothing
    services.project_set_chain_nodes(
        project_id=project.pk, actor=ningjin_user, node_ids=[n.pk for n in nodes]
    )
    project.refresh_from_db()
    assert project.version == 2


def test_another_countys_chain_is_refused_and_nothing_changes(
    chains, project, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    cable, glass = chains
    ok, foreign = cable.nodes.first(), glass.nodes.first()
    with pytest.raises(DomainError, match=f"不属于本项目所在地区的产业链：{foreign.pk}"):
        services.project_set_chain_nodes(
            project_id=project.pk, actor=ningjin_user, node_ids=[ok.pk, foreign.pk]
        )
    assert not Project.objects.get(pk=project.pk).chain_nodes.exists()
    with pytest.raises(DomainError, match="999999"):
        services.project_set_chain_nodes(
            project_id=project.pk, actor=ningjin_user, node_ids=[999999]
        )


def test_county_user_cannot_link_another_countys_project(chains, xingtai, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    cable, _ = chains
    shahe_project = ProjectFactory(code="SH-C1", region=xingtai["130582"])
    with pytest.raises(DomainError):
        services.project_set_chain_nodes(
            project_id=shahe_project.pk, actor=ningjin_user, node_ids=[cable.nodes.first().pk]
        )
    assert not shahe_project.chain_nodes.exists()


def test_edit_page_offers_only_linkable_segments_and_saves_them(
    chains, project, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    cable, glass = chains
    client = login(ningjin_user)
    form = client.get(f"/projects/p/{project.code}/edit/").context["form"]
    offered = set(form.fields["chain_nodes"].queryset)
    assert set(cable.nodes.all()) <= offered and not offered & set(glass.nodes.all())

    node = cable.nodes.exclude(stage="service").order_by("pk").first()
    data = {k: v for k, v in form.initial.items() if v is not None and k != "chain_nodes"}
    data.update(
        {
            "region": project.region_id,
            "planned_start_on": "2025-02-01",
            "signed_on": "2025-01-10",
            "started_on": "2025-02-01",
            "chain_nodes": [node.pk],
            "version": project.version,
        }
    )
    for key in ("park", "batch", "producing_on", "effective_on", "longitude", "latitude"):
        data.pop(key, None)
    response = client.post(f"/projects/p/{project.code}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(Project.objects.get(pk=project.pk).chain_nodes.all()) == [node]

    detail = client.get(f"/projects/p/{project.code}/").content.decode()
    assert f'href="/chains/{cable.pk}/"' in detail and node.name in detail


def test_list_and_map_filter_by_chain(chains, project, xingtai, city_analyst) -> None:  # type: ignore[no-untyped-def]
    cable, glass = chains
    other = ProjectFactory(code="SH-C2", name="沙河玻璃深加工项目", region=xingtai["130582"])
    services.project_set_chain_nodes(
        project_id=project.pk, actor=None, node_ids=[cable.nodes.first().pk]
    )
    services.project_set_chain_nodes(
        project_id=other.pk, actor=None, node_ids=[glass.nodes.first().pk, glass.nodes.last().pk]
    )
    client = login(city_analyst)
    body = client.get("/projects/list/", {"chain": "玻璃"}).content.decode()
    assert "沙河玻璃深加工项目" in body and "宁晋特种电缆扩能项目" not in body
    page = client.get("/projects/map/", {"chain": str(glass.pk)})
    assert page.context["count"] == 1  # two segments of one chain: the project counts once
    placed = [
        d["code"]
        for s in page.context["option"]["series"][1:]
        if s["name"] != "区县名称"  # the county-name label layer
        for d in s["data"]
    ]
    assert placed == ["SH-C2"]
