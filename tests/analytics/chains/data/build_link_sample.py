"""Rebuild ``link_sample.csv``: a labelled sample of firm-segment pairs from the demo city.

    .venv/bin/python tests/analytics/chains/data/build_link_sample.py

Pairs: for a seeded sample of demo firms (邢台市, seed 2025), every node of every shipped chain
with *any* evidence (a code, a related code or one keyword, i.e. the candidates the matcher
scores, down to 0) plus one node of the chain without evidence. Labels: the author's judgement
of whether the firm really works in that segment, written down per industry class and
business-scope phrase in :func:`truth` below (the matcher's score is not consulted) and checked by
reading the listing. The judgement is deliberately stricter than "the code fits": a rebar mill is
not a cable-armour supplier, a generic logistics or design firm is not part of a chain until
someone says so, a firm that only *sells* a product is not its maker.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "src"))

from chainboard.demo.generator import demo_generate  # noqa: E402
from chainboard_analytics.chains.matching import (  # noqa: E402
    FirmText,
    Matcher,
    MatchWeights,
    NodeRule,
)
from chainboard_analytics.chains.template import parse_template  # noqa: E402

OUT = Path(__file__).with_name("link_sample.csv")
MARKETS = ("parts_market", "raw_material_market", "ecommerce")


def has(scope: str, *phrases: str) -> bool:
    return any(p in scope for p in phrases)


def truth(chain: str, node: str, code: str, name: str, scope: str) -> bool:
    """Does a firm of class ``code`` with this scope work in ``node`` of ``chain``?"""
    if chain == "wire_cable":
        return {
            "铜杆铜线": code == "3251",
            "绝缘与护套材料": code == "3834",
            "电线电缆": code == "3831",
            "电力电缆": code == "3831" and has(scope, "电力电缆"),
            "控制与电气装备电缆": code == "3831" and has(scope, "控制电缆"),
            "特种电缆": code == "3831" and has(scope, "特种电缆"),
            "光纤": code == "3832",
            "光缆": code == "3833",
            "电网与输配电": code == "3821",
            "新能源发电": code == "3825",
        }.get(node, False)
    if chain == "glass":
        deep = code == "3051"
        return {
            "浮法玻璃原片": code == "3041",
            "超白与光伏玻璃": code == "3042",
            "其他玻璃": code == "3049",
            "玻璃纤维及制品": code == "3061",
            "玻璃深加工": deep,
            # the firm name states the product too: 沙河市XX钢化玻璃有限公司 makes tempered glass
            "钢化玻璃": deep and has(scope + name, "钢化玻璃"),
            "中空玻璃": deep and has(scope, "中空玻璃"),
            "夹层玻璃": deep and has(scope, "夹层玻璃"),
            "镀膜与节能玻璃": deep and has(scope + name, "镀膜玻璃"),
            "制镜": code == "3057",
            "门窗幕墙": code == "3312" or (deep and has(scope, "门窗制造")),
            "光伏组件与电站": code == "3825",
            "汽车整车": code == "3612",
        }.get(node, False)
    if chain == "cashmere":
        return {
            "羊绒分梳": code == "1721" and has(scope, "羊绒分梳", "无毛绒"),
            "毛条与纱线": code == "1721" and has(scope, "毛纱线", "纱线", "纺纱"),
            "毛纺面料": code == "1722",
            "染整": code == "1723",
            "羊绒衫与针织品": code == "1763",
            "针织服装": code == "1829",
            "原绒交易市场": code == "5131"
            and (has(scope, "羊绒、羊毛收购") or ("羊绒" in name and "原料" in scope)),
        }.get(node, False)
    if chain == "bicycle":
        return {
            "自行车整车": code == "3761" and has(scope, "自行车制造"),
            "自行车零部件": code == "3761" and has(scope, "自行车零部件"),
            "童车与婴儿车": code == "2456",
            "电动自行车": code == "3770",
            "轮胎内外胎": code == "2911",
        }.get(node, False)
    if chain == "bearing":
        return {
            "滚动轴承": code == "3451",
            "精密与特种轴承": code == "3451" and "精密轴承" in name,
            "滑动轴承": code == "3452",
            "齿轮与传动部件": code == "3459",
            "热处理与表面处理": code == "3360",
            "农业机械": code == "3572",
            "工程与起重机械": code == "3432",
        }.get(node, False)
    if chain == "food":
        return {
            "面粉加工": code == "1312",
            "淀粉及制品": code == "1391",
            "方便面": code == "1433",
            "速冻与方便食品": code == "1439",
            "肉制品": code == "1353",
            "果蔬坚果加工": code == "1373",
            "饮料": code == "1524",
            "宠物食品": code == "1321",
            "食品批发": code == "5192",
            "电子商务": code == "5292" and has(scope, "宠物食品及用品零售"),
        }.get(node, False)
    if chain == "hardware_fitness_furniture":
        return {
            "五金机械": code in ("3484", "3311", "3482"),
            "机械零部件": code == "3484",
            "钢结构件": code == "3311",
            "铸锻件": code == "3391" and has(scope, "铸件"),
            "五金市场": code == "5174",
        }.get(node, False)
    if chain == "nev":
        parts = code == "3670"
        return {
            "汽车零部件": parts,
            "密封与橡胶件": parts and has(scope, "密封件", "橡胶制品"),
            "滤清器与热管理": parts and has(scope, "滤清器"),
            "动力电池": code == "3841",
            "电芯": code == "3841",
            "储能": code == "3841" and has(scope, "储能"),
            "新能源整车": code == "3612",
            "销售与后市场": code == "5172",
        }.get(node, False)
    return False


def main() -> None:
    specs = [
        parse_template(p.read_text(encoding="utf-8"), file=p.name)
        for p in sorted((ROOT / "src/chainboard/chains/templates_data").glob("*.yaml"))
    ]
    rules = [
        NodeRule(
            key=(s.code, n.name),
            chain=s.code,
            name=n.name,
            stage=n.stage,
            codes=n.codes,
            related_codes=n.related_codes,
            keywords=n.keywords,
            exclude=n.exclude,
            chain_keywords=s.keywords,
            parent=(s.code, n.parent) if n.parent else None,
            trade_is_core=n.service_kind in MARKETS,
        )
        for s in specs
        for n in s.nodes
    ]
    anything = Matcher(rules, weights=MatchWeights(threshold=0.0))
    rng = random.Random(20251123)
    firms = list(demo_generate().firms)
    rng.shuffle(firms)
    per_chain: dict[str, int] = {}
    rows = []
    for f in firms:
        candidates = {
            p.node
            for p in anything.match(FirmText(f.uscc, f.industry_code, f.name, f.business_scope))
        }
        # the matcher drops ancestors of proposed nodes; for the sample, label them too
        for key in list(candidates):
            parent = anything.nodes[key].parent
            if parent is not None:
                candidates.add(parent)
        for chain in sorted({c for c, _ in candidates}):
            if per_chain.get(chain, 0) >= 150:
                continue
            nodes = sorted(n for c, n in candidates if c == chain)
            others = [
                n.name for s in specs if s.code == chain for n in s.nodes if n.name not in nodes
            ]
            nodes.append(rng.choice(others))
            for node in nodes:
                label = truth(chain, node, f.industry_code, f.name, f.business_scope)
                rows.append(
                    [f.uscc, f.name, f.industry_code, f.business_scope, chain, node, int(label)]
                )
                per_chain[chain] = per_chain.get(chain, 0) + 1
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["uscc", "name", "industry_code", "business_scope", "chain", "node", "label"])
        w.writerows(rows)
    print(f"{len(rows)} pairs, {sum(r[-1] for r in rows)} positive → {OUT}", per_chain)


if __name__ == "__main__":
    main()
