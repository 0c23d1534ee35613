"""Industrial chains 产业链, their segments 环节, firm links 企业挂链 and clusters 产业集群."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Region


class ChainCategory(models.TextChoices):
    TRADITIONAL = "traditional", "传统优势"
    EMERGING = "emerging", "新兴"
    CONVERGED = "converged", "融合"
    FUTURE = "future", "未来"


class Stage(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"
    SERVICE = "service", "配套服务"


class ServiceKind(models.TextChoices):
    NONE = "", "—"
    LOGISTICS = "logistics", "物流仓储"
    TESTING = "testing", "检验检测认证"
    DESIGN = "design", "工业设计"
    FINANCE = "finance", "金融服务"
    RAW_MATERIAL_MARKET = "raw_material_market", "原材料市场"
    PARTS_MARKET = "parts_market", "零部件/产品市场"
    TRAINING = "training", "人才培训"
    RND = "rnd", "研发创新平台"
    ECOMMERCE = "ecommerce", "电子商务"
    RECYCLING = "recycling", "再生资源"
    INFORMATION = "information", "信息化服务"


class Chain(Versioned, BaseModel):
    """One industrial chain of one region, instantiated from a versioned template."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="chains", verbose_name="所属地区"
    )
    code = models.CharField("模板代码", max_length=40)
    name = models.CharField("名称", max_length=100)
    category = models.CharField("类别", max_length=16, choices=ChainCategory.choices)
    description = models.TextField("简介", blank=True)
    template_version = models.PositiveIntegerField("模板版本", default=1)
    template_digest = models.CharField("模板摘要", max_length=64, blank=True)
    keywords = models.JSONField("产业关键词", default=list, blank=True)
    sources = models.JSONField("出处", default=list, blank=True)
    chief_name = models.CharField("链长", max_length=50, blank=True)
    chief_office = models.CharField("链长职务/单位", max_length=100, blank=True)
    leader_firms = models.ManyToManyField(
        Enterprise, blank=True, related_name="led_chains", verbose_name="链主企业"
    )
    gap_rules = models.JSONField("缺链规则参数", default=dict, blank=True)
    history = HistoricalRecords(verbose_name="产业链变更记录", m2m_fields=[leader_firms])

    class Meta:
        verbose_name = verbose_name_plural = "产业链"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"],
                name="chain_code_unique_in_region",
                violation_error_message="该地区已有同一模板的产业链",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.name}"


class ChainNode(Versioned, BaseModel):
    """A segment 环节 of a chain: stage, optional parent, and what identifies its firms."""

    chain = models.ForeignKey(Chain, models.CASCADE, related_name="nodes", verbose_name="产业链")
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级环节",
    )
    name = models.CharField("环节名称", max_length=60)
    stage = models.CharField("位置", max_length=16, choices=Stage.choices)
    service_kind = models.CharField(
        "服务类型", max_length=24, choices=ServiceKind.choices, blank=True, default=""
    )
    codes = models.JSONField("行业代码", default=list, blank=True)
    related_codes = models.JSONField("相关行业代码（需文字佐证）", default=list, blank=True)
    keywords = models.JSONField("产品/关键词", default=list, blank=True)
    exclude = models.JSONField("排除词", default=list, blank=True)
    feeds = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="fed_by", verbose_name="供给下游环节"
    )
    weight = models.DecimalField(
        "权重", max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    ref_share = models.DecimalField(
        "参照营收占比",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    order = models.PositiveIntegerField("顺序", default=0)
    description = models.TextField("说明", blank=True)
    history = HistoricalRecords(verbose_name="环节变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "产业链环节"
        ordering = ["chain_id", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "name"],
                name="chain_node_name_unique",
                violation_error_message="同一产业链内环节名称重复",
            ),
            models.CheckConstraint(
                condition=Q(stage="service") | Q(service_kind=""),
                name="chain_node_service_kind_only_for_service",
                violation_error_message="只有配套服务环节才有服务类型",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LinkSource(models.TextChoices):
    CODE = "code", "行业代码"
    TEXT = "text", "经营范围"
    CODE_TEXT = "code+text", "行业代码+经营范围"
    MANUAL = "manual", "人工"


class LinkState(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已驳回"


class EnterpriseNode(Versioned, BaseModel):
    """A firm linked to a chain segment 企业挂链, with its evidence and review state.

    Automatic linking writes ``proposed`` rows; an analyst's ``confirmed``/``rejected`` decision
    (``reviewed_by`` set) is never changed by a later automatic run.
    """

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="chain_links", verbose_name="企业"
    )
    node = models.ForeignKey(ChainNode, models.CASCADE, related_name="links", verbose_name="环节")
    source = models.CharField("来源", max_length=16, choices=LinkSource.choices)
    confidence = models.DecimalField(
        "置信度",
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    explanation = models.TextField("依据", blank=True)
    state = models.CharField(
        "审核状态", max_length=16, choices=LinkState.choices, default=LinkState.PROPOSED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="挂链变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业挂链"
        ordering = ["node_id", "-confidence"]
        indexes = [models.Index(fields=["node", "state"], name="enterprise_node_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "node"],
                name="enterprise_node_unique",
                violation_error_message="该企业已挂在这个环节",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="enterprise_node_confidence_range",
                violation_error_message="置信度应在 0 到 1 之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.node_id}"


class Cluster(Versioned, BaseModel):
    """A county's characteristic industry agglomeration 产业集群 and the chain segments it covers."""

    name = models.CharField("集群名称", max_length=60)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="clusters", verbose_name="所属区县"
    )
    extra_regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name="其他覆盖区县"
    )
    chains = models.ManyToManyField(Chain, related_name="clusters", verbose_name="覆盖产业链")
    nodes = models.ManyToManyField(
        ChainNode,
        blank=True,
        related_name="clusters",
        verbose_name="覆盖环节（空 = 所覆盖产业链的全部环节）",
    )
    description = models.TextField("简介", blank=True)
    history = HistoricalRecords(verbose_name="集群变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "产业集群"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="cluster_name_unique_in_region",
                violation_error_message="该区县已有同名集群",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClusterTarget(Versioned, BaseModel):
    """A yearly target of a cluster: revenue 万元 and/or growth rate."""

    cluster = models.ForeignKey(
        Cluster, models.CASCADE, related_name="targets", verbose_name="集群"
    )
    year = models.PositiveSmallIntegerField("年份")
    revenue_target_wan_yuan = models.DecimalField(
        "营业收入目标(万元)", max_digits=16, decimal_places=2, null=True, blank=True
    )
    growth_target = models.DecimalField(
        "增速目标", max_digits=6, decimal_places=4, null=True, blank=True, help_text="0.15 = 15%"
    )
    note = models.CharField("出处/说明", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="集群目标变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "集群年度目标"
        ordering = ["cluster_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year"],
                name="cluster_target_unique_year",
                violation_error_message="该集群该年份已有目标",
            ),
            models.CheckConstraint(
                condition=Q(revenue_target_wan_yuan__isnull=False) | Q(growth_target__isnull=False),
                name="cluster_target_has_value",
                violation_error_message="营业收入目标和增速目标至少填一项",
            ),
            models.CheckConstraint(
                condition=Q(revenue_target_wan_yuan__gte=0)
                | Q(revenue_target_wan_yuan__isnull=True),
                name="cluster_target_revenue_non_negative",
                violation_error_message="营业收入目标不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.year}"
