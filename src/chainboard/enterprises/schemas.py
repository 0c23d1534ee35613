from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class EnterpriseOut(Schema):
    uscc: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    region_code: str = Field(alias="region_id", description="行政区划代码")
    region_name: str = Field(alias="region.name")
    park: str | None = Field(None, alias="park.name")
    industry_code: str = Field(alias="industry_id", description="GB/T 4754-2017 小类")
    industry_name: str = Field(alias="industry.name")
    above_scale: bool = Field(description="规上")
    founded_on: date | None = None
    status: str
    business_scope: str = ""
    version: int = Field(description="版本号：修改时原样带回")


VERSION_HELP = "读取时的版本号（必填）；他人已修改同一字段时返回 409 及其内容"


class EnterprisePatch(Schema):
    """Fields an authorised user may change; region and park must stay inside their scope.

    ``version`` is required (400 without it): the version read by GET.
    """

    version: int | None = Field(None, description=VERSION_HELP)

    name: str | None = Field(None, max_length=200)
    region_code: str | None = Field(None, min_length=6, max_length=6)
    industry_code: str | None = Field(None, min_length=4, max_length=4)
    above_scale: bool | None = None
    founded_on: date | None = None
    business_scope: str | None = None


class EnterpriseFilterIn(Schema):
    """The list's query parameters: the filters of the 企业名录 page (``filters.EnterpriseApiFilter``
    applies them; an unknown region, park, division or status is 400)."""

    q: str | None = Field(None, description="名称包含 / 信用代码前缀")
    region: str | None = Field(None, description="行政区划代码（含下级）")
    industry: str | None = Field(None, description="行业代码前缀（大类/中类/小类，1-4 位数字）")
    division: str | None = Field(None, description="行业大类代码（2 位，13-43）")
    park: int | None = Field(None, description="园区编号")
    above_scale: bool | None = Field(None, description="规上")
    status: str | None = Field(None, description="经营状态代码")


class FiguresOut(Schema):
    year: int
    revenue_wan_yuan: Decimal | None
    main_business_revenue_wan_yuan: Decimal | None
    value_added_wan_yuan: Decimal | None
    tax_paid_wan_yuan: Decimal | None
    land_area_mu: Decimal | None
    energy_tce: Decimal | None
    pollutant_equivalent_t: Decimal | None
    rd_spend_wan_yuan: Decimal | None
    employees: int | None
    electricity_10k_kwh: Decimal | None
    version: int


class FiguresIn(Schema):
    """One year's figures (PUT: every figure; an omitted one is cleared). ``version`` is required:
    the version read by GET, or 0 when the year does not exist yet."""

    version: int | None = Field(None, description=VERSION_HELP + "；新增年份填 0")
    revenue_wan_yuan: Decimal | None = Field(None, ge=0)
    main_business_revenue_wan_yuan: Decimal | None = Field(None, ge=0)
    value_added_wan_yuan: Decimal | None = Field(None, ge=0)
    tax_paid_wan_yuan: Decimal | None = Field(None, ge=0)
    land_area_mu: Decimal | None = Field(None, ge=0)
    energy_tce: Decimal | None = Field(None, ge=0)
    pollutant_equivalent_t: Decimal | None = Field(None, ge=0)
    rd_spend_wan_yuan: Decimal | None = Field(None, ge=0)
    employees: int | None = Field(None, ge=0)
    electricity_10k_kwh: Decimal | None = Field(None, ge=0)
