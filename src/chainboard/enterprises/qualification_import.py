"""Import spec for qualification lists 资质名单: 认定名单, 公示名单 and programme lists.

A row names a firm by 统一社会信用代码 or by 企业名称 (+ 所在地); name-only rows are matched
within the user's scope (:mod:`chainboard.enterprises.name_match`) and only confirmed matches
are imported. What a list leaves out of its columns it often says in its title —
``2025年第一批河北省专精特新中小企业认定名单`` gives 资质类型, 级别 and 批次 for every row, a line
``公告日期：2025年11月28日`` the 认定日期 — so the lines above the header give the defaults a cell
overrides.

Natural key: (firm, 资质类型, 级别, 认定日期). A known key updates the other columns; re-importing
the same file changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from chainboard.accounts.models import User
from chainboard.enterprises import services
from chainboard.enterprises.importers import NAME_ALIASES, USCC, USCC_ALIASES, parse_uscc
from chainboard.enterprises.models import (
    GrantKind,
    Qualification,
    QualificationKind,
    QualificationLevel,
)
from chainboard.enterprises.name_match import firms_resolve
from chainboard.imports.cells import CellError, canon, is_empty, parse_date, parse_text
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts

NAME = "企业名称"
KIND = "资质类型"
LEVEL = "级别"
GRANTED = "认定日期"

# words in a cell or a list title → kind; the first that occurs wins (小巨人 before 专精特新)
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("单项冠军", QualificationKind.SINGLE_CHAMPION),
    ("小巨人", QualificationKind.LITTLE_GIANT),
    ("专精特新", QualificationKind.SRDI),
    ("创新型中小", QualificationKind.INNOVATIVE_SME),
    ("高新技术企业", QualificationKind.HIGH_TECH),
    ("高企", QualificationKind.HIGH_TECH),
    ("科技型中小", QualificationKind.TECH_SME),
    ("绿色工厂", QualificationKind.GREEN_FACTORY),
    ("上云", QualificationKind.CLOUD),
    ("智能工厂", QualificationKind.SMART_FACTORY),
    ("数字化车间", QualificationKind.SMART_FACTORY),
    ("智能制造示范", QualificationKind.SMART_FACTORY),
    ("两化融合", QualificationKind.INTEGRATION_STANDARD),
    ("贯标", QualificationKind.INTEGRATION_STANDARD),
    ("晨星工厂", QualificationKind.MORNING_STAR),
    ("工业设计中心", QualificationKind.DESIGN_CENTER),
    ("设计对接", QualificationKind.DESIGN_DOCKED),
    ("技术中心", QualificationKind.TECH_CENTER),
)
NOT_FIRM_TITLES = ("绿色园区", "绿色工业园区", "特色产业集群", "产业集群")
LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("国家级", QualificationLevel.NATIONAL),
    ("国家", QualificationLevel.NATIONAL),
    ("工业和信息化部", QualificationLevel.NATIONAL),
    ("工信部", QualificationLevel.NATIONAL),
    ("省级", QualificationLevel.PROVINCIAL),
    ("市级", QualificationLevel.CITY),
    ("县级", QualificationLevel.COUNTY),
    ("省", QualificationLevel.PROVINCIAL),
    ("市", QualificationLevel.CITY),
    ("县", QualificationLevel.COUNTY),
)
RENEWAL_WORDS = ("复审", "重新认定", "复核", "续期")
NEW_WORDS = ("新认定", "首次认定", "新增", "新")
_YEAR = re.compile(r"(\d{4})年")
_BATCH_NO = re.compile(r"第[一二三四五六七八九十\d]+批")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_DATE_LINE = ("认定日期", "公告日期", "发布日期", "发文日期", "印发日期", "认定时间", "公布日期")


def _kind_of(text: str) -> str | None:
    key = canon(text)
    for value, label in QualificationKind.choices:
        if key in (value, canon(label)):
            return str(value)
    return next((kind for word, kind in KIND_WORDS if word in key), None)


def parse_kind(value: object) -> str | None:
    if is_empty(value):
        return None
    text = parse_text(value)
    if any(word in canon(text) for word in NOT_FIRM_TITLES):
        raise CellError("这是园区或集群的称号，不是企业资质，不能按企业资质导入")
    kind = _kind_of(text)
    if kind is None:
        raise CellError(
            "不是已知的资质类型（可填："
            + "、".join(str(label) for label in QualificationKind.labels)
            + "）"
        )
    return kind


def _level_of(text: str) -> str | None:
    key = canon(text)
    for value, label in QualificationLevel.choices:
        if key in (value, canon(label)):
            return str(value)
    return next((level for word, level in LEVEL_WORDS if word in key), None)


def parse_level(value: object) -> str | None:
    if is_empty(value):
        return None
    level = _level_of(parse_text(value))
    if level is None:
        raise CellError("应为 国家级、省级、市级 或 县级")
    return level


def parse_grant_kind(value: object) -> str | None:
    if is_empty(value):
        return None
    key = canon(parse_text(value))
    if any(word in key for word in RENEWAL_WORDS):
        return str(GrantKind.RENEWAL)
    if any(key.startswith(word) for word in NEW_WORDS):
        return str(GrantKind.NEW)
    raise CellError("应为“新认定”或“复审”（重新认定）")


def parse_batch(value: object) -> str:
    """批次 or 年份: ``2025`` → ``2025年``; text kept (``2025年第一批``)."""
    if is_empty(value):
        return ""
    text = canon(parse_text(value))
    if re.fullmatch(r"\d{4}", text):
        return f"{text}年"
    if len(text) > 64:
        raise CellError("超过64个字符")
    return text


def parse_certificate(value: object) -> str:
    text = canon(parse_text(value)) if not is_empty(value) else ""
    if len(text) > 64:
        raise CellError("超过64个字符")
    return text


def parse_source(value: object) -> str:
    text = parse_text(value) if not is_empty(value) else ""
    if len(text) > 200:
        raise CellError("超过200个字符")
    return text


def parse_optional_uscc(value: object) -> str | None:
    return None if is_empty(value) else parse_uscc(value)


def parse_name(value: object) -> str | None:
    if is_empty(value):
        return None
    text = parse_text(value)
    if len(text) > 200:
        raise CellError("超过200个字符")
    return text


@dataclass
class ListDefaults:
    """What the title lines of a list say for all its rows."""

    kind: str | None = None
    level: str | None = None
    batch: str = ""
    grant_kind: str | None = None
    granted_on: dt.date | None = None
    title: str = ""


def list_defaults(preamble: list[str]) -> ListDefaults:
    """Kind, level, batch, new/renewal and grant date read off the lines above the header."""
    found = ListDefaults()
    for line in preamble:
        key = canon(line)
        if any(word in key for word in _DATE_LINE) and found.granted_on is None:
            if m := _DATE.search(key):
                with contextlib.suppress(ValueError):
                    found.granted_on = dt.date(int(m[1]), int(m[2]), int(m[3]))
            continue
        if found.kind is None and (kind := _kind_of(key)) is not None:
            found.kind, found.title = kind, line
            found.level = _level_of(key)
            if m := _YEAR.search(key):
                number = _BATCH_NO.search(key)
                found.batch = f"{m[1]}年" + (number[0] if number else "")
            if any(word in key for word in RENEWAL_WORDS):
                found.grant_kind = str(GrantKind.RENEWAL)
    return found


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[Qualification] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    unchanged: int = 0
    name_matches: list[dict[str, Any]] = field(default_factory=list)


DATA_FIELDS = (
    "grant_kind",
    "first_granted_on",
    "certificate_no",
    "batch",
    "expires_on",
    "source",
)


class QualificationImporter:
    kind = "qualifications"
    label = "企业资质名单"
    columns = [
        Column(
            USCC, "uscc", parse_optional_uscc, help="与企业名称至少填一项", aliases=USCC_ALIASES
        ),
        Column(
            NAME,
            "name",
            parse_name,
            help="无统一社会信用代码时按名称匹配本辖区企业",
            aliases=(*NAME_ALIASES, "申报单位", "申报企业"),
        ),
        Column(
            "所在地",
            "place",
            parse_text,
            help="县（市、区）或地市，用于区分同名企业",
            aliases=("地市", "所在地区", "所在县区", "县(市、区)", "县(市区)", "地区", "所属地区"),
        ),
        Column(
            KIND,
            "kind",
            parse_kind,
            help="如 专精特新中小企业；可空，由标题读出（如“专精特新中小企业认定名单”）",
            aliases=("资质名称", "称号", "荣誉称号", "资质"),
        ),
        Column(
            LEVEL,
            "level",
            parse_level,
            help="国家级/省级/市级/县级；可空，由标题读出",
            aliases=("资质级别", "认定级别"),
        ),
        Column(
            "批次",
            "batch",
            parse_batch,
            help="如 2025年第一批，或年份",
            aliases=("批次/年份", "认定批次", "年份", "年度", "认定年度", "认定年份"),
        ),
        Column(
            GRANTED,
            "granted_on",
            parse_date,
            help="可空，由标题下的“公告日期：…”读出",
            aliases=("认定时间", "发证日期", "颁证日期"),
        ),
        Column("首次认定日期", "first_granted_on", parse_date, aliases=("首次认定时间",)),
        Column(
            "认定类型",
            "grant_kind",
            parse_grant_kind,
            help="新认定 / 复审（重新认定）；可空：新认定",
            aliases=("新认定/复审", "新认定或复审", "认定方式"),
        ),
        Column("证书编号", "certificate_no", parse_certificate, aliases=("证书号", "证书号码")),
        Column(
            "有效期至", "expires_on", parse_date, aliases=("有效期", "有效期截止日期", "到期日期")
        ),
        Column("来源/文号", "source", parse_source, aliases=("文号", "发文文号", "来源")),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> Plan:
        plan = Plan()
        defaults = list_defaults(errors.preamble)
        refs = firms_resolve(rows, actor=actor, errors=errors, uscc_title=USCC, name_title=NAME)
        plan.name_matches = refs.name_matches
        present = set().union(*(r.values.keys() for r in rows)) if rows else set()
        for title, field_name, default, hint in (
            (KIND, "kind", defaults.kind, "如“专精特新中小企业认定名单”"),
            (LEVEL, "level", defaults.level, "如“省级”或“河北省…名单”"),
            (GRANTED, "granted_on", defaults.granted_on, "如标题下一行“公告日期：2025年11月28日”"),
        ):
            if field_name not in present and default is None and rows:
                errors.add(0, title, None, f"文件中没有此列，标题中也未写明（{hint}）")
        firm_ids = sorted(set(refs.firms.values()))
        existing: dict[tuple[int, str, str, dt.date], Qualification] = {}
        for start in range(0, len(firm_ids), 5000):
            for q in Qualification.objects.filter(enterprise_id__in=firm_ids[start : start + 5000]):
                existing[(q.enterprise_id, q.kind, q.level, q.granted_on)] = q
        seen: dict[tuple[int, str, str, dt.date], int] = {}
        for row in rows:
            v, n = row.values, row.number
            kind = v.get("kind") or defaults.kind
            level = v.get("level") or defaults.level
            granted = v.get("granted_on") or defaults.granted_on
            if "kind" in v and kind is None:
                errors.add(n, KIND, None, "必填项为空（标题中也未写明）")
            if "level" in v and level is None:
                errors.add(n, LEVEL, None, "必填项为空（标题中也未写明）")
            if "granted_on" in v and granted is None:
                errors.add(n, GRANTED, None, "必填项为空（标题中也未写明）")
            grant_kind = v.get("grant_kind") or defaults.grant_kind or str(GrantKind.NEW)
            first = v.get("first_granted_on")
            if first is None and grant_kind == GrantKind.NEW:
                first = granted
            if granted is not None and first is not None and first > granted:
                errors.add(n, "首次认定日期", first.isoformat(), "首次认定日期不能晚于认定日期")
            expires = v.get("expires_on")
            if granted is not None and expires is not None and expires < granted:
                errors.add(n, "有效期至", expires.isoformat(), "有效期至不能早于认定日期")
            firm = refs.firms.get(n)
            if firm is None or kind is None or level is None or granted is None:
                continue
            if n in errors.rows_with_errors:
                continue
            key = (firm, str(kind), str(level), granted)
            if key in seen:
                errors.add(n, NAME, v.get("name") or v.get("uscc"), f"与第{seen[key]}行重复")
                continue
            seen[key] = n
            data: dict[str, Any] = {
                "grant_kind": grant_kind,
                "first_granted_on": first,
                "certificate_no": v.get("certificate_no", ""),
                "batch": v.get("batch") or defaults.batch,
                "expires_on": expires,
                "source": v.get("source", ""),
            }
            known = existing.get(key)
            if known is None:
                plan.creates.append(
                    {
                        "enterprise_id": firm,
                        "kind": kind,
                        "level": level,
                        "granted_on": granted,
                        **data,
                    }
                )
                continue
            # a column the file does not carry keeps its stored value
            changed = {
                k
                for k, value in data.items()
                if (k in v or (k == "batch" and defaults.batch)) and getattr(known, k) != value
            }
            if changed:
                for k in changed:
                    setattr(known, k, data[k])
                plan.updates.append(known)
                plan.update_fields |= changed
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        services.qualifications_bulk_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=sorted(plan.update_fields),
            actor=actor,
            reason=batch.change_reason,
        )
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)
