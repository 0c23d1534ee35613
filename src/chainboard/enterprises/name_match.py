"""Name-only lists: find the registry firm of each row by 统一社会信用代码 or by 企业名称.

The Django side of :mod:`chainboard.imports.names`: the index holds only the firms the user
sees (``accounts.scope.enterprise_q``; every firm for the server operator, ``actor=None``), the
region names stripped from names are those of the user's region, above and below it, and the
remembered names (:class:`~chainboard.enterprises.models.EnterpriseNameAlias`) of those firms
match first. A row is matched by its code when it has one; a row with only a name is matched by
name, and only a confirmed match is imported — the others are kept on the batch
(``name_matches``) for the preview to list and to choose from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from chainboard.accounts.models import User
from chainboard.accounts.scope import enterprise_q, home_region, require_registry_writer
from chainboard.core.errors import OutOfScope
from chainboard.enterprises.models import Enterprise, EnterpriseNameAlias
from chainboard.geo.models import Region
from chainboard.imports.names import Firm, MatchStatus, NameIndex, exact_key
from chainboard.imports.runner import ErrorSink, ParsedRow

HOW_LABELS = {"alias": "已记住", "exact": "名称一致", "core": "去掉地名后一致", "fuzzy": "名称相似"}


def _firms_in_scope(actor: User | None) -> Any:
    qs = Enterprise.objects.all()
    return qs if actor is None else qs.filter(enterprise_q(actor))


def name_index(actor: User | None) -> NameIndex[int]:
    """The firms ``actor`` sees, with their region names as places, and their remembered names."""
    names = dict(Region.objects.values_list("code", "name"))
    paths: dict[str, frozenset[str]] = {}
    firms: list[Firm[int]] = []
    for pk, name, path in _firms_in_scope(actor).values_list("pk", "name", "region__path"):
        places = paths.get(path)
        if places is None:
            places = paths[path] = frozenset(names[c] for c in path.split("/") if c in names)
        firms.append(Firm(pk, name, places))
    region = home_region(actor) if actor is not None else None
    if region is None:
        regions = list(names.values())
    else:
        regions = [names[c] for c in region.lineage_codes() if c in names] + list(
            Region.objects.filter(path__startswith=region.path).values_list("name", flat=True)
        )
    aliases: dict[str, set[int]] = defaultdict(set)
    seen = {f.key for f in firms}
    for key, firm in EnterpriseNameAlias.objects.values_list("key", "enterprise_id"):
        if firm in seen:
            aliases[key].add(firm)
    unique = {key: next(iter(ids)) for key, ids in aliases.items() if len(ids) == 1}
    return NameIndex(firms, regions=regions, aliases=unique)


@dataclass
class FirmRefs:
    """Row number → firm pk for the rows whose firm is known (by code or confirmed name), and
    the name matching of the name-only rows (JSON for ``ImportBatch.name_matches``)."""

    firms: dict[int, int] = field(default_factory=dict)
    name_matches: list[dict[str, Any]] = field(default_factory=list)


def firms_resolve(
    rows: Sequence[ParsedRow],
    *,
    actor: User | None,
    errors: ErrorSink,
    uscc_title: str,
    name_title: str,
) -> FirmRefs:
    """Find each row's firm: by ``uscc`` (unknown or out of scope: an error of the row), else by
    ``name`` (+ ``place``) within the user's scope. A row with neither is an error."""
    refs = FirmRefs()
    codes = sorted({r.values["uscc"] for r in rows if r.values.get("uscc")})
    by_code: dict[str, int] = {}
    allowed: set[int] = set()
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        by_code.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
        allowed.update(_firms_in_scope(actor).filter(uscc__in=chunk).values_list("pk", flat=True))
    by_name: list[ParsedRow] = []
    for row in rows:
        v, n = row.values, row.number
        if v.get("uscc"):
            pk = by_code.get(v["uscc"])
            if pk is None:
                errors.add(n, uscc_title, v["uscc"], "企业不在企业名录中（请先导入企业名录）")
            elif pk not in allowed:
                errors.add(n, uscc_title, v["uscc"], "该企业不在您的管辖范围")
            else:
                refs.firms[n] = pk
        elif v.get("name"):
            by_name.append(row)
        elif n not in errors.rows_with_errors:
            errors.add(n, name_title, None, f"{name_title}与{uscc_title}至少填写一项")
    if not by_name:
        return refs
    index = name_index(actor)
    for row in by_name:
        name, place = row.values["name"], row.values.get("place") or ""
        match = index.match(name, place=place)
        entry: dict[str, Any] = {
            "row": row.number,
            "name": name,
            "place": place,
            "status": match.status.value,
            "candidates": [
                {
                    "id": c.firm,
                    "name": c.name,
                    "score": c.score,
                    "how": c.how,
                    "label": HOW_LABELS[c.how],
                }
                for c in match.candidates
            ],
        }
        if match.status is MatchStatus.CONFIRMED:
            best = match.candidates[0]
            entry.update(firm=best.firm, firm_name=best.name, label=HOW_LABELS[best.how])
            refs.firms[row.number] = best.firm
        refs.name_matches.append(entry)
    return refs


@transaction.atomic
def name_aliases_save(*, actor: User | None, pairs: Sequence[tuple[str, int]]) -> int:
    """Remember each (name as written in a list, firm pk) a user confirmed; the firm must be one
    the user sees. Kept under the user's region (the firm's for the server operator and for
    users without one); a name already remembered there is pointed at the new firm."""
    if actor is not None:
        require_registry_writer(actor)
    ids = {pk for _, pk in pairs}
    firms = {f.pk: f for f in _firms_in_scope(actor).filter(pk__in=ids)}
    if len(firms) < len(ids):
        raise OutOfScope("所选企业不在您的管辖范围")
    region = home_region(actor) if actor is not None else None
    for name, pk in pairs:
        firm = firms[pk]
        EnterpriseNameAlias.objects.update_or_create(
            region=region or firm.region,
            key=exact_key(name),
            defaults={"name": name[:200], "enterprise": firm, "created_by": actor},
        )
    return len(pairs)
