"""Key projects 重点项目 and their rhythm: weekly updates 周调度, milestones, 集中开工 batches, the
monthly ranking 月评比 with quarterly 季观摩 / half-year 半年考核 scores, targets 目标 and tasks 任务.

Money is Decimal 万元. A project links to the chain segments it extends, fills or strengthens
(``chain_nodes`` → ``chains.ChainNode``, history kept); ``chain_node_codes`` stays as free
labels (a cluster or chain name from an imported sheet, e.g. "宁晋电线电缆").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Park, Region

YI = Decimal(10000)  # 1亿元 = 10,000万元
NON_NEGATIVE = [MinValueValidator(0)]


def _verbose_name(instance: models.Model, field: str) -> str:
    return str(getattr(instance._meta.get_field(field), "verbose_name", field))


def _money(title: str, **kw: Any) -> models.DecimalField:
    return models.DecimalField(
        title, max_digits=16, decimal_places=2, validators=NON_NEGATIVE, **kw
    )


class Stage(models.TextChoices):
    PLANNED = "planned", "谋划"
    SIGNED = "signed", "签约"
    STARTED = "started", "开工"
    PRODUCING = "producing", "投产"
    EFFECTIVE = "effective", "达效"


STAGE_ORDER = [s.value for s in Stage]
STAGE_DATE_FIELD = {
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.PRODUCING: "producing_on",
    Stage.EFFECTIVE: "effective_on",
}
# Pools of the project lists: 谋划库 / 在建 / 投产.
POOLS: dict[str, tuple[str, list[str]]] = {
    "planning": ("谋划库", [Stage.PLANNED]),
    "building": ("在建", [Stage.SIGNED, Stage.STARTED]),
    "operating": ("投产", [Stage.PRODUCING, Stage.EFFECTIVE]),
}


class ProjectKind(models.TextChoices):
    NEW = "new", "新建"
    TECH = "tech", "技改"
    EXPANSION = "expansion", "扩建"


class ProjectSource(models.TextChoices):
    INVESTMENT = "investment", "招商引资"
    BEIJING_TIANJIN = "jingjinji", "京津冀对接"
    TECH_UPGRADE = "tech_upgrade", "技改"
    SPECIAL_BOND = "special_bond", "专项债券"
    OTHER = "other", "其他"


class Batch(Versioned, BaseModel):
    """A 集中开工 event: a dated batch of projects started together (city-wide or one county)."""

    name = models.CharField("批次名称", max_length=100, unique=True)
    held_on = models.DateField("开工日期")
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="区域"
    )
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords(verbose_name="集中开工批次变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "集中开工批次"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.name


class Project(Versioned, BaseModel):
    code = models.CharField("项目编号", max_length=32, unique=True)
    name = models.CharField("项目名称", max_length=200)
    investor = models.ForeignKey(
        Enterprise,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name="投资主体（本地企业）",
    )
    investor_name = models.CharField("投资主体", max_length=200, help_text="可为外地企业")
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="projects", verbose_name="所在区县"
    )
    park = models.ForeignKey(
        Park,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name="所在园区",
    )
    chain_node_codes = models.JSONField(
        "产业链/集群标签",
        default=list,
        blank=True,
        help_text="导入表中的产业链或集群名称，多个用逗号分隔",
    )
    chain_nodes = models.ManyToManyField(
        "chains.ChainNode",
        blank=True,
        related_name="projects",
        verbose_name="产业链环节",
        help_text="项目延链、补链、强链所在的环节",
    )
    kind = models.CharField("建设性质", max_length=16, choices=ProjectKind.choices)
    source = models.CharField("项目来源", max_length=16, choices=ProjectSource.choices)
    introduced = models.BooleanField(
        "引进项目",
        default=False,
        help_text="经招商线索落地转化的新引进投资者项目（非本地企业技改）；由招商落地时设置",
    )
    total_investment_wan_yuan = _money("总投资(万元)")
    investment_done_wan_yuan = _money("累计完成投资(万元)", default=Decimal(0))
    stage = models.CharField(
        "阶段", max_length=16, choices=Stage.choices, default=Stage.PLANNED, db_index=True
    )
    listed_on = models.DateField(
        "谋划入库日期",
        null=True,
        blank=True,
        help_text="项目谋划后进入项目库的日期（“新谋划项目”按此日期计数）",
    )
    planned_start_on = models.DateField("计划开工日期", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    producing_on = models.DateField("投产日期", null=True, blank=True)
    effective_on = models.DateField("达效日期", null=True, blank=True)
    responsible_official = models.CharField("包联领导", max_length=50, blank=True)
    responsible_department = models.CharField("责任单位", max_length=100, blank=True)
    batch = models.ForeignKey(
        Batch,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name="集中开工批次",
    )
    provincial_key = models.BooleanField("省重点", default=False)
    city_key = models.BooleanField("市重点", default=False)
    county_key = models.BooleanField("县级重点", default=False)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    archived = models.BooleanField("已归档", default=False, db_index=True)
    sample = models.BooleanField("示例数据", default=False)
    history = HistoricalRecords(verbose_name="项目变更记录", m2m_fields=[chain_nodes])

    class Meta:
        verbose_name = verbose_name_plural = "重点项目"
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "stage"], name="project_region_stage")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment_wan_yuan__gte=0),
                name="project_total_investment_non_negative",
                violation_error_message="总投资不能为负数",
            ),
            models.CheckConstraint(
                condition=Q(investment_done_wan_yuan__gte=0),
                name="project_investment_done_non_negative",
                violation_error_message="累计完成投资不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def over_100m(self) -> bool:
        """过亿: total investment of at least 1亿元."""
        return self.total_investment_wan_yuan >= YI

    @property
    def over_1b(self) -> bool:
        """过10亿."""
        return self.total_investment_wan_yuan >= 10 * YI

    @property
    def progress(self) -> float:
        total = self.total_investment_wan_yuan
        return float(self.investment_done_wan_yuan / total) if total else 0.0

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.park is not None and self.region_id and self.park.region_id != self.region_id:
            errors["park"] = "园区不在项目所在区县"
        reached = STAGE_ORDER.index(self.stage)
        for stage, field in STAGE_DATE_FIELD.items():
            if STAGE_ORDER.index(stage) <= reached and getattr(self, field) is None:
                errors[field] = (
                    f"阶段为「{self.get_stage_display()}」时须填写{_verbose_name(self, field)}"
                )
        dates = [getattr(self, f) for f in STAGE_DATE_FIELD.values()]
        known = [d for d in dates if d is not None]
        if known != sorted(known):
            errors["stage"] = "阶段日期应依次为 签约 ≤ 开工 ≤ 投产 ≤ 达效"
        if self.listed_on is not None and known and self.listed_on > known[0]:
            errors["listed_on"] = "谋划入库日期不能晚于签约、开工等阶段日期"
        if errors:
            raise ValidationError(errors)


class YearPlan(Versioned, BaseModel):
    """The split of a project's investment by year (年度计划投资)."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="year_plans", verbose_name="项目"
    )
    year = models.PositiveSmallIntegerField("年份")
    planned_wan_yuan = _money("年度计划投资(万元)")
    history = HistoricalRecords(verbose_name="年度计划变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "年度计划投资"
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="project_year_plan_unique",
                violation_error_message="同一项目同一年份的计划已存在",
            )
        ]


class Milestone(Versioned, BaseModel):
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="milestones", verbose_name="项目"
    )
    name = models.CharField("节点", max_length=100)
    due_on = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    history = HistoricalRecords(verbose_name="节点变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "项目节点"
        ordering = ["project_id", "due_on"]

    def __str__(self) -> str:
        return self.name

    def overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on < today


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week (weeks are named by their Monday)."""
    return day - dt.timedelta(days=day.weekday())


UPDATE_GRACE_DAYS = 7  # the update for week W is on time if filed by W's Monday + 7 (next Monday)


class ProjectUpdate(Versioned, BaseModel):
    """One weekly progress report 周调度 of a project. A project with updates cannot be deleted."""

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="updates", verbose_name="项目"
    )
    week = models.DateField("周（周一）")
    done_this_week = models.TextField("本周进展")
    investment_period_wan_yuan = _money("本期完成投资(万元)", default=Decimal(0))
    investment_cumulative_wan_yuan = _money("累计完成投资(万元)", default=Decimal(0))
    next_steps = models.TextField("下步计划", blank=True)
    problems = models.TextField("需协调解决的问题", blank=True)
    help_department = models.CharField("请求协调部门", max_length=100, blank=True)
    problem_resolved_on = models.DateField("问题解决日期", null=True, blank=True)
    photo = models.FileField("现场照片", upload_to="projects/photos/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField("填报时间")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    history = HistoricalRecords(verbose_name="周调度变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "周调度"
        ordering = ["project_id", "-week"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "week"],
                name="project_update_one_per_week",
                violation_error_message="该项目本周已填报",
            ),
            models.CheckConstraint(
                condition=Q(investment_period_wan_yuan__gte=0),
                name="project_update_period_non_negative",
                violation_error_message="本期完成投资不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.week}"

    @property
    def due_on(self) -> dt.date:
        return self.week + dt.timedelta(days=UPDATE_GRACE_DAYS)

    @property
    def late(self) -> bool:
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() > self.due_on


class ReviewKind(models.TextChoices):
    QUARTER = "quarter", "季观摩"
    HALF_YEAR = "half", "半年考核"


class ReviewScore(Versioned, BaseModel):
    """A county's score (0–100) at a quarterly site review 季观摩 or half-year assessment 半年考核."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区县")
    kind = models.CharField("类型", max_length=8, choices=ReviewKind.choices)
    year = models.PositiveSmallIntegerField("年份")
    period = models.PositiveSmallIntegerField("季度/半年", help_text="季度 1–4；半年 1–2")
    score = models.DecimalField(
        "得分",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.TextField("说明", blank=True)
    source = models.ForeignKey(
        "SiteReview",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="来源观摩活动",
        help_text="由观摩活动评分汇总写入的季观摩得分（不能手工修改）",
    )
    history = HistoricalRecords(verbose_name="观摩考核得分变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "季观摩/半年考核得分"
        ordering = ["year", "kind", "period", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "year", "period"],
                name="review_score_unique",
                violation_error_message="该区县该期得分已录入",
            )
        ]


class RankingMethod(Versioned, BaseModel):
    """The configurable 月评比 scoring method; the newest active row is used (see docs/projects.md).

    ``components`` maps a component key to ``{"weight", "benchmark", "cap"}`` and, for the
    counts, an optional ``"per"`` (``"projects"`` / ``"firms"``: per 100 projects in the county's
    pool or per 100 of its 规上 firms); ``period`` holds the weights that combine monthly scores
    with 季观摩 and 半年考核 scores; ``plan_profile`` the monthly shares of the annual plan.
    """

    def clean(self) -> None:
        from chainboard_analytics.projects.ranking import check_method, check_profile

        errors = {}
        try:
            check_method(self.components or {})
        except ValueError as exc:
            errors["components"] = str(exc)
        try:
            check_profile(self.plan_profile or [])
        except ValueError as exc:
            errors["plan_profile"] = str(exc)
        from chainboard_analytics.projects.site_review import check_review

        try:
            check_review(self.review or {})
        except ValueError as exc:
            errors["review"] = str(exc)
        if errors:
            raise ValidationError(errors)

    name = models.CharField("名称", max_length=100)
    components = models.JSONField("评分项")
    period = models.JSONField("期间综合权重", default=dict)
    plan_profile = models.JSONField(
        "年度计划分月比例",
        default=list,
        blank=True,
        help_text="12个非负数（1–12月），如河北冬季停工 [0,0,1,1,1,1,1,1,1,1,1,0]；空 = 每月1/12",
    )
    review = models.JSONField(
        "观摩评分办法",
        default=dict,
        blank=True,
        help_text="评分项 criteria、汇总规则 rule（trimmed/mean）、去高去低最少评委数 "
        "trim_min_reviewers、半年考核权重 assessment；空 = 默认办法",
    )
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords(verbose_name="评比办法变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "月评比办法"
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name


class SiteReviewStatus(models.TextChoices):
    OPEN = "open", "评分中"
    CLOSED = "closed", "已结束"


class SiteReview(Versioned, BaseModel):
    """A 季观摩 event: a dated visit of projects along a route, scored by assigned reviewers.

    ``criteria``, ``rule`` and ``trim_min_reviewers`` are copied from the ranking method when the
    event is created, so a later change of the method does not alter an event's sheets.
    """

    title = models.CharField("观摩活动名称", max_length=100)
    held_on = models.DateField("观摩日期")
    year = models.PositiveSmallIntegerField("年份")
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        "状态", max_length=8, choices=SiteReviewStatus.choices, default=SiteReviewStatus.OPEN
    )
    method = models.ForeignKey(
        RankingMethod,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="评比办法",
    )
    criteria = models.JSONField("评分项", default=list)
    rule = models.CharField("汇总规则", max_length=16, default="trimmed")
    trim_min_reviewers = models.PositiveSmallIntegerField("去高去低最少评委数", default=5)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="site_reviews", verbose_name="评委"
    )
    note = models.TextField("说明", blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    history = HistoricalRecords(verbose_name="观摩活动变更记录", m2m_fields=[reviewers])

    class Meta:
        verbose_name = verbose_name_plural = "季观摩活动"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="site_review_quarter_1_4",
                violation_error_message="季度应为1–4",
            ),
            models.CheckConstraint(
                condition=Q(rule__in=["trimmed", "mean"]),
                name="site_review_rule_known",
                violation_error_message="汇总规则应为去高去低平均或算术平均",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SiteReviewStatus.OPEN

    def clean(self) -> None:
        if self.held_on and self.year and self.held_on.year != self.year:
            raise ValidationError({"held_on": "观摩日期应在所评年份内"})


class SiteReviewStop(BaseModel):
    """A project on a 观摩 route, at its place in the visiting order (1, 2, …)."""

    review = models.ForeignKey(
        SiteReview, models.CASCADE, related_name="stops", verbose_name="观摩活动"
    )
    project = models.ForeignKey(Project, models.PROTECT, related_name="+", verbose_name="项目")
    position = models.PositiveSmallIntegerField("观摩顺序")
    history = HistoricalRecords(verbose_name="观摩路线变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "观摩路线"
        ordering = ["review_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "project"],
                name="site_review_stop_project_once",
                violation_error_message="同一项目在路线中只能出现一次",
            ),
            models.UniqueConstraint(
                fields=["review", "position"],
                name="site_review_stop_position_unique",
                violation_error_message="观摩顺序重复",
            ),
        ]


class ReviewSheet(Versioned, BaseModel):
    """One reviewer's 评分表 for one project of a 观摩 event: points per criterion, total."""

    review = models.ForeignKey(
        SiteReview, models.CASCADE, related_name="sheets", verbose_name="观摩活动"
    )
    project = models.ForeignKey(Project, models.PROTECT, related_name="+", verbose_name="项目")
    # SET_NULL: a deleted account leaves its sheets (the evidence of a closed event) in place
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="评委",
    )
    points = models.JSONField("各项得分", default=dict)
    total = models.DecimalField(
        "总分",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField("评语", blank=True)
    history = HistoricalRecords(verbose_name="评分表变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "观摩评分表"
        ordering = ["review_id", "project_id", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "project", "reviewer"],
                name="review_sheet_one_per_reviewer",
                violation_error_message="该评委已为该项目评分",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100),
                name="review_sheet_total_0_100",
                violation_error_message="总分应在0–100之间",
            ),
        ]


class ReviewPhoto(BaseModel):
    """A site photo a reviewer attached to a 评分表 (JPEG/PNG, checked on upload)."""

    sheet = models.ForeignKey(
        ReviewSheet, models.CASCADE, related_name="photos", verbose_name="评分表"
    )
    file = models.FileField("照片", upload_to="projects/review_photos/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "观摩照片"
        ordering = ["sheet_id", "pk"]


class RankingScope(models.TextChoices):
    REGION = "region", "区县"
    DEPARTMENT = "department", "部门"


class MonthlyRanking(BaseModel):
    """One stored row of a computed 月评比 (its history is the ranking history)."""

    month = models.DateField("月份（1日）")
    scope = models.CharField(
        "对象类型", max_length=16, choices=RankingScope.choices, default=RankingScope.REGION
    )
    key = models.CharField("对象", max_length=100, help_text="区县代码或部门名称")
    label = models.CharField("名称", max_length=100)
    score = models.DecimalField("得分", max_digits=7, decimal_places=2)
    rank = models.PositiveSmallIntegerField("排名")
    components = models.JSONField("分项")
    method = models.ForeignKey(
        RankingMethod, models.PROTECT, related_name="+", verbose_name="评比办法"
    )
    history = HistoricalRecords(verbose_name="月评比结果变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "月评比结果"
        ordering = ["month", "scope", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "scope", "key"],
                name="monthly_ranking_unique",
                violation_error_message="该月该对象的评比结果已存在",
            )
        ]


class TargetFormula(models.TextChoices):
    PROJECTS_OVER = "projects_over", "签约项目数"
    PROJECTS_LISTED = "projects_listed", "新谋划入库项目数"
    PROJECTS_ACTIVE = "projects_active", "期内实施项目数"
    QUALIFICATIONS_NEW = "qualifications_new", "新增资质企业数"
    REVENUE = "revenue", "企业营业收入合计(万元)"
    REVENUE_GROWTH = "revenue_growth", "企业营业收入增速(%)"
    TECH_INVESTMENT_GROWTH = "tech_investment_growth", "技改投资增速(%)"
    INVESTMENT_DONE = "investment_done", "项目完成投资(万元)"
    CLUSTERS_NEW_BIG = "clusters_new_big", "新增超百亿产业集群数"
    MANUAL = "manual", "手工填报"


class TargetStatus(models.TextChoices):
    ACHIEVED = "achieved", "已完成"
    ON_TRACK = "on_track", "按进度"
    AT_RISK = "at_risk", "有风险"
    BEHIND = "behind", "滞后"


class Target(Versioned, BaseModel):
    """A KPI 目标 whose value is computed by ``formula`` over the data (see ``targets.py``)."""

    name = models.CharField("目标名称", max_length=200)
    owner = models.CharField("责任单位", max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区域")
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    formula = models.CharField("计算公式", max_length=32, choices=TargetFormula.choices)
    params = models.JSONField("公式参数", default=dict, blank=True)
    target_value = models.DecimalField("目标值", max_digits=16, decimal_places=2)
    unit = models.CharField("单位", max_length=16, blank=True)
    manual_value = models.DecimalField(
        "手工填报值", max_digits=16, decimal_places=2, null=True, blank=True
    )
    programme = models.CharField("所属行动", max_length=100, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    history = HistoricalRecords(verbose_name="目标变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "目标"
        ordering = ["period_end", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="target_period_order",
                violation_error_message="截止日期应晚于起始日期",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from chainboard.projects.target_params import validate_params

        self.params = validate_params(self.formula, self.params)

    @property
    def params_text(self) -> str:
        """The parameters in Chinese (the target pages show this, not the stored dict)."""
        from chainboard.projects.target_params import describe_params

        return describe_params(self.formula, self.params)


class TargetReading(Versioned, BaseModel):
    """A dated evaluation of a target (its progress history)."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="readings", verbose_name="目标")
    on = models.DateField("日期")
    value = models.DecimalField("当前值", max_digits=16, decimal_places=2)
    projected = models.DecimalField("期末预计", max_digits=16, decimal_places=2)
    status = models.CharField("状态", max_length=16, choices=TargetStatus.choices)
    history = HistoricalRecords(verbose_name="目标进度记录变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "目标进度记录"
        ordering = ["target_id", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "on"],
                name="target_reading_unique_day",
                violation_error_message="同一天已有进度记录",
            )
        ]


class Task(Versioned, BaseModel):
    """A work item 任务 of the year's plan, under a programme such as 12项赋能行动."""

    programme = models.CharField("所属行动", max_length=100)
    name = models.CharField("任务", max_length=300)
    owner_department = models.CharField("责任单位", max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区域")
    due_on = models.DateField("完成时限")
    percent_complete = models.PositiveSmallIntegerField(
        "完成进度(%)", default=0, validators=[MaxValueValidator(100)]
    )
    evidence = models.TextField("佐证说明", blank=True)
    sample = models.BooleanField("示例数据", default=False)
    # where the task comes from, when an app above this one owns it (a 链长 work plan of
    # ``chiefs``): a generic link, so ``projects`` never imports the higher app
    source_type = models.ForeignKey(
        ContentType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="来源类型",
    )
    source_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    history = HistoricalRecords(verbose_name="任务变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["programme", "due_on", "pk"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="task_source_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100),
                name="task_percent_at_most_100",
                violation_error_message="完成进度不能超过100%",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="task_source_complete",
                violation_error_message="任务来源的类型和编号须同时填写或同时为空",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def complete(self) -> bool:
        return self.percent_complete >= 100

    def is_overdue(self, today: dt.date) -> bool:
        return self.percent_complete < 100 and self.due_on < today
