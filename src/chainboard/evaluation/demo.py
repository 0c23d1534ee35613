"""Demo step: tier inputs, design centres, tier targets and the published 2024/2025 evaluations.

Everything is synthetic (示例数据) and deterministic; the step does nothing when the demo's
evaluation runs already exist.
"""

from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from simple_history.utils import bulk_create_with_history

from chainboard.accounts.models import Role, User
from chainboard.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    EnterpriseYear,
    Qualification,
)
from chainboard.evaluation import services
from chainboard.evaluation.models import (
    ClassPolicy,
    EvaluationResult,
    ParkDesignCentre,
    TierProfile,
    TierTarget,
)
from chainboard.geo.models import Park, Region
from chainboard_analytics.evaluation import load_method

REASON = "示例数据"
CITY = "130500"
YEARS = (2024, 2025)
# City targets as in the seeds ("+30 高企, +2 小巨人, +15 省级专精特新"), spread over counties.
CITY_TARGETS = [("high_tech", "", 30), ("little_giant", "national", 2), ("srdi", "provincial", 15)]


def _dec(x: float | None, places: int = 2) -> Decimal | None:
    return None if x is None else Decimal(str(round(float(x), places)))


def _profiles(admin: User | None) -> int:
    firms = list(
        Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, region__path__contains=f"{CITY}/")
        .order_by("uscc")
        .values_list("id", "uscc", "founded_on")
    )
    ids = [f[0] for f in firms]
    figures = {
        (e, y): (rev, rd, emp)
        for e, y, rev, rd, emp in EnterpriseYear.objects.filter(
            enterprise_id__in=ids, year__in=YEARS
        ).values_list("enterprise_id", "year", "revenue_wan_yuan", "rd_spend_wan_yuan", "employees")
    }
    titles: dict[int, set[str]] = {}
    for e, kind in Qualification.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "kind"
    ):
        titles.setdefault(e, set()).add(kind)
    rows = []
    for firm_id, uscc, founded in firms:
        rng = np.random.default_rng(zlib.crc32(uscc.encode()))
        held = titles.get(firm_id, set())
        main_share = rng.uniform(0.62, 0.98)
        debt = rng.uniform(28, 82)
        strategic = bool(rng.random() < 0.4)
        sci_share = rng.uniform(0.02, 0.12)
        niche_share = (
            rng.uniform(8, 25) if held & {"little_giant", "single_champion"} else rng.uniform(0, 9)
        )
        rank = (
            int(rng.integers(1, 4))
            if "single_champion" in held
            else int(rng.integers(3, 40))
            if "little_giant" in held
            else None
        )
        ip1 = int(rng.poisson(2.5 if held & {"high_tech", "srdi", "little_giant"} else 0.3))
        ip2 = int(rng.poisson(6 if held & {"high_tech", "tech_sme"} else 1))
        equity = float(rng.uniform(200, 9000)) if rng.random() < 0.08 else 0.0
        # the route and 精细化 inputs of the tier rules: a second stream, so the figures above
        # stay as they were
        r2 = np.random.default_rng(zlib.crc32(uscc.encode()) + 1)
        routes = {
            "ip_class1_high_value": int(r2.binomial(ip1, 0.2)),
            "ip_class1_own": int(r2.binomial(ip1, 0.7)),
            "equity_raised_3y_wan_yuan": _dec(equity * r2.uniform(1.0, 1.3)),
            "rd_institution_provincial": "tech_center" in held,
            "award_national_5y": bool(r2.random() < 0.01),
            "standard_led_5y": bool(r2.random() < 0.04),
            "award_3y": bool(r2.random() < 0.03),
            "demo_title_valid": bool(r2.random() < 0.02),
            "award_srdi_3y": bool(r2.random() < 0.02),
            "maker_china_500_3y": bool(r2.random() < 0.01),
            "info_system": bool(r2.random() < 0.7),
            "quality_certification": bool(r2.random() < 0.6),
            "own_brand": bool(r2.random() < 0.5),
            "energy_advanced": "single_champion" in held or bool(r2.random() < 0.3),
            "no_violation_3y": bool(r2.random() < 0.95),
        }
        for year in YEARS:
            rev, rd, emp = figures.get((firm_id, year), (None, None, None))
            if rev is None:
                continue
            rev_f = float(rev)
            rd_int = float(rd or 0) / rev_f if rev_f else 0.0
            techy = rd_int * 4 + (0.1 if held & {"high_tech", "tech_sme"} else 0)
            sci = None if emp is None else round(float(emp) * min(0.6, float(sci_share) + techy))
            ht_share = (
                rng.uniform(0.6, 0.92)
                if "high_tech" in held
                else rng.uniform(0.2, 0.7)
                if rd_int > 0.02
                else rng.uniform(0, 0.2)
            )
            age = year - founded.year if founded else 5
            rows.append(
                TierProfile(
                    enterprise_id=firm_id,
                    year=year,
                    sci_tech_staff=sci,
                    rd_staff=None if sci is None else int(sci * 0.6),
                    total_assets_wan_yuan=_dec(rev_f * rng.uniform(0.7, 1.6)),
                    debt_ratio_pct=_dec(debt + rng.normal(0, 2), 1),
                    high_tech_revenue_wan_yuan=_dec(rev_f * ht_share),
                    main_business_revenue_wan_yuan=_dec(
                        rev_f * main_share * rng.uniform(0.97, 1.0)
                    ),
                    ip_class1=ip1,
                    ip_class2=ip2,
                    niche_years=max(0, min(age, int(age * rng.uniform(0.5, 1.0)))),
                    niche_market_share_pct=_dec(niche_share, 2),
                    main_product_share_pct=_dec(rng.uniform(40, 95), 1),
                    global_rank=rank,
                    equity_raised_wan_yuan=_dec(equity),
                    has_rd_institution="tech_center" in held
                    or bool(rd_int > 0.04 and rng.random() < 0.5),
                    strategic_emerging=strategic,
                    srdi_score=_dec(
                        float(np.clip(38 + rd_int * 550 + rng.normal(0, 8), 20, 96)), 1
                    ),
                    total_cost_wan_yuan=_dec(rev_f * r2.uniform(0.8, 0.97)),
                    total_income_wan_yuan=_dec(rev_f * r2.uniform(1.0, 1.05)),
                    rd_domestic_3y_wan_yuan=_dec(float(rd or 0) * 3 * r2.uniform(0.85, 1.0)),
                    innovation_score=_dec(
                        r2.uniform(72, 92) if "high_tech" in held else r2.uniform(45, 85), 1
                    ),
                    **routes,
                )
            )
    bulk_create_with_history(
        rows, TierProfile, batch_size=1000, default_user=admin, default_change_reason=REASON
    )
    return len(rows)


def _design_centres(admin: User | None) -> int:
    parks = list(Park.objects.filter(region__path__contains=f"{CITY}/").order_by("id"))
    rows = [
        ParkDesignCentre(park=p, name=f"{p.name}工业设计中心")
        for i, p in enumerate(parks)
        if i % 5 in (0, 2) and not hasattr(p, "design_centre")
    ]
    bulk_create_with_history(
        rows, ParkDesignCentre, default_user=admin, default_change_reason=REASON
    )
    return len(rows)


def _targets(admin: User | None) -> None:
    city = Region.objects.get(pk=CITY)
    counties = list(
        Region.objects.filter(path__startswith=city.path, level="county", enterprises__isnull=False)
        .distinct()
        .order_by("code")
    )
    rows = [
        TierTarget(
            region=city, year=2025, kind=k, level=lvl, target=n, source="市2025年工作要点（示例）"
        )
        for k, lvl, n in CITY_TARGETS
    ]
    for i, county in enumerate(counties):
        rows.append(
            TierTarget(
                region=county,
                year=2025,
                kind="high_tech",
                target=2 + i % 4,
                source="县区分解目标（示例）",
            )
        )
        rows.append(
            TierTarget(
                region=county,
                year=2025,
                kind="srdi",
                level="provincial",
                target=1 + i % 2,
                source="县区分解目标（示例）",
            )
        )
    bulk_create_with_history(rows, TierTarget, default_user=admin, default_change_reason=REASON)


#: The demo's 差别化政策 for 2024/2025 (both methods). No public text gives surcharge amounts
#: [GAP, docs/evaluation.md]; these are example numbers, and the 62号 land-tax relief expired on
#: 2021-12-31, so no relief is set.
DEMO_POLICY_SOURCE = "示例数值：未找到公开的加价标准；浙政办发〔2019〕62号城镇土地使用税减免已于2021-12-31到期，不再适用"
DEMO_POLICIES: dict[str, dict[str, Any]] = {
    "A": {"energy_quota": "priority", "discharge_quota": "priority", "credit": "whitelist"},
    "B": {"energy_quota": "normal", "discharge_quota": "normal", "credit": "normal"},
    "C": {
        "electricity_surcharge_yuan_per_kwh": Decimal("0.05"),
        "water_surcharge_yuan_per_m3": Decimal("0.5"),
        "energy_quota": "strict",
        "discharge_quota": "strict",
        "credit": "cautious",
    },
    "D": {
        "electricity_surcharge_yuan_per_kwh": Decimal("0.1"),
        "water_surcharge_yuan_per_m3": Decimal("1.0"),
        "energy_quota": "none",
        "discharge_quota": "none",
        "credit": "restrict",
    },
}


def _policies(admin: User | None) -> int:
    rows = [
        ClassPolicy(
            method_id=method,
            year=year,
            klass=klass,
            valid_from=date(year + 1, 7, 1),
            valid_to=date(year + 2, 6, 30),
            source=DEMO_POLICY_SOURCE,
            note="示例数据：按当年评价结果执行一年",
            **values,
        )
        for method in ("zhejiang", "anhui")
        for year in YEARS
        for klass, values in DEMO_POLICIES.items()
        if not ClassPolicy.objects.filter(method_id=method, year=year, klass=klass).exists()
    ]
    bulk_create_with_history(rows, ClassPolicy, default_user=admin, default_change_reason=REASON)
    return len(rows)


def demo_step(*, stdout: Any) -> None:
    if EvaluationResult.objects.filter(run__published=True).exists():
        return
    if (
        not Region.objects.filter(pk=CITY, enterprises__isnull=False).exists()
        and not Enterprise.objects.filter(region__path__contains=f"{CITY}/").exists()
    ):
        return
    admin = User.objects.filter(username="admin").first()
    actor = (
        User.objects.filter(username="analyst", role=Role.ANALYST).first()
        or User.objects.filter(is_superuser=True).first()
    )
    if actor is None:
        return
    n_profiles = 0 if TierProfile.objects.exists() else _profiles(admin)
    n_centres = _design_centres(admin)
    if not TierTarget.objects.filter(year=2025).exists():
        _targets(admin)
    _policies(admin)
    runs = []
    for year in YEARS:
        for name in ("zhejiang", "anhui"):
            run, _ = services.evaluation_run_create(
                actor=actor, year=year, method=load_method(name)
            )
            services.evaluation_run_publish(
                actor=actor, run=run, direct_reason="示例数据，未经公示直接发布"
            )
            runs.append(run)
    stdout.write(
        f"evaluation: 梯度指标 {n_profiles} 行，园区设计中心 {n_centres} 个，"
        f"已发布亩均评价 {len(runs)} 批（{'、'.join(f'{r.year}{r.method_id}' for r in runs)}）\n"
    )
