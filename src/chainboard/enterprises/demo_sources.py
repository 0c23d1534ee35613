"""Demo step: several sources for the sample city's latest figures (一个指标多个来源).

For 60 firms of the newest year the registry's 实缴税金 and 用电量 are recorded as the office's
手工 values, and the firms' own 企业填报 figures beside them: most within 5 %, a dozen 10–30 % off
(listed on 指标来源冲突). 手工 ranks above 企业填报 for both, so no registry figure changes and the
other demo data (evaluation runs …) stay as they are. Idempotent: does nothing when any source
value exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chainboard.enterprises.models import EnterpriseYear, FigureValues
from chainboard.enterprises.services import figure_values_record

N_FIRMS = 60
FIELDS = ("tax_paid_wan_yuan", "electricity_10k_kwh")
REASON = "示例数据"


def demo_step(*, stdout: Any) -> None:
    if FigureValues.objects.exists():
        return
    newest = EnterpriseYear.objects.order_by("-year").values_list("year", flat=True).first()
    if newest is None:
        return
    rows = list(
        EnterpriseYear.objects.filter(
            year=newest, tax_paid_wan_yuan__gt=0, electricity_10k_kwh__gt=0
        )
        .select_related("enterprise")
        .order_by("enterprise_id")[:N_FIRMS]
    )
    conflicts = 0
    for i, row in enumerate(rows):
        own = {f: getattr(row, f) for f in FIELDS}
        figure_values_record(
            actor=None,
            enterprise=row.enterprise,
            year=newest,
            values=own,
            source="manual",
            reason=REASON,
        )
        factor = Decimal("1.02") if i % 5 else Decimal("1.1") + Decimal(i % 3) / 10
        conflicts += factor > Decimal("1.05")
        figure_values_record(
            actor=None,
            enterprise=row.enterprise,
            year=newest,
            values={f: (v * factor).quantize(Decimal("0.0001")) for f, v in own.items()},
            source="firm",
            reason=REASON,
        )
    stdout.write(f"指标来源：{len(rows)} 家企业的手工与企业填报数值，其中 {conflicts} 家超出容差\n")
