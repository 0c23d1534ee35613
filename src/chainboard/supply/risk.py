"""Risk verdict of a chain node (环节风险判定) from its stored supply profile.

The numbers come from ``chainboard_analytics.supply`` (``calc_node_dependence``,
``calc_node_concentration``); this module only compares them with thresholds and says why.
The thresholds are chainboard's policy, kept in the run's ``parameters`` (defaults below) and
shown on the page:

``high`` 高风险 when
    * the node's top supplier has more than θ of its purchases (node-level single source,
      θ = ``single_source_threshold``, default 0.5), or
    * at least ``outside_province_high`` (0.5) of its purchases come from outside the province;
``watch`` 需关注 when not high and
    * HHI > ``hhi_high`` (0.25: "highly concentrated" in the DOJ/FTC Horizontal Merger
      Guidelines 2010 §5.3, 2,500 on their 0-10,000 scale), or
    * the outside-province share is at least ``outside_province_watch`` (0.3), or
    * buyers that each depend on one supplier for more than θ of their inputs make at least
      ``single_source_share_watch`` (0.5) of the node's purchases;
``ok`` 正常 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainboard.core.formatting import format_pct

DEFAULT_RULES: dict[str, float] = {
    "outside_province_high": 0.5,
    "outside_province_watch": 0.3,
    "hhi_high": 0.25,
    "single_source_share_watch": 0.5,
}


@dataclass(frozen=True)
class NodeVerdict:
    verdict: str  # high / watch / ok
    reasons: list[dict[str, Any]]  # code, value, threshold (machine-readable)
    text: str  # the reasons in Chinese words and numbers


REASON_TEXT = {
    "top_supplier": "第一大供应商占环节采购 {value} > {threshold}",
    "outside_province_high": "省外采购占 {value} ≥ {threshold}",
    "hhi": "供应集中度 HHI {value} > {threshold}（高度集中）",
    "outside_province_watch": "省外采购占 {value} ≥ {threshold}",
    "single_source_share": "单一来源企业的采购占环节 {value} ≥ {threshold}",
    "ok": "第一大供应商 {top}，HHI {hhi}，省外采购 {outside}，均低于阈值",
}


def reason_text(reason: dict[str, Any]) -> str:
    """One reason as words and numbers (Chinese; the page translates the same template)."""
    code = reason["code"]
    if code == "ok":
        return REASON_TEXT["ok"].format(
            top=format_pct(reason["top"]),
            hhi=f"{reason['hhi']:.3f}",
            outside=format_pct(reason["outside"]),
        )
    fmt = (lambda v: f"{v:.3f}") if code == "hhi" else format_pct
    return REASON_TEXT[code].format(value=fmt(reason["value"]), threshold=fmt(reason["threshold"]))


def node_verdict(
    *,
    top_supplier_share: float,
    hhi: float,
    outside_province_share: float,
    single_source_share: float,
    single_source_threshold: float,
    rules: dict[str, float] | None = None,
) -> NodeVerdict:
    """Classify one node; see the module docstring for the rules."""
    r = DEFAULT_RULES | (rules or {})
    high: list[dict[str, Any]] = []
    watch: list[dict[str, Any]] = []
    if top_supplier_share > single_source_threshold:
        high.append(
            {
                "code": "top_supplier",
                "value": top_supplier_share,
                "threshold": single_source_threshold,
            }
        )
    if outside_province_share >= r["outside_province_high"]:
        high.append(
            {
                "code": "outside_province_high",
                "value": outside_province_share,
                "threshold": r["outside_province_high"],
            }
        )
    if hhi > r["hhi_high"]:
        watch.append({"code": "hhi", "value": hhi, "threshold": r["hhi_high"]})
    if r["outside_province_watch"] <= outside_province_share < r["outside_province_high"]:
        watch.append(
            {
                "code": "outside_province_watch",
                "value": outside_province_share,
                "threshold": r["outside_province_watch"],
            }
        )
    if single_source_share >= r["single_source_share_watch"]:
        watch.append(
            {
                "code": "single_source_share",
                "value": single_source_share,
                "threshold": r["single_source_share_watch"],
            }
        )
    if high:
        verdict, reasons = "high", high + watch
    elif watch:
        verdict, reasons = "watch", watch
    else:
        verdict = "ok"
        reasons = [
            {
                "code": "ok",
                "top": top_supplier_share,
                "hhi": hhi,
                "outside": outside_province_share,
            }
        ]
    return NodeVerdict(verdict, reasons, "；".join(reason_text(x) for x in reasons))
