"""/api/requests/: scoped reads of 政企直通车 (list with the queue's filters, one request with
its steps, the dashboard figures). Writes go through the pages."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from chainboard.core.filters import filtered
from chainboard.firmrequests import selectors
from chainboard.firmrequests.filters import RequestFilter
from chainboard.firmrequests.models import FirmRequest

router = Router(tags=["requests 政企直通车"])


class RequestFilterIn(Schema):
    status: str | None = None
    category: str | None = None
    urgency: str | None = None
    level: str | None = None
    region: str | None = None
    department: str | None = None
    overdue: str | None = None
    open: str | None = None
    q: str | None = None


class RequestOut(Schema):
    id: int
    code: str
    uscc: str
    enterprise: str
    region_code: str
    region: str
    chain: str | None
    category: str
    category_label: str
    title: str
    urgency: str
    status: str
    status_label: str
    department: str | None
    due_on: date | None
    escalation_level: int
    created_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    rating: int | None

    @staticmethod
    def resolve_uscc(obj: FirmRequest) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_enterprise(obj: FirmRequest) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region_code(obj: FirmRequest) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region(obj: FirmRequest) -> str:
        return obj.region.name

    @staticmethod
    def resolve_chain(obj: FirmRequest) -> str | None:
        return obj.chain.name if obj.chain is not None else None

    @staticmethod
    def resolve_category_label(obj: FirmRequest) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj: FirmRequest) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_department(obj: FirmRequest) -> str | None:
        return str(obj.department) if obj.department is not None else None


class StepOut(Schema):
    kind: str
    label: str
    at: datetime
    actor: str | None
    department: str | None
    note: str


class RequestDetailOut(RequestOut):
    description: str
    answer: str
    rating_comment: str
    on_behalf: bool
    steps: list[StepOut]
    attachments: list[str]

    @staticmethod
    def resolve_steps(obj: FirmRequest) -> list[dict[str, Any]]:
        return [
            {
                "kind": s.kind,
                "label": s.get_kind_display(),
                "at": s.at,
                "actor": s.actor.get_username() if s.actor else None,
                "department": str(s.department) if s.department else None,
                "note": s.note,
            }
            for s in selectors.request_steps(obj)
        ]

    @staticmethod
    def resolve_attachments(obj: FirmRequest) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class DepartmentRow(Schema):
    region: str | None
    department: str | None
    total: int
    open: int
    overdue: int
    avg_days: float | None
    rating: float | None


class CountyRow(Schema):
    code: str
    name: str
    total: int
    open: int
    overdue: int
    escalated: int


class RecurringRow(Schema):
    category: str
    chain: str
    n: int
    open: int


class RequestStatsOut(Schema):
    total: int
    open: int
    overdue: int
    escalated: int
    answered: int
    closed: int
    rated: int
    avg_days: float | None
    rating: float | None
    by_department: list[DepartmentRow]
    by_county: list[CountyRow]
    recurring: list[RecurringRow]


@router.get("/", response=list[RequestOut], summary="诉求列表（按管辖范围）")
@paginate(PageNumberPagination, page_size=50)
def list_requests(request: HttpRequest, filters: Query[RequestFilterIn]):  # type: ignore[no-untyped-def]
    filterset = RequestFilter(
        filters.model_dump(exclude_none=True), queryset=selectors.request_list(user=request.user)
    )
    return filtered(filterset).order_by("-created_at", "-pk")


@router.get("/stats", response=RequestStatsOut, summary="诉求统计")
def request_stats(request: HttpRequest) -> dict[str, Any]:
    d = selectors.dashboard(user=request.user)
    return {
        **d["totals"],
        "avg_days": d["avg_days"],
        "rating": d["rating"],
        "by_department": [
            {
                "region": r["department__region__name"],
                "department": r["department__name"],
                **{k: r[k] for k in ("total", "open", "overdue", "avg_days", "rating")},
            }
            for r in d["by_department"]
        ],
        "by_county": [
            {
                "code": r["region__code"],
                "name": r["region__name"],
                **{k: r[k] for k in ("total", "open", "overdue", "escalated")},
            }
            for r in d["by_county"]
        ],
        "recurring": [
            {k: r[k] for k in ("category", "chain", "n", "open")} for r in d["recurring"]
        ],
    }


@router.get("/{request_id}", response=RequestDetailOut, summary="诉求详情及办理过程")
def get_request(request: HttpRequest, request_id: Path[int]) -> FirmRequest:
    return selectors.request_get(user=request.user, pk=request_id)
