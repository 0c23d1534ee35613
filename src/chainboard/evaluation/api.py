"""/api/evaluation: runs, scoped results, a firm's results, tier candidates."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from chainboard.core.errors import DomainError
from chainboard.evaluation import selectors, services
from chainboard.evaluation.models import EvaluationResult, EvaluationRun
from chainboard_analytics.evaluation import builtin_methods, load_method

router = Router(tags=["evaluation 亩均评价与梯度培育"])


class EvaluationRunOut(Schema):
    id: int
    year: int
    method_id: str
    method_version: str
    method_title: str
    method_digest: str
    inputs_hash: str
    n_firms: int
    published: bool
    published_at: dt.datetime | None
    scope_region_id: str | None


class RunIn(Schema):
    year: int
    method: str


class ResultOut(Schema):
    uscc: str
    name: str
    region_code: str
    group: str
    total: float | None
    rank: int | None
    n_group: int | None
    klass: str
    prev_klass: str
    move: str
    next_klass: str
    indicators: list[dict[str, Any]]
    flags: list[str]
    explanation: str

    @staticmethod
    def resolve_uscc(obj: EvaluationResult) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_name(obj: EvaluationResult) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region_code(obj: EvaluationResult) -> str:
        return obj.enterprise.region_id


class FirmResultOut(ResultOut):
    run_id: int
    year: int
    method_id: str

    @staticmethod
    def resolve_year(obj: EvaluationResult) -> int:
        return obj.run.year

    @staticmethod
    def resolve_method_id(obj: EvaluationResult) -> str:
        return obj.run.method_id


class ResultFilter(Schema):
    klass: str | None = None
    group: str | None = None
    region: str | None = None


class TierOut(Schema):
    uscc: str
    name: str
    region_id: str
    tier: str
    status: str
    held: bool
    shortfall: float
    gaps: list[str]
    missing: list[str]


@router.get("/runs", response=list[EvaluationRunOut])
def list_runs(request: HttpRequest) -> Any:
    return selectors.run_list(user=request.user)[:200]


@router.post("/runs", response={201: EvaluationRunOut, 200: EvaluationRunOut})
def create_run(request: HttpRequest, payload: RunIn) -> Any:
    if payload.method not in builtin_methods():
        raise DomainError(
            "未知的评价办法", fields={"method": f"可选：{', '.join(builtin_methods())}"}
        )
    run, created = services.evaluation_run_create(
        actor=request.user, year=payload.year, method=load_method(payload.method)
    )
    return Status(201 if created else 200, run)


@router.post("/runs/{run_id}/publish", response=EvaluationRunOut)
def publish_run(request: HttpRequest, run_id: Path[int]) -> EvaluationRun:
    run = selectors.run_get(user=request.user, pk=run_id)
    return services.evaluation_run_publish(actor=request.user, run=run)


@router.get("/runs/{run_id}/results", response=list[ResultOut])
@paginate(PageNumberPagination, page_size=100)
def run_results(request: HttpRequest, run_id: Path[int], filters: Query[ResultFilter]) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    qs = selectors.result_list(user=request.user, run=run).order_by(*selectors.RESULT_ORDER)
    if filters.klass:
        qs = qs.filter(klass=filters.klass)
    if filters.group:
        qs = qs.filter(group=filters.group)
    if filters.region:
        qs = qs.filter(enterprise__region_id=filters.region)
    return qs


@router.get("/firms/{uscc}", response=list[FirmResultOut])
def firm_results(request: HttpRequest, uscc: Path[str]) -> Any:
    selectors.enterprise_for_card(user=request.user, uscc=uscc)
    return selectors.firm_results(user=request.user, uscc=uscc)


@router.get("/tiers", response=list[TierOut])
@paginate(PageNumberPagination, page_size=100)
def tier_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),  # out of range: 400, not a date overflow
    tier: str | None = None,
    region: str | None = None,
) -> Any:
    """Tier candidates for ``year`` (default: the latest year with figures in the user's scope)."""
    if year is None:
        year = selectors.default_year(user=request.user)
    cands = selectors.tier_candidates(user=request.user, year=year)
    if tier:
        cands = cands[cands["tier"] == tier]
    if region:
        cands = cands[cands["region_id"] == region]
    cands = cands.sort_values(["tier", "held", "shortfall", "uscc"])
    return cands.to_dict("records")
