"""/api/enterprises: scoped reads, patch and yearly figures."""

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.pagination import PageNumberPagination, paginate

from chainboard.accounts.scope import authenticated
from chainboard.core.errors import DomainError
from chainboard.core.filters import filtered
from chainboard.core.locking import stated_version
from chainboard.enterprises import selectors, services
from chainboard.enterprises.filters import EnterpriseApiFilter
from chainboard.enterprises.models import Enterprise
from chainboard.enterprises.schemas import (
    EnterpriseFilterIn,
    EnterpriseOut,
    EnterprisePatch,
    FiguresIn,
    FiguresOut,
)
from chainboard.geo.models import Region
from chainboard.industries.models import IndustryCode

router = Router(tags=["enterprises 企业"])


@router.get("/", response=list[EnterpriseOut])
@paginate(PageNumberPagination, page_size=50)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilterIn]):  # type: ignore[no-untyped-def]
    """The visible firms, filtered like the 企业名录 page (``filters.EnterpriseApiFilter``)."""
    filterset = EnterpriseApiFilter(
        filters.model_dump(exclude_none=True),
        queryset=selectors.enterprise_list(user=request.user),
        user=request.user,
    )
    return filtered(filterset).order_by("name", "pk")


@router.get("/{uscc}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, uscc: Path[str]) -> Enterprise:
    return selectors.enterprise_get(user=request.user, uscc=uscc)


@router.patch("/{uscc}", response=EnterpriseOut)
def patch_enterprise(request: HttpRequest, uscc: Path[str], payload: EnterprisePatch) -> Enterprise:
    firm = selectors.enterprise_get(user=request.user, uscc=uscc)
    data = payload.model_dump(exclude_unset=True)
    version = stated_version(data.pop("version", None))
    changes: dict[str, object] = {}
    if "region_code" in data:
        region = Region.objects.filter(pk=data.pop("region_code")).first()
        if region is None:
            raise DomainError("未知的行政区划代码", fields={"region_code": "未知"})
        changes["region"] = region
    if "industry_code" in data:
        code = IndustryCode.objects.filter(pk=data.pop("industry_code"), level=4).first()
        if code is None:
            raise DomainError(
                "行业代码应为 GB/T 4754-2017 的4位小类", fields={"industry_code": "未知"}
            )
        changes["industry"] = code
    changes.update({k: v for k, v in data.items() if v is not None})
    return services.enterprise_update(
        enterprise=firm,
        actor=authenticated(request.user),
        data=changes,
        expected_version=version,
        reason="API 修改",
    )


@router.get("/{uscc}/figures", response=list[FiguresOut])
def list_figures(request: HttpRequest, uscc: Path[str]):  # type: ignore[no-untyped-def]
    firm = selectors.enterprise_get(user=request.user, uscc=uscc)
    return selectors.enterprise_years(user=request.user, enterprise=firm)


@router.put("/{uscc}/figures/{year}", response=FiguresOut)
def put_figures(request: HttpRequest, uscc: Path[str], year: Path[int], payload: FiguresIn):  # type: ignore[no-untyped-def]
    if not 1949 <= year <= 2100:
        raise DomainError("年份应在1949-2100之间", fields={"year": "超出范围"})
    firm = selectors.enterprise_get(user=request.user, uscc=uscc)
    data = payload.model_dump()
    version = stated_version(data.pop("version"))
    return services.figures_save(
        enterprise=firm,
        year=year,
        actor=authenticated(request.user),
        data=data,
        expected_version=version,
        reason="API 填报",
    )
