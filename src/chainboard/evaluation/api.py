"""/api/evaluation: runs, scoped results, a firm's results, tier candidates."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from chainboard.core.errors import DomainError
from chainboard.core.locking import stated_version
from chainboard.evaluation import publicity, selectors, services
from chainboard.evaluation.models import EvaluationResult, EvaluationRun, Objection
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
    stage: str
    publicity_start: dt.date | None
    publicity_end: dt.date | None
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


class PublicityIn(Schema):
    end: dt.date


@router.post("/runs/{run_id}/publish", response=EvaluationRunOut)
def publish_run(request: HttpRequest, run_id: Path[int], direct_reason: str = "") -> EvaluationRun:
    """发布 a run in 复核 (all 异议 answered); a draft only with ``?direct_reason=`` (why it is
    published without 公示, kept in its history)."""
    run = selectors.run_get(user=request.user, pk=run_id)
    return services.evaluation_run_publish(actor=request.user, run=run, direct_reason=direct_reason)


@router.post("/runs/{run_id}/publicity", response=EvaluationRunOut)
def start_publicity(request: HttpRequest, run_id: Path[int], payload: PublicityIn) -> Any:
    """草稿 → 公示中 until ``end`` (inclusive)."""
    run = selectors.run_get(user=request.user, pk=run_id)
    return publicity.run_start_publicity(actor=request.user, run=run, end=payload.end)


@router.post("/runs/{run_id}/review", response=EvaluationRunOut)
def start_review(request: HttpRequest, run_id: Path[int]) -> Any:
    """公示中 → 复核中, from the day after the end date."""
    run = selectors.run_get(user=request.user, pk=run_id)
    return publicity.run_start_review(actor=request.user, run=run)


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    sha256: str


class ObjectionOut(Schema):
    id: int
    run_id: int
    uscc: str
    name: str
    reason: str
    status: str
    klass_filed: str
    klass_answered: str
    answer: str
    created_at: dt.datetime
    answered_at: dt.datetime | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_uscc(obj: Objection) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_name(obj: Objection) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_attachments(obj: Objection) -> list[Any]:
        return list(obj.attachments.all())


class ObjectionIn(Schema):
    uscc: str
    reason: str


class AnswerIn(Schema):
    outcome: str
    answer: str
    figures: dict[str, Decimal | None] | None = None
    version: int | None = None


@router.get("/runs/{run_id}/objections", response=list[ObjectionOut])
@paginate(PageNumberPagination, page_size=100)
def list_objections(request: HttpRequest, run_id: Path[int]) -> Any:
    """The run's 异议 the user may see (a firm user: its own)."""
    run = selectors.run_get(user=request.user, pk=run_id)
    return selectors.objection_list(user=request.user, run=run).order_by("created_at", "pk")


@router.post("/runs/{run_id}/objections", response={201: ObjectionOut})
def file_objection(request: HttpRequest, run_id: Path[int], payload: ObjectionIn) -> Any:
    """A firm user's 异议 (attachments: through the web form)."""
    run = selectors.run_get(user=request.user, pk=run_id)
    result = selectors.result_get(user=request.user, run=run, uscc=payload.uscc)
    objection = publicity.objection_file(
        actor=request.user, run=run, enterprise=result.enterprise, reason=payload.reason
    )
    return Status(201, objection)


@router.get("/objections/{objection_id}", response=ObjectionOut)
def get_objection(request: HttpRequest, objection_id: Path[int]) -> Objection:
    return selectors.objection_get(user=request.user, pk=objection_id)


@router.post("/objections/{objection_id}/answer", response=ObjectionOut)
def answer_objection(request: HttpRequest, objection_id: Path[int], payload: AnswerIn) -> Any:
    """维持 (``upheld``) or 更正 (``corrected`` with ``figures`` and the figures' ``version``)."""
    objection = selectors.objection_get(user=request.user, pk=objection_id)
    corrected = payload.outcome == "corrected"
    return publicity.objection_answer(
        actor=request.user,
        objection=objection,
        outcome=payload.outcome,
        answer=payload.answer,
        figures=payload.figures,
        expected_version=stated_version(payload.version) if corrected else None,
    )


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
    on: dt.date | None = None,
) -> Any:
    """Tier candidates for ``year`` (default: the latest year with figures in the user's scope),
    checked on the rule set in force on ``on`` (default: the evaluation date of ``year``)."""
    if year is None:
        year = selectors.default_year(user=request.user)
    cands = selectors.tier_candidates(user=request.user, year=year, on=on)
    if tier:
        cands = cands[cands["tier"] == tier]
    if region:
        cands = cands[cands["region_id"] == region]
    cands = cands.sort_values(["tier", "held", "shortfall", "uscc"])
    return cands.to_dict("records")
