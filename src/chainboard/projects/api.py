"""Project API under /api/projects/: list, read, edit (optimistic version), weekly update,
wall-map data and the stored monthly ranking. Scope as in the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from chainboard.accounts.scope import require_overview_reader
from chainboard.core.filters import InvalidQuery, filtered
from chainboard.core.locking import stated_version
from chainboard.projects import selectors, services
from chainboard.projects.filters import MapFilter, ProjectFilter
from chainboard.projects.models import RankingScope
from chainboard.projects.params import parse_month
from chainboard.projects.schemas import ProjectOut, ProjectPatch, RankingOut, UpdateIn, UpdateOut
from chainboard.projects.selectors import ranking

router = Router(tags=["projects"])


@router.get("/", response=list[ProjectOut])
def list_projects(
    request: HttpRequest, pool: str | None = None, region: str | None = None, limit: int = 200
) -> Any:
    """The list page's filters (``filters.ProjectFilter``: q, region — a city or county —,
    source, kind, stage, batch, chain, big, county_key) and ``pool``; an unknown value is a
    400."""
    if pool and pool not in selectors.POOLS:
        raise InvalidQuery(f"未知项目库：{pool}", fields={"pool": pool})
    projects = selectors.project_list(user=request.user, pool=pool or None)
    qs = filtered(ProjectFilter(request.GET, queryset=projects, user=request.user))
    return list(qs.order_by("code")[: max(1, min(limit, 5000))])


@router.get("/map", response=dict)
def map_data(
    request: HttpRequest,
    stage: str = "",
    source: str = "",
    batch: str = "",
    chain: str = "",
) -> Any:
    """The wall map's points and totals; an unknown stage, source or batch is a 400."""
    projects = selectors.map_projects(user=request.user)
    qs = filtered(MapFilter(request.GET, queryset=projects))
    # Plain JSON, no response-model pass over 5,000 points (a plain dict has nothing to check).
    return JsonResponse(selectors.map_data(qs))


@router.get("/ranking/{month}", response=list[RankingOut])
def ranking_month(request: HttpRequest, month: str, scope: str = "region") -> Any:
    """The stored ranking of ``month`` (YYYY-MM); a bad month or scope is a 400; a firm user
    is refused (403, the ranking is the territory's)."""
    require_overview_reader(request.user)
    try:
        first = parse_month(month)
    except ValueError as exc:
        raise InvalidQuery(str(exc), fields={"month": month}) from exc
    if scope not in RankingScope.values:
        raise InvalidQuery(f"评比对象应为 region 或 department：{scope}", fields={"scope": scope})
    rows = ranking.ranking_with_moves(first, scope=scope)
    return [
        {
            "key": r.key,
            "label": r.label,
            "score": r.score,
            "rank": r.rank,
            "move": r.move,
            "scores": r.scores,
            "values": r.values,
            "counts": r.counts,
        }
        for r in rows
    ]


@router.get("/{code}", response=ProjectOut)
def get_project(request: HttpRequest, code: str) -> Any:
    return selectors.project_get(user=request.user, code=code)


@router.patch("/{code}", response=ProjectOut)
def patch_project(request: HttpRequest, code: str, payload: ProjectPatch) -> Any:
    project = selectors.project_get(user=request.user, code=code)
    data = payload.dict(exclude_unset=True)
    version = stated_version(data.pop("version", None))
    return services.project_update(
        project_id=project.pk,
        actor=request.user,
        data=data,
        expected_version=version,
        reason="API",
    )


@router.post("/{code}/updates", response=UpdateOut)
def post_update(request: HttpRequest, code: str, payload: UpdateIn) -> Any:
    project = selectors.project_get(user=request.user, code=code)
    data = payload.dict()
    week, stage = data.pop("week"), data.pop("stage")
    version = stated_version(data.pop("version"))
    return services.update_submit(
        project_id=project.pk,
        actor=request.user,
        week=week,
        data=data,
        expected_version=version,
        stage=stage,
        reason="API 周调度",
    )
