"""Supply-risk runs 供应链风险分析批次 and their stored results (read by the supply-risk page).

One :class:`SupplyRun` is one analysis of one transactions file for one home region (本地区域) and
the chains of that region. Every number below comes from ``chainboard_analytics.supply``; the
tables only keep what the page, the API and the shock simulation need, per run. A run is never
changed after it is stored: the same inputs and parameters give back the existing run, changed
inputs give a new run, and making a run current supersedes the previous current run of its
region (both stay). Money in 万元 (Decimal), shares and HHI as floats in [0, 1].
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.chains.models import Chain, ChainNode
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Region


def _money(title: str, *, null: bool = False) -> models.DecimalField:
    return models.DecimalField(
        title, max_digits=18, decimal_places=4, null=null, blank=null, help_text="万元"
    )


def _share(title: str, *, null: bool = False) -> models.FloatField:
    return models.FloatField(title, null=null, blank=null, help_text="0-1")


class RunStatus(models.TextChoices):
    DRAFT = "draft", "未发布"
    CURRENT = "current", "当前结果"
    SUPERSEDED = "superseded", "已被替代"


class SupplyRun(BaseModel):
    """One supply-network analysis: source, inputs hash, parameters, counts, status."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="本地区域")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    source = models.CharField("数据来源", max_length=300)
    inputs_hash = models.CharField("输入数据与参数SHA-256", max_length=64)
    backend = models.CharField("计算后端", max_length=16, default="duckdb")
    parameters = models.JSONField("参数", default=dict)
    status = models.CharField(
        "状态", max_length=16, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="被替代为"
    )
    n_lines = models.BigIntegerField("交易记录行数", default=0)
    n_pairs = models.PositiveIntegerField("企业间交易对", default=0)
    n_firms = models.PositiveIntegerField("网络企业数", default=0)
    n_buyers = models.PositiveIntegerField("本地采购企业数", default=0)
    n_chains = models.PositiveIntegerField("产业链数", default=0)
    n_nodes = models.PositiveIntegerField("有采购的环节数", default=0)
    n_risky_nodes = models.PositiveIntegerField("风险环节数", default=0)
    n_single_source_buyers = models.PositiveIntegerField("单一来源企业数", default=0)
    n_risky_dependences = models.PositiveIntegerField("风险依赖数", default=0)
    n_backups = models.PositiveIntegerField("备份货源建议数", default=0)
    purchases_wan_yuan = _money("本地企业采购额(万元)")
    seconds = models.FloatField("用时(秒)", default=0)
    history = HistoricalRecords(verbose_name="供应链风险分析批次变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "供应链风险分析批次"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "inputs_hash"],
                name="supply_run_unique_inputs",
                violation_error_message="相同区域、相同数据和参数的分析已存在",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(status="current"),
                name="supply_run_one_current_per_region",
                violation_error_message="每个区域只能有一个当前结果",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "current", "superseded"]),
                name="supply_run_status_valid",
                violation_error_message="状态无效",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} 供应链风险分析 #{self.pk}"

    @property
    def threshold(self) -> float:
        return float(self.parameters.get("single_source_threshold", 0.5))


class SupplyFirm(models.Model):
    """A firm of the run's network or chain links, as the analytics saw it (snapshot)."""

    run = models.ForeignKey(SupplyRun, models.CASCADE, related_name="firms", verbose_name="批次")
    uscc = models.CharField("统一社会信用代码", max_length=64)
    enterprise = models.ForeignKey(
        Enterprise,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记企业",
    )
    name = models.CharField("名称", max_length=200, blank=True)
    region_code = models.CharField("所在地区代码", max_length=12, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所在地区"
    )
    is_local = models.BooleanField("本地企业", default=False)
    revenue_wan_yuan = _money("营业收入(万元)", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "分析企业"
        ordering = ["run_id", "uscc"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "uscc"],
                name="supply_firm_unique",
                violation_error_message="同一批次中企业重复",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.uscc


class SupplyFirmNode(models.Model):
    """A firm → chain node link used by the run, with its analytics weight."""

    run = models.ForeignKey(SupplyRun, models.CASCADE, related_name="+", verbose_name="批次")
    firm = models.ForeignKey(SupplyFirm, models.CASCADE, related_name="nodes", verbose_name="企业")
    node = models.ForeignKey(ChainNode, models.CASCADE, related_name="+", verbose_name="环节")
    weight = models.FloatField("权重", help_text="企业在该链各环节的权重之和为 1")

    class Meta:
        verbose_name = verbose_name_plural = "分析挂链"
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "node"],
                name="supply_firm_node_unique",
                violation_error_message="企业挂链重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} → {self.node_id}"


class _Profile(models.Model):
    """Supplier profile of a group of buyers (a chain or a node): calc_node_dependence."""

    purchases_wan_yuan = _money("采购额(万元)")
    local_purchases_wan_yuan = _money("本地采购额(万元)")
    local_share = _share("本地配套率")
    outside_province_share = _share("省外采购占比")
    top_supplier = models.ForeignKey(
        SupplyFirm, models.CASCADE, related_name="+", verbose_name="第一大供应商"
    )
    top_supplier_share = _share("第一大供应商占比")
    hhi = _share("供应集中度HHI")
    single_source = models.BooleanField("单一来源")
    n_suppliers = models.PositiveIntegerField("供应商数")
    n_buyers = models.PositiveIntegerField("采购企业数")
    n_single_source_buyers = models.PositiveIntegerField("单一来源采购企业数")
    single_source_purchases_wan_yuan = _money("单一来源企业采购额(万元)")
    single_source_share = _share("单一来源企业采购占比")

    class Meta:
        abstract = True


class SupplyChainResult(_Profile):
    """A chain's profile over the home region's firms linked to it (each firm counted once)."""

    run = models.ForeignKey(
        SupplyRun, models.CASCADE, related_name="chain_results", verbose_name="批次"
    )
    chain = models.ForeignKey(Chain, models.CASCADE, related_name="+", verbose_name="产业链")

    class Meta:
        verbose_name = verbose_name_plural = "产业链供应结果"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "chain"],
                name="supply_chain_result_unique",
                violation_error_message="同一批次中产业链重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.chain_id}"


class Verdict(models.TextChoices):
    HIGH = "high", "高风险"
    WATCH = "watch", "需关注"
    OK = "ok", "正常"


class SupplyNodeResult(_Profile):
    """A chain node's profile, concentration band and risk verdict with its reasons."""

    run = models.ForeignKey(
        SupplyRun, models.CASCADE, related_name="node_results", verbose_name="批次"
    )
    node = models.ForeignKey(ChainNode, models.CASCADE, related_name="+", verbose_name="环节")
    equivalent_suppliers = models.FloatField("等效供应商数", help_text="1/HHI")
    concentration = models.CharField("集中度", max_length=16)
    verdict = models.CharField("风险判定", max_length=8, choices=Verdict.choices)
    reasons = models.JSONField("判定依据", default=list)
    reason = models.TextField("判定说明")

    class Meta:
        verbose_name = verbose_name_plural = "环节供应结果"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "node"],
                name="supply_node_result_unique",
                violation_error_message="同一批次中环节重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.node_id} {self.verdict}"


class SupplyFirmDependence(models.Model):
    """One local buyer's dependence profile (calc_firm_dependence)."""

    run = models.ForeignKey(
        SupplyRun, models.CASCADE, related_name="dependences", verbose_name="批次"
    )
    firm = models.ForeignKey(SupplyFirm, models.CASCADE, related_name="+", verbose_name="采购企业")
    purchases_wan_yuan = _money("采购额(万元)")
    local_share = _share("本地采购占比")
    outside_province_share = _share("省外采购占比")
    top_supplier = models.ForeignKey(
        SupplyFirm, models.CASCADE, related_name="+", verbose_name="第一大供应商"
    )
    top_supplier_share = _share("第一大供应商占比")
    hhi = _share("供应集中度HHI")
    single_source = models.BooleanField("单一来源")
    n_suppliers = models.PositiveIntegerField("供应商数")

    class Meta:
        verbose_name = verbose_name_plural = "企业供应依赖"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "firm"],
                name="supply_firm_dependence_unique",
                violation_error_message="同一批次中采购企业重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.firm_id}"


class SupplyRiskyDependence(models.Model):
    """A (buyer, supplier) pair that is a risky dependence (calc_risky_dependences)."""

    run = models.ForeignKey(
        SupplyRun, models.CASCADE, related_name="risky_dependences", verbose_name="批次"
    )
    buyer = models.ForeignKey(SupplyFirm, models.CASCADE, related_name="+", verbose_name="采购企业")
    supplier = models.ForeignKey(
        SupplyFirm, models.CASCADE, related_name="+", verbose_name="供应商"
    )
    amount_wan_yuan = _money("采购额(万元)")
    share = _share("占采购企业采购额")
    single_source = models.BooleanField("单一来源")
    outside_province = models.BooleanField("省外依赖")

    class Meta:
        verbose_name = verbose_name_plural = "风险依赖"
        ordering = ["buyer_id", "-share"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "buyer", "supplier"],
                name="supply_risky_dependence_unique",
                violation_error_message="同一批次中风险依赖重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} ← {self.supplier_id} {self.share:.0%}"


class BackupMatch(models.TextChoices):
    SAME_NODE = "same_node", "同环节"
    SAME_CATEGORY = "same_category", "同品类"


class CapacitySource(models.TextChoices):
    CAPACITY = "capacity", "产能"
    REVENUE = "revenue", "营业收入"
    OBSERVED_SALES = "observed_sales", "已观测销售额"


class SupplyBackup(models.Model):
    """A ranked backup supplier 备份货源 for a risky dependence (find_backup_suppliers)."""

    run = models.ForeignKey(SupplyRun, models.CASCADE, related_name="backups", verbose_name="批次")
    dependence = models.ForeignKey(
        SupplyRiskyDependence, models.CASCADE, related_name="backups", verbose_name="风险依赖"
    )
    rank = models.PositiveSmallIntegerField("排序")
    backup = models.ForeignKey(
        SupplyFirm, models.CASCADE, related_name="+", verbose_name="备份供应商"
    )
    match = models.CharField("匹配方式", max_length=16, choices=BackupMatch.choices)
    match_detail = models.CharField("匹配依据", max_length=200)
    match_node = models.ForeignKey(
        ChainNode, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="同环节"
    )
    tier = models.PositiveSmallIntegerField("层级", help_text="1 本地, 2 省内, 3 国内其他省")
    capacity_wan_yuan = _money("产能/规模(万元)")
    capacity_source = models.CharField("规模依据", max_length=16, choices=CapacitySource.choices)
    observed_sales_wan_yuan = _money("已观测销售额(万元)")
    n_buyers_served = models.PositiveIntegerField("已供货企业数")
    already_supplies_buyer = models.BooleanField("已在向该企业供货")
    reason = models.CharField("理由", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "备份货源"
        ordering = ["dependence_id", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["dependence", "rank"],
                name="supply_backup_unique_rank",
                violation_error_message="同一风险依赖的备份排序重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dependence_id} #{self.rank} {self.backup_id}"


class SupplyPair(models.Model):
    """The firm-to-firm network: net purchases of a buyer from a seller (calc_firm_network)."""

    run = models.ForeignKey(SupplyRun, models.CASCADE, related_name="pairs", verbose_name="批次")
    seller = models.ForeignKey(SupplyFirm, models.CASCADE, related_name="+", verbose_name="销售方")
    buyer = models.ForeignKey(SupplyFirm, models.CASCADE, related_name="+", verbose_name="采购方")
    amount_wan_yuan = _money("净采购额(万元)")
    n_lines = models.PositiveIntegerField("交易记录行数")

    class Meta:
        verbose_name = verbose_name_plural = "企业间交易对"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "seller", "buyer"],
                name="supply_pair_unique",
                violation_error_message="同一批次中交易对重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} → {self.buyer_id}"
