"""Template filters of the supply page: ``{% load supply %}``."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainboard.supply.models import SupplyBackup

register = template.Library()

TIER_LABELS = {
    1: gettext_lazy("本地（区域内）"),
    2: gettext_lazy("省内"),
    3: gettext_lazy("国内其他省"),
}
CAPACITY_LABELS = {
    "capacity": gettext_lazy("按产能排序"),
    "revenue": gettext_lazy("按营业收入排序"),
    "observed_sales": gettext_lazy("按已观测销售额排序"),
}


@register.filter
def backup_reason(b: SupplyBackup) -> str:
    """Why a backup source was proposed, in the current language: the match (same node or
    product category), its tier, how candidates were ranked, and whether it already supplies."""
    if b.match == "same_node":
        match = _("同环节 %(node)s") % {
            "node": b.match_node.name if b.match_node else b.match_detail
        }
    else:
        match = _("同品类 %(category)s") % {"category": b.match_detail}
    parts = [match, str(TIER_LABELS.get(b.tier, "")), str(CAPACITY_LABELS[b.capacity_source])]
    if b.already_supplies_buyer:
        parts.append(_("已在向该企业供货"))
    return _("；").join(p for p in parts if p)  # the list separator: "；" or "; "
