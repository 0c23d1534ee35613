"""Enterprises 企业, their yearly figures 年度指标 and qualifications 资质荣誉."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.accounts.models import DataSource
from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.enterprises.uscc import UsccError, validate_uscc
from chainboard.geo.models import Park, Region
from chainboard.industries.models import IndustryCode


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "在营"
    SUSPENDED = "suspended", "停产"
    MOVED_OUT = "moved_out", "迁出"
    CLOSED = "closed", "注销"


class Enterprise(Versioned, BaseModel):
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="enterprises", verbose_name="所在区县"
    )
    park = models.ForeignKey(
        Park,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name="所属园区",
    )
    industry = models.ForeignKey(
        IndustryCode, models.PROTECT, related_name="enterprises", verbose_name="行业代码(小类)"
    )
    above_scale = models.BooleanField("规上企业", default=False, db_index=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField(
        "经营状态", max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    business_scope = models.TextField("经营范围", blank=True)
    history = HistoricalRecords(verbose_name="企业变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["region", "name"], name="enterprise_region_name"),
            models.Index(fields=["industry"], name="enterprise_industry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="enterprise_uscc_format",
                violation_error_message="统一社会信用代码应为18位（数字与除 I、O、S、V、Z 外的大写字母）",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.uscc = validate_uscc(self.uscc)
        except UsccError as exc:
            errors["uscc"] = str(exc)
        if self.industry_id and len(self.industry_id) != 4:
            errors["industry"] = "行业代码应为 GB/T 4754-2017 的4位小类代码"
        if self.park is not None and self.region_id and self.park.region_id != self.region_id:
            errors["park"] = "园区不在企业所在区县"
        if errors:
            raise ValidationError(errors)


NON_NEGATIVE = [MinValueValidator(0)]


def _amount(title: str, unit_help: str) -> models.DecimalField:
    return models.DecimalField(
        title,
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=unit_help,
    )


# Figure field name → import column title (with unit). The import reads exactly these titles.
FIGURE_TITLES: dict[str, str] = {
    "revenue_wan_yuan": "营业收入(万元)",
    "main_business_revenue_wan_yuan": "主营业务收入(万元)",
    "value_added_wan_yuan": "工业增加值(万元)",
    "tax_paid_wan_yuan": "实缴税金(万元)",
    "land_area_mu": "用地面积(亩)",
    "energy_tce": "综合能耗(吨标准煤)",
    "pollutant_equivalent_t": "主要污染物排放当量(吨)",
    "rd_spend_wan_yuan": "研发费用(万元)",
    "employees": "年平均职工人数(人)",
    "electricity_10k_kwh": "用电量(万千瓦时)",
}


class EnterpriseYear(Versioned, BaseModel):
    """One firm's figures for one year; every figure may be missing (null), never negative."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="years", verbose_name="企业"
    )
    year = models.PositiveSmallIntegerField("年份")
    revenue_wan_yuan = _amount("营业收入(万元)", "万元")
    # 主营业务收入: the divisor of R&D intensity in 浙政发〔2018〕5号 and 黄岩 (docs/evaluation.md)
    main_business_revenue_wan_yuan = _amount("主营业务收入(万元)", "万元")
    value_added_wan_yuan = _amount("工业增加值(万元)", "万元")
    tax_paid_wan_yuan = _amount("实缴税金(万元)", "万元")
    land_area_mu = _amount("用地面积(亩)", "亩 (1亩 = 666.67 m²)")
    energy_tce = _amount("综合能耗(吨标准煤)", "吨标准煤 tce")
    pollutant_equivalent_t = _amount("主要污染物排放当量(吨)", "吨")
    rd_spend_wan_yuan = _amount("研发费用(万元)", "万元")
    employees = models.PositiveIntegerField("年平均职工人数(人)", null=True, blank=True)
    electricity_10k_kwh = _amount("用电量(万千瓦时)", "万千瓦时")
    history = HistoricalRecords(verbose_name="年度指标变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业年度指标"
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="enterprise_year_unique",
                violation_error_message="同一企业同一年份的指标已存在",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2100),
                name="enterprise_year_range",
                violation_error_message="年份应在1949-2100之间",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
                    name=f"enterprise_year_{field}_non_negative",
                    violation_error_message=f"{title}不能为负数",
                )
                for field, title in FIGURE_TITLES.items()
                if field != "employees"
            ],
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class QualificationKind(models.TextChoices):
    TECH_SME = "tech_sme", "科技型中小企业"
    HIGH_TECH = "high_tech", "高新技术企业"
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    SRDI = "srdi", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”企业"
    SINGLE_CHAMPION = "single_champion", "制造业单项冠军"
    GREEN_FACTORY = "green_factory", "绿色工厂"
    CLOUD = "cloud", "上云企业"
    SMART_FACTORY = "smart_factory", "智能工厂/数字化车间"
    TECH_CENTER = "tech_center", "企业技术中心"
    DESIGN_DOCKED = "design_docked", "工业设计对接"
    DESIGN_CENTER = "design_center", "工业设计中心"
    INTEGRATION_STANDARD = "integration_standard", "两化融合管理体系贯标"
    MORNING_STAR = "morning_star", "晨星工厂"


class QualificationLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class GrantKind(models.TextChoices):
    """Whether a listing is a first grant or a renewal (feeds the tier rule of issue 11)."""

    NEW = "new", "新认定"
    RENEWAL = "renewal", "复审/重新认定"


class Qualification(Versioned, BaseModel):
    """A dated title an enterprise holds (高企, 专精特新, 绿色工厂 …)."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="qualifications", verbose_name="企业"
    )
    kind = models.CharField("资质类型", max_length=32, choices=QualificationKind.choices)
    level = models.CharField(
        "级别",
        max_length=16,
        choices=QualificationLevel.choices,
        default=QualificationLevel.PROVINCIAL,
    )
    granted_on = models.DateField("认定日期")
    grant_kind = models.CharField(
        "认定类型", max_length=16, choices=GrantKind.choices, default=GrantKind.NEW
    )
    first_granted_on = models.DateField(
        "首次认定日期",
        null=True,
        blank=True,
        help_text="复审/重新认定时填写首次认定的日期",
    )
    certificate_no = models.CharField("证书编号", max_length=64, blank=True)
    batch = models.CharField("批次", max_length=64, blank=True, help_text="如 2025年第一批")
    expires_on = models.DateField("有效期至", null=True, blank=True)
    source = models.CharField("来源/文号", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="资质变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业资质"
        ordering = ["enterprise_id", "-granted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "level", "granted_on"],
                name="qualification_unique",
                violation_error_message="该企业已有同一日期的同类资质",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("granted_on")),
                name="qualification_expiry_after_grant",
                violation_error_message="有效期至不能早于认定日期",
            ),
            models.CheckConstraint(
                condition=Q(first_granted_on__isnull=True)
                | Q(first_granted_on__lte=models.F("granted_on")),
                name="qualification_first_grant_not_after_grant",
                violation_error_message="首次认定日期不能晚于认定日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_kind_display()}"


class EnterpriseNameAlias(BaseModel):
    """A firm name as an official list wrote it (认定名单, 公示名单), confirmed by a user as this
    registry firm; name-only imports match it as an exact name next time (名称对应).

    Scoped by region: the pair belongs to the region the confirming user works in (their scope
    region, else the firm's), and is only used for users who see the firm.
    """

    name = models.CharField("名单中的名称", max_length=200)
    key = models.CharField(
        "名称键",
        max_length=200,
        db_index=True,
        help_text="去掉全半角、空格、括号与公司类型后的名称",
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="name_aliases", verbose_name="企业"
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="+", verbose_name="确认范围（行政区划）"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "企业名称对应"
        ordering = ["region_id", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "key"],
                name="enterprise_name_alias_unique_in_region",
                violation_error_message="同一行政区划内同一名称只能对应一家企业",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.enterprise_id}"


# --- several sources for one figure (一个指标多个来源), docs/imports.md ------------------------


class FigureValues(BaseModel):
    """The yearly figures one source 数据来源 reported for one firm (税务's 实缴税金, 供电's 用电量 …).

    One row per firm × year × source; a figure the source did not report is null. The firm's
    :class:`EnterpriseYear` keeps the *resolved* value of each figure (the source first in the
    field's precedence, or an analyst's :class:`FigureDecision`), which every analysis reads.
    One row per source rather than per figure: a 100,000-row file writes 100,000 rows here, not
    a million (the import benchmark). Who reported what when: this row's change history.
    """

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="figure_values", verbose_name="企业"
    )
    year = models.PositiveSmallIntegerField("年份")
    source = models.CharField("数据来源", max_length=16, choices=DataSource.choices)
    revenue_wan_yuan = _amount("营业收入(万元)", "万元")
    main_business_revenue_wan_yuan = _amount("主营业务收入(万元)", "万元")
    value_added_wan_yuan = _amount("工业增加值(万元)", "万元")
    tax_paid_wan_yuan = _amount("实缴税金(万元)", "万元")
    land_area_mu = _amount("用地面积(亩)", "亩 (1亩 = 666.67 m²)")
    energy_tce = _amount("综合能耗(吨标准煤)", "吨标准煤 tce")
    pollutant_equivalent_t = _amount("主要污染物排放当量(吨)", "吨")
    rd_spend_wan_yuan = _amount("研发费用(万元)", "万元")
    employees = models.PositiveIntegerField("年平均职工人数(人)", null=True, blank=True)
    electricity_10k_kwh = _amount("用电量(万千瓦时)", "万千瓦时")
    batch = models.ForeignKey(
        "imports.ImportBatch",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="导入批次",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    history = HistoricalRecords(verbose_name="来源指标变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "分来源年度指标"
        ordering = ["enterprise_id", "year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "source"],
                name="figure_values_unique",
                violation_error_message="同一企业同一年份同一来源的指标已存在",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2100),
                name="figure_values_year_range",
                violation_error_message="年份应在1949-2100之间",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
                    name=f"figure_values_{field}_non_negative",
                    violation_error_message=f"{title}不能为负数",
                )
                for field, title in FIGURE_TITLES.items()
                if field != "employees"
            ],
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.get_source_display()}"


FIGURE_FIELD_CHOICES = [(name, title) for name, title in FIGURE_TITLES.items()]


class FigurePrecedence(BaseModel):
    """An analyst's precedence 优先级 and tolerance 容差 for one figure (overrides the defaults in
    ``figure_sources.yaml``)."""

    field = models.CharField("指标", max_length=40, choices=FIGURE_FIELD_CHOICES, unique=True)
    order = models.CharField(
        "来源优先级", max_length=100, help_text="来源代码，逗号分隔，最可信的在前"
    )
    tolerance = models.DecimalField(
        "冲突容差",
        max_digits=6,
        decimal_places=4,
        validators=NON_NEGATIVE,
        help_text="相对差异超过此比例即列为冲突（0.05 = 5%）",
    )
    history = HistoricalRecords(verbose_name="优先级变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "指标来源优先级"
        ordering = ["field"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tolerance__gte=0) & Q(tolerance__lte=10),
                name="figure_precedence_tolerance_range",
                violation_error_message="冲突容差应在0到10（1000%）之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.order}"


class FigureDecision(BaseModel):
    """An analyst's decision 核定 on a conflict: use ``source``'s value ``value`` for this figure
    (with a reason). It holds while that source still reports ``value``; when the source's value
    changes, the precedence decides again and the conflict is listed again."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="figure_decisions", verbose_name="企业"
    )
    year = models.PositiveSmallIntegerField("年份")
    field = models.CharField("指标", max_length=40, choices=FIGURE_FIELD_CHOICES)
    source = models.CharField("采用来源", max_length=16, choices=DataSource.choices)
    value = models.DecimalField("采用值", max_digits=16, decimal_places=4)
    reason = models.CharField("核定理由", max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="核定人",
    )
    history = HistoricalRecords(verbose_name="核定变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "指标核定"
        ordering = ["enterprise_id", "year", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "field"],
                name="figure_decision_unique",
                violation_error_message="该指标已有核定",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="figure_decision_reason_required",
                violation_error_message="请填写核定理由",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.field} ← {self.source}"
