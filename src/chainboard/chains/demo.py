"""Demo step: the shipped chain templates for 邢台市, automatic linking, review, clusters, targets.

Loads every template for the city (130500) and, to show investment targets from neighbouring
counties, the glass chain for 沙河市 and the cable chain for 宁晋县. Runs automatic linking, then
plays the analyst: confirms proposals with confidence ≥ 0.8 (the rest wait in the review queue)
and links by hand a few local service firms and packaging suppliers the text cannot place. Then
the county clusters of the sample city with 2025 and 2026 revenue targets. Idempotent: a second
run finds the chains and returns.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from chainboard.chains import services
from chainboard.chains.models import Chain, ChainNode, Cluster, EnterpriseNode, LinkState
from chainboard.chains.selectors import cluster_node_ids
from chainboard.enterprises.models import Enterprise, EnterpriseYear
from chainboard.geo.models import Region

REASON = "示例数据"
CITY = "130500"
COUNTY_CHAINS = {"130582": "glass", "130528": "wire_cable"}
CONFIRM_AT = Decimal("0.8")
# chain → counties whose local service firms an analyst would link by hand
SERVICE_COUNTIES = {
    "glass": ["130582"],
    "wire_cable": ["130528"],
    "cashmere": ["130534"],
    "bicycle": ["130532", "130531"],
    "bearing": ["130535"],
    "food": ["130525", "130506"],
    "nev": ["130533", "130502"],
}
CHIEFS = {
    "glass": "市政府分管副市长（示例）",
    "wire_cable": "市政府分管副市长（示例）",
    "nev": "市政府常务副市长（示例）",
}
# (name, county, chain code, node names or () for the whole chain, growth target of next year)
CLUSTERS: list[tuple[str, str, str, tuple[str, ...], float]] = [
    ("沙河玻璃产业集群", "130582", "glass", (), 0.05),
    ("宁晋电线电缆产业集群", "130528", "wire_cable", (), 0.08),
    ("清河羊绒产业集群", "130534", "cashmere", (), 0.05),
    ("平乡自行车童车产业集群", "130532", "bicycle", (), 0.06),
    ("广宗自行车童车产业集群", "130531", "bicycle", (), 0.05),
    ("临西轴承产业集群", "130535", "bearing", (), 0.06),
    ("隆尧食品产业集群", "130525", "food", (), 0.05),
    ("南和宠物食品产业集群", "130506", "food", ("宠物食品", "食品批发", "电子商务"), 0.15),
    ("威县汽车及零部件产业集群", "130533", "nev", (), 0.1),
    ("清河汽车零部件产业集群", "130534", "nev", ("汽车零部件",), 0.06),
    ("南宫羊绒服装服饰产业集群", "130581", "cashmere", (), 0.05),
]


def _manual_links(chain: Chain) -> int:
    counties = SERVICE_COUNTIES.get(chain.code, [])
    if not counties:
        return 0
    n = 0
    nodes = list(chain.nodes.filter(stage="service").exclude(links__state=LinkState.CONFIRMED))
    if chain.code == "food":
        nodes += list(chain.nodes.filter(name="包装材料"))
    for node in nodes:
        codes = node.codes + node.related_codes
        firms = (
            Enterprise.objects.filter(industry_id__in=codes, region_id__in=counties)
            .exclude(chain_links__node=node)
            .order_by("-above_scale", "name")[:3]
        )
        for firm in firms:
            services.link_set(
                enterprise=firm,
                node=node,
                actor=None,
                note="示例：分析员核实后人工挂链",
                reason=REASON,
            )
            n += 1
    return n


def _leaders(chain: Chain) -> None:
    """The largest local firm of each core node with ≥ 5 firms becomes a 链主 (at most three)."""
    year = EnterpriseYear.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return
    ranked = (
        EnterpriseYear.objects.filter(
            year=year,
            enterprise__chain_links__node__chain=chain,
            enterprise__chain_links__node__stage="midstream",
            enterprise__region__path__startswith=chain.region.path,
        )
        .values("enterprise_id")
        .annotate(r=Sum("revenue_wan_yuan"))
        .order_by("-r")[:3]
    )
    chain.leader_firms.set([row["enterprise_id"] for row in ranked])


def _cluster_revenue(cluster: Cluster, year: int) -> Decimal:
    ids = _firm_ids(cluster)
    total = EnterpriseYear.objects.filter(enterprise_id__in=ids, year=year).aggregate(
        s=Sum("revenue_wan_yuan")
    )["s"]
    return total or Decimal(0)


def _firm_ids(cluster: Cluster) -> list[int]:
    nodes = cluster_node_ids(cluster) or list(
        ChainNode.objects.filter(chain__in=cluster.chains.all()).values_list("pk", flat=True)
    )
    return list(
        EnterpriseNode.objects.filter(
            node_id__in=nodes,
            state__in=(LinkState.PROPOSED, LinkState.CONFIRMED),
            enterprise__region__path__startswith=cluster.region.path,
        )
        .values_list("enterprise_id", flat=True)
        .distinct()
    )


def demo_step(*, stdout: Any) -> None:
    if Chain.objects.filter(region_id=CITY).exists():
        return
    city = Region.objects.get(pk=CITY)
    chains = []
    for code in services.template_paths():
        spec = services.template_read(code)
        chain = services.chain_load_template(spec=spec, region=city, actor=None, reason=REASON)
        chain.chief_name = CHIEFS.get(code, "")
        chain.chief_office = "邢台市人民政府" if chain.chief_name else ""
        chain.save()
        chains.append(chain)
    for county, code in COUNTY_CHAINS.items():
        region = Region.objects.get(pk=county)
        chains.append(
            services.chain_load_template(
                spec=services.template_read(code), region=region, actor=None, reason=REASON
            )
        )
    stats = services.chain_link_run(chains=chains, actor=None, reason=REASON)
    sure = list(
        EnterpriseNode.objects.filter(
            node__chain__in=chains, state=LinkState.PROPOSED, confidence__gte=CONFIRM_AT
        )
    )
    services.link_review(links=sure, state=LinkState.CONFIRMED, actor=None, reason=REASON)
    manual = sum(_manual_links(c) for c in chains if c.region_id == CITY)
    for c in chains:
        _leaders(c)
    by_code = {c.code: c for c in chains if c.region_id == CITY}
    years = sorted(set(EnterpriseYear.objects.values_list("year", flat=True)))
    last = years[-1] if years else 2025
    for name, county, code, node_names, growth in CLUSTERS:
        chain = by_code[code]
        cluster = services.cluster_save(
            name=name,
            region=Region.objects.get(pk=county),
            chains=[chain],
            nodes=list(chain.nodes.filter(name__in=node_names)),
            actor=None,
            description="示例数据：县域特色产业集群",
            reason=REASON,
        )
        before = _cluster_revenue(cluster, last - 1)
        if before:
            services.cluster_target_set(
                cluster=cluster,
                year=last,
                actor=None,
                revenue_target_wan_yuan=(before * Decimal("1.05")).quantize(Decimal("1")),
                note="示例：上年营收 +5%",
                reason=REASON,
            )
        services.cluster_target_set(
            cluster=cluster,
            year=last + 1,
            actor=None,
            growth_target=Decimal(str(growth)),
            note=f"示例：营收增长 {growth:.0%}",
            reason=REASON,
        )
    stdout.write(
        f"chains: {len(chains)} 条产业链（{len(by_code)} 个模板），挂链建议 {stats.proposals} 条，"
        f"确认 {len(sure)} 条，人工挂链 {manual} 条，产业集群 {len(CLUSTERS)} 个\n"
    )
