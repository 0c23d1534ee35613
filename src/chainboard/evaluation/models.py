"""Evaluation runs 评价批次 of the 亩均 method, per-firm results, tier inputs and tier targets."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import Enterprise, QualificationKind, QualificationLevel
from chainboard.geo.models import Region


class RunStage(models.TextChoices):
    """草稿 → 公示中 → 复核中 → 已发布 (docs/evaluation.md "公示、异议与复核")."""

    DRAFT = "draft", "草稿"
    PUBLICITY = "publicity", "公示中"
    REVIEW = "review", "复核中"
    PUBLISHED = "published", "已发布"


class EvaluationRun(BaseModel):
    """One run of a 亩均 method over one year's figures.

    The same method file (``method_digest``) over the same inputs (``inputs_hash``) in the same
    scope gives back the existing run instead of a second copy. A run goes 草稿 → 公示中 (firms
    see their own result and may object until ``publicity_end``, inclusive) → 复核中 (the office
    answers each 异议; a correction re-scores the run, see :class:`Rescore`) → 已发布. Publishing a
    run supersedes the run published before it for the same method, year and scope (both rows
    stay; the superseded one keeps stage 已发布 with ``published`` false). Every change of stage
    is a history row with its user, time and reason.
    """

    method_id = models.CharField("评价办法", max_length=64)
    method_version = models.CharField("办法版本", max_length=32)
    method_title = models.CharField("办法名称", max_length=200)
    method_source = models.TextField("办法出处", blank=True)
    method_digest = models.CharField("办法文件SHA-256", max_length=64)
    method_text = models.TextField("办法文件内容")
    year = models.PositiveSmallIntegerField("评价年度")
    inputs_hash = models.CharField("输入数据SHA-256", max_length=64)
    scope_region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评价范围",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    n_firms = models.PositiveIntegerField("参评企业数", default=0)
    stage = models.CharField(
        "状态", max_length=16, choices=RunStage.choices, default=RunStage.DRAFT
    )
    publicity_start = models.DateField("公示开始日期", null=True, blank=True)
    publicity_end = models.DateField(
        "公示截止日期", null=True, blank=True, help_text="含当日，至当日24时"
    )
    published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="被替代为",
    )
    history = HistoricalRecords(verbose_name="评价批次变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "亩均评价批次"
        ordering = ["-year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["method_digest", "year", "inputs_hash", "scope_region"],
                name="evaluation_run_unique_inputs",
                violation_error_message="相同办法、相同数据的评价已存在",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(stage=RunStage.PUBLISHED),
                name="evaluation_run_published_stage",
                violation_error_message="已发布的批次状态必须为“已发布”",
            ),
            models.CheckConstraint(
                condition=Q(publicity_end__isnull=True)
                | Q(publicity_start__isnull=True)
                | Q(publicity_end__gte=F("publicity_start")),
                name="evaluation_run_publicity_dates",
                violation_error_message="公示截止日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.method_title} #{self.pk}"

    @property
    def stage_label(self) -> str:
        if self.superseded_by_id:
            return "已被替代"
        return str(RunStage(self.stage).label)

    @property
    def is_draft_for_comment(self) -> bool:
        """公示稿: the results shown in 公示 and 复核 are not yet in force."""
        return self.stage in (RunStage.PUBLICITY, RunStage.REVIEW)

    @property
    def scope_label(self) -> str:
        return self.scope_region.name if self.scope_region is not None else "全部"


class EvaluationResult(models.Model):
    """One firm's result in one run: indicators, total, rank, class and its explanation."""

    run = models.ForeignKey(
        EvaluationRun, models.CASCADE, related_name="results", verbose_name="评价批次"
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="evaluation_results", verbose_name="企业"
    )
    group = models.CharField("评价分组", max_length=32)
    group_name = models.CharField("分组名称", max_length=100)
    total = models.FloatField("总得分", null=True, blank=True)
    rank = models.PositiveIntegerField("组内排名", null=True, blank=True)
    n_group = models.PositiveIntegerField("组内企业数", null=True, blank=True)
    klass = models.CharField("等级", max_length=8, db_index=True)
    prev_klass = models.CharField("上年等级", max_length=8, blank=True)
    move = models.CharField("等级变化", max_length=8, blank=True)
    next_klass = models.CharField("可升至", max_length=8, blank=True)
    indicators = models.JSONField("指标明细", default=list)
    flags = models.JSONField("数据缺失标记", default=list)
    explanation = models.TextField("等级说明", blank=True)
    history = HistoricalRecords(verbose_name="评价结果变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "亩均评价结果"
        ordering = ["run_id", "group", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"],
                name="evaluation_result_unique",
                violation_error_message="同一批次中企业重复",
            ),
        ]
        indexes = [models.Index(fields=["run", "group", "rank"], name="evaluation_result_rank")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.klass}"


def _amount(title: str) -> models.DecimalField:
    return models.DecimalField(
        title,
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="万元",
    )


def _count(title: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(title, null=True, blank=True)


def _pct(title: str) -> models.DecimalField:
    return models.DecimalField(
        title,
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


#: TierProfile field → the criteria field of the same meaning (see chainboard_analytics TIER_FIELDS).
PROFILE_FIELDS = [
    "sci_tech_staff",
    "rd_staff",
    "total_assets_wan_yuan",
    "debt_ratio_pct",
    "high_tech_revenue_wan_yuan",
    "main_business_revenue_wan_yuan",
    "ip_class1",
    "ip_class2",
    "niche_years",
    "niche_market_share_pct",
    "main_product_share_pct",
    "global_rank",
    "equity_raised_wan_yuan",
    "has_rd_institution",
    "strategic_emerging",
    "srdi_score",
    "total_cost_wan_yuan",
    "total_income_wan_yuan",
    "rd_domestic_3y_wan_yuan",
    "innovation_score",
    "ip_class1_high_value",
    "ip_class1_own",
    "equity_raised_3y_wan_yuan",
    "rd_institution_provincial",
    "award_national_5y",
    "standard_led_5y",
    "award_3y",
    "demo_title_valid",
    "award_srdi_3y",
    "maker_china_500_3y",
    "info_system",
    "quality_certification",
    "own_brand",
    "energy_advanced",
    "no_violation_3y",
]


class TierProfile(Versioned, BaseModel):
    """The yearly figures the cultivation-tier criteria need beyond the registry's figures."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="tier_profiles", verbose_name="企业"
    )
    year = models.PositiveSmallIntegerField("年份")
    sci_tech_staff = _count("科技人员数(人)")
    rd_staff = _count("研发人员数(人)")
    total_assets_wan_yuan = _amount("资产总额(万元)")
    debt_ratio_pct = _pct("资产负债率(%)")
    high_tech_revenue_wan_yuan = _amount("高新技术产品(服务)收入(万元)")
    main_business_revenue_wan_yuan = _amount("主营业务收入(万元)")
    ip_class1 = _count("Ⅰ类知识产权(件)")
    ip_class2 = _count("Ⅱ类知识产权(件)")
    niche_years = _count("从事细分市场年限(年)")
    niche_market_share_pct = _pct("细分市场全国占有率(%)")
    main_product_share_pct = _pct("主导产品占主营业务收入比(%)")
    global_rank = _count("主导产品全球市场排名")
    equity_raised_wan_yuan = _amount("近两年新增股权融资(万元)")
    has_rd_institution = models.BooleanField("建有研发机构", null=True, blank=True)
    strategic_emerging = models.BooleanField("主导产品属战略性新兴产业", null=True, blank=True)
    srdi_score = models.DecimalField(
        "专精特新评价得分", max_digits=5, decimal_places=1, null=True, blank=True
    )
    total_cost_wan_yuan = _amount("成本费用支出总额(万元)")
    total_income_wan_yuan = _amount("总收入(万元)")
    rd_domestic_3y_wan_yuan = _amount("近三年境内研发费用(万元)")
    innovation_score = models.DecimalField(
        "高企创新能力评价得分(分)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    ip_class1_high_value = _count("高价值Ⅰ类知识产权(件)")
    ip_class1_own = _count("自主研发Ⅰ类知识产权(件)")
    equity_raised_3y_wan_yuan = _amount("近三年新增股权融资(万元)")
    rd_institution_provincial = models.BooleanField("建有省部级以上研发机构", null=True, blank=True)
    award_national_5y = models.BooleanField(
        "近五年国家级科技奖励(获奖单位前三)", null=True, blank=True
    )
    standard_led_5y = models.BooleanField("近五年主导制定国际/国家/行业标准", null=True, blank=True)
    award_3y = models.BooleanField("近三年获国家级或省级科技奖励", null=True, blank=True)
    demo_title_valid = models.BooleanField(
        "有效期内国家级技术创新示范企业或知识产权优势/示范企业", null=True, blank=True
    )
    award_srdi_3y = models.BooleanField(
        "近三年省级科技奖励前三或国家级科技奖励前五", null=True, blank=True
    )
    maker_china_500_3y = models.BooleanField("近三年创客中国全国500强", null=True, blank=True)
    info_system = models.BooleanField("至少1项核心业务采用信息系统支撑", null=True, blank=True)
    quality_certification = models.BooleanField(
        "取得管理体系认证或发达国家和地区产品认证", null=True, blank=True
    )
    own_brand = models.BooleanField("拥有自主品牌", null=True, blank=True)
    energy_advanced = models.BooleanField(
        "单位产品能耗达到能耗限额标准先进值", null=True, blank=True
    )
    no_violation_3y = models.BooleanField("近三年无重大违法违规", null=True, blank=True)
    history = HistoricalRecords(verbose_name="梯度指标变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业梯度培育指标"
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="tier_profile_unique",
                violation_error_message="同一企业同一年份的梯度指标已存在",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class TierTarget(Versioned, BaseModel):
    """A yearly cultivation target of a region: e.g. 宁晋县 2025 +30 高新技术企业."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="tier_targets", verbose_name="区县/城市"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("梯度类型", max_length=32, choices=QualificationKind.choices)
    level = models.CharField("级别", max_length=16, choices=QualificationLevel.choices, blank=True)
    target = models.PositiveIntegerField("新增目标(家)")
    source = models.CharField("目标来源", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="培育目标变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "梯度培育目标"
        ordering = ["region_id", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "kind", "level"],
                name="tier_target_unique",
                violation_error_message="该区域该年度该类目标已存在",
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="tier_target_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.kind} +{self.target}"


class ParkDesignCentre(Versioned, BaseModel):
    """An industrial-design centre 工业设计中心 built in a park (for the coverage summary)."""

    park = models.OneToOneField(
        "geo.Park", models.CASCADE, related_name="design_centre", verbose_name="园区"
    )
    name = models.CharField("名称", max_length=200)
    established_on = models.DateField("建成日期", null=True, blank=True)
    history = HistoricalRecords(verbose_name="设计中心变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "园区工业设计中心"
        ordering = ["park_id"]

    def __str__(self) -> str:
        return self.name


class QuotaRule(models.TextChoices):
    """用能/排污 指标 and 信贷 treatment of a class: an ordered scale, not free text."""

    PRIORITY = "priority", "优先保障"
    NORMAL = "normal", "正常安排"
    STRICT = "strict", "从严控制"
    NONE = "none", "不新增"


class CreditRule(models.TextChoices):
    WHITELIST = "whitelist", "白名单优先支持"
    NORMAL = "normal", "正常"
    CAUTIOUS = "cautious", "审慎授信"
    RESTRICT = "restrict", "压缩退出"


def _price(title: str, unit: str) -> models.DecimalField:
    return models.DecimalField(
        title,
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=f"{unit}；空 = 不加价或未规定",
    )


class ClassPolicy(Versioned, BaseModel):
    """The differentiated policy 差别化政策 of one 亩均 class, per method and evaluation year.

    Numbers, each dated and sourced: ``year`` is the evaluation year whose published classes
    the policy applies to; ``valid_from``/``valid_to`` the period it is in force. The per-firm
    effect (e.g. 电价加价 × 用电量) is computed by
    :func:`chainboard_analytics.evaluation.policy.policy_effects`.
    """

    method_id = models.CharField("评价办法", max_length=64)
    year = models.PositiveSmallIntegerField("适用评价年度")
    klass = models.CharField("等级", max_length=8)
    electricity_surcharge_yuan_per_kwh = _price("电价加价(元/千瓦时)", "元/千瓦时")
    water_surcharge_yuan_per_m3 = _price("水价加价(元/立方米)", "元/立方米")
    land_tax_relief_pct = _pct("城镇土地使用税减免(%)")
    land_tax_yuan_per_m2 = _price("城镇土地使用税年税额(元/平方米)", "元/平方米")
    energy_quota = models.CharField(
        "用能指标", max_length=16, choices=QuotaRule.choices, blank=True
    )
    discharge_quota = models.CharField(
        "排污指标", max_length=16, choices=QuotaRule.choices, blank=True
    )
    credit = models.CharField("信贷", max_length=16, choices=CreditRule.choices, blank=True)
    valid_from = models.DateField("施行日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    source = models.CharField("数值来源", max_length=300, help_text="文件名称、文号和日期")
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords(verbose_name="差别化政策变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "亩均差别化政策"
        ordering = ["method_id", "-year", "klass"]
        constraints = [
            models.UniqueConstraint(
                fields=["method_id", "year", "klass"],
                name="class_policy_unique",
                violation_error_message="该办法该年度该等级的政策已存在",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="class_policy_dates",
                violation_error_message="失效日期不能早于施行日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method_id} {self.year} {self.klass}"

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# --- 公示 / 异议 / 复核 -------------------------------------------------------------------------


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", "待答复"
    UPHELD = "upheld", "已答复-维持"
    CORRECTED = "corrected", "已答复-更正"


class Objection(BaseModel):
    """A firm's 异议 against its result in a run in 公示, and the office's answer in 复核."""

    run = models.ForeignKey(
        EvaluationRun, models.PROTECT, related_name="objections", verbose_name="评价批次"
    )
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="objections", verbose_name="企业"
    )
    reason = models.TextField("异议理由", max_length=2000)
    status = models.CharField(
        "状态", max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    klass_filed = models.CharField("提出时等级", max_length=8, blank=True)
    klass_answered = models.CharField("答复后等级", max_length=8, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提出人",
    )
    answer = models.TextField("答复意见", max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="答复人",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="异议变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "评价异议"
        ordering = ["run_id", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"],
                name="objection_one_per_firm_and_run",
                violation_error_message="本企业已对该评价批次提出过异议",
            ),
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.PENDING, answered_at__isnull=True)
                | (
                    ~Q(status=ObjectionStatus.PENDING)
                    & Q(answered_at__isnull=False)
                    & ~Q(answer="")
                ),
                name="objection_answer_complete",
                violation_error_message="已答复的异议必须有答复意见和答复时间",
            ),
        ]

    def __str__(self) -> str:
        return f"异议#{self.pk}"


def _attachment_path(instance: Any, filename: str) -> str:
    """A random stored name: the uploaded name is never part of a path."""
    return f"objections/{instance.objection.run_id}/{uuid.uuid4().hex}.{instance.kind}"


class ObjectionAttachment(models.Model):
    """A file attached to an 异议 (checked by ``imports.guard.check_attachment``; always
    downloaded as an attachment, never shown inline)."""

    objection = models.ForeignKey(
        Objection, models.CASCADE, related_name="attachments", verbose_name="异议"
    )
    file = models.FileField("文件", upload_to=_attachment_path, max_length=200)
    name = models.CharField("原文件名", max_length=120)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议附件"
        ordering = ["objection_id", "pk"]

    def __str__(self) -> str:
        return self.name


class Rescore(models.Model):
    """One re-scoring of a run after a correction in 复核: who, when, why, what changed."""

    run = models.ForeignKey(
        EvaluationRun, models.CASCADE, related_name="rescores", verbose_name="评价批次"
    )
    objection = models.ForeignKey(
        Objection,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescores",
        verbose_name="异议",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    created_at = models.DateTimeField("重新评分时间", auto_now_add=True)
    reason = models.TextField("原因")
    groups = models.JSONField("重新评分的分组", default=list)
    inputs_hash_before = models.CharField("原输入数据SHA-256", max_length=64)
    inputs_hash_after = models.CharField("新输入数据SHA-256", max_length=64)
    n_results_changed = models.PositiveIntegerField("结果有变化的企业数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "复核重新评分记录"
        ordering = ["run_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"重新评分#{self.pk}"


class ClassChange(models.Model):
    """A firm whose class a re-scoring changed (before → after)."""

    rescore = models.ForeignKey(
        Rescore, models.CASCADE, related_name="changes", verbose_name="重新评分"
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="+", verbose_name="企业"
    )
    group = models.CharField("评价分组", max_length=32)
    group_name = models.CharField("分组名称", max_length=100, blank=True)
    klass_before = models.CharField("原等级", max_length=8)
    klass_after = models.CharField("新等级", max_length=8)
    total_before = models.FloatField("原总得分", null=True, blank=True)
    total_after = models.FloatField("新总得分", null=True, blank=True)
    rank_before = models.PositiveIntegerField("原排名", null=True, blank=True)
    rank_after = models.PositiveIntegerField("新排名", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "复核等级变化"
        ordering = ["rescore_id", "group", "pk"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.klass_before}→{self.klass_after}"
