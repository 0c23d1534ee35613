"""ORM rows → the analytics tables the evaluation reads (the only place that does this)."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from chainboard.accounts.scope import enterprises_visible
from chainboard.enterprises.models import (
    EnterpriseStatus,
    EnterpriseYear,
    Qualification,
    QualificationKind,
)
from chainboard.evaluation.models import PROFILE_FIELDS, TierProfile
from chainboard_analytics.evaluation.mu import FIRM_SCHEMA
from chainboard_analytics.evaluation.spec import FIGURE_FIELDS


def evaluated_firms(user: Any) -> QuerySet:
    """Active firms in the user's scope (moved-out, closed and suspended firms are not rated)."""
    return enterprises_visible(user).filter(status=EnterpriseStatus.ACTIVE)


def mu_inputs(*, firms: QuerySet, year: int) -> pd.DataFrame:
    """One row per firm of ``firms`` with figures for ``year`` (columns: FIRM_SCHEMA + id)."""
    rows = (
        EnterpriseYear.objects.filter(year=year, enterprise__in=firms)
        .values(
            "enterprise_id",
            "enterprise__uscc",
            "enterprise__name",
            "enterprise__region_id",
            "enterprise__industry_id",
            "enterprise__above_scale",
            "enterprise__founded_on",
            *FIGURE_FIELDS,
        )
        .order_by("enterprise__uscc")
    )
    frame = pd.DataFrame.from_records(list(rows))
    if frame.empty:
        return pd.DataFrame(columns=["enterprise_id", *FIRM_SCHEMA])
    frame = frame.rename(
        columns={
            "enterprise__uscc": "uscc",
            "enterprise__name": "name",
            "enterprise__region_id": "region_code",
            "enterprise__industry_id": "industry_code",
            "enterprise__above_scale": "above_scale",
        }
    )
    frame["founded_year"] = [d.year if d else None for d in frame.pop("enterprise__founded_on")]
    for f in FIGURE_FIELDS:
        frame[f] = pd.to_numeric(frame[f], errors="coerce").astype("float64")
    return frame[["enterprise_id", *FIRM_SCHEMA]]


def inputs_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of the input table in a canonical form (sorted by USCC, fixed column order)."""
    cols = [c for c in FIRM_SCHEMA if c in frame.columns]
    canon = frame[cols].sort_values("uscc").to_csv(index=False, float_format="%.6f")
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def tier_inputs(*, user: Any, year: int) -> pd.DataFrame:
    """One row per active firm in scope with the tier criteria fields (TIER_FIELDS)."""
    firms = evaluated_firms(user)
    base = pd.DataFrame.from_records(
        list(
            firms.values(
                "id",
                "uscc",
                "name",
                "region_id",
                "region__name",
                "park_id",
                "founded_on",
                "industry_id",
            )
        )
    )
    if base.empty:
        return base
    base = base.rename(
        columns={
            "id": "enterprise_id",
            "region__name": "region_name",
            "industry_id": "industry_code",
        }
    )
    base["years_registered"] = [year - d.year if d else None for d in base.pop("founded_on")]
    figures = pd.DataFrame.from_records(
        list(
            EnterpriseYear.objects.filter(
                enterprise__in=firms, year__in=[year - 2, year - 1, year]
            ).values("enterprise_id", "year", "revenue_wan_yuan", "rd_spend_wan_yuan", "employees")
        )
    )
    if not figures.empty:
        for col in ("revenue_wan_yuan", "rd_spend_wan_yuan", "employees"):
            figures[col] = pd.to_numeric(figures[col], errors="coerce").astype("float64")
        wide = figures.pivot_table(
            index="enterprise_id",
            columns="year",
            values=["revenue_wan_yuan", "rd_spend_wan_yuan", "employees"],
            aggfunc="first",
        )

        def pick(field: str, y: int) -> pd.Series:
            key = (field, y)
            return wide[key] if key in wide.columns else pd.Series(dtype="float64")

        cur = pd.DataFrame(
            {
                "revenue_wan_yuan": pick("revenue_wan_yuan", year),
                "revenue_prev_wan_yuan": pick("revenue_wan_yuan", year - 1),
                "rd_spend_wan_yuan": pick("rd_spend_wan_yuan", year),
                "rd_spend_prev_wan_yuan": pick("rd_spend_wan_yuan", year - 1),
                "employees": pick("employees", year),
            }
        )
        three = [
            ("revenue_wan_yuan", "revenue_3y_wan_yuan"),
            ("rd_spend_wan_yuan", "rd_spend_3y_wan_yuan"),
        ]
        for field, name in three:
            cols = [(field, y) for y in (year - 2, year - 1, year) if (field, y) in wide.columns]
            cur[name] = wide[cols].sum(axis=1, min_count=1) if cols else None
        base = base.merge(cur, left_on="enterprise_id", right_index=True, how="left")
    profiles = pd.DataFrame.from_records(
        list(
            TierProfile.objects.filter(
                enterprise__in=firms, year__in=[year - 2, year - 1, year]
            ).values("enterprise_id", "year", *PROFILE_FIELDS)
        )
    )
    if not profiles.empty:
        for col in PROFILE_FIELDS:
            profiles[col] = pd.to_numeric(profiles[col], errors="coerce").astype("float64")
        now = profiles[profiles["year"] == year].drop(columns="year")
        prev = profiles[profiles["year"] == year - 1][
            ["enterprise_id", "main_business_revenue_wan_yuan"]
        ].rename(columns={"main_business_revenue_wan_yuan": "main_business_revenue_prev_wan_yuan"})
        prev2 = profiles[profiles["year"] == year - 2][
            ["enterprise_id", "main_business_revenue_wan_yuan"]
        ].rename(columns={"main_business_revenue_wan_yuan": "main_business_revenue_prev2_wan_yuan"})
        base = (
            base.merge(now, on="enterprise_id", how="left")
            .merge(prev, on="enterprise_id", how="left")
            .merge(prev2, on="enterprise_id", how="left")
        )
    for kind, column in (
        (QualificationKind.HIGH_TECH, "high_tech_valid"),
        (QualificationKind.SRDI, "srdi_valid"),  # 小巨人's prerequisite
    ):
        held = set(
            Qualification.objects.filter(enterprise__in=firms, kind=kind)
            .filter(_valid_in(year))
            .values_list("enterprise_id", flat=True)
        )
        base[column] = base["enterprise_id"].map(lambda i, h=held: 1.0 if i in h else 0.0)
    return base


def _valid_in(year: int) -> Any:
    from datetime import date

    from django.db.models import Q

    end = date(year, 12, 31)
    return Q(granted_on__lte=end) & (Q(expires_on__isnull=True) | Q(expires_on__gte=end))


def held_titles(*, user: Any, year: int) -> dict[int, set[str]]:
    """enterprise id → the tier kinds it holds (valid at the end of ``year``)."""
    out: dict[int, set[str]] = {}
    rows = (
        Qualification.objects.filter(enterprise__in=evaluated_firms(user))
        .filter(_valid_in(year))
        .values_list("enterprise_id", "kind")
    )
    for firm_id, kind in rows:
        out.setdefault(firm_id, set()).add(kind)
    return out
