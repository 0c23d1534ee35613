"""Import spec for the project pool 重点项目库 (same runner, located errors, all-or-nothing).

Natural key: 项目编号. A known code updates the columns the file carries; a new code creates the
project. Every row is validated like a form (model rules, scope) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from chainboard.accounts.scope import can_place, project_q
from chainboard.enterprises.importers import parse_uscc
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Park, Region
from chainboard.imports.cells import (
    CellError,
    parse_bool,
    parse_code,
    parse_date,
    parse_decimal,
    parse_text,
    parse_year,
)
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts
from chainboard.projects import services
from chainboard.projects.models import (
    Batch,
    Project,
    ProjectKind,
    ProjectSource,
    Stage,
    YearPlan,
)


def _choice(choices: Any, title: str) -> Any:
    by_label = {str(c.label): c.value for c in choices}

    def parse(value: object) -> str | None:
        text = parse_text(value)
        if not text:
            return None
        if text in by_label:
            return by_label[text]
        if text in by_label.values():
            return text
        raise CellError(f"{title}应为：" + "、".join(by_label))

    return parse


def parse_money(value: object) -> Decimal | None:
    number = parse_decimal(value)
    if number is not None and number >= Decimal(10) ** 12:
        raise CellError("数值过大（单位应为万元）")
    return None if number is None else number.quantize(Decimal("0.01"))


def parse_coordinate(value: object) -> Decimal | None:
    number = parse_decimal(value, minimum=None)
    return None if number is None else number.quantize(Decimal("0.000001"))


def parse_codes(value: object) -> list[str]:
    text = parse_text(value)
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


TITLES = {
    "code": "项目编号",
    "name": "项目名称",
    "region_code": "行政区划代码",
    "park_name": "所在园区",
    "investor_name": "投资主体",
    "investor_uscc": "投资主体统一社会信用代码",
    "kind": "建设性质",
    "source": "项目来源",
    "total_investment_wan_yuan": "总投资(万元)",
    "stage": "阶段",
    "listed_on": "谋划入库日期",
    "planned_start_on": "计划开工日期",
    "signed_on": "签约日期",
    "started_on": "开工日期",
    "producing_on": "投产日期",
    "effective_on": "达效日期",
    "responsible_official": "包联领导",
    "responsible_department": "责任单位",
    "batch_name": "集中开工批次",
    "provincial_key": "省重点",
    "city_key": "市重点",
    "county_key": "县级重点",
    "chain_node_codes": "产业链环节代码",
    "longitude": "经度",
    "latitude": "纬度",
    "plan_year": "计划年份",
    "plan_wan_yuan": "年度计划投资(万元)",
}
FIELD_TITLES = {k: v for k, v in TITLES.items()} | {
    "region": TITLES["region_code"],
    "park": TITLES["park_name"],
    "investor": TITLES["investor_uscc"],
    "batch": TITLES["batch_name"],
}


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[Project, dict[str, Any]]] = field(default_factory=list)
    plans: list[tuple[str, int, Decimal]] = field(default_factory=list)
    plan_only: int = 0  # known projects whose only change is a year plan
    unchanged: int = 0


class ProjectImporter:
    kind = "projects"
    label = "重点项目库"
    columns = [
        Column(TITLES["code"], "code", parse_text, required=True, help="唯一编号，如 XT-2025-0001"),
        Column(TITLES["name"], "name", parse_text, required=True),
        Column(TITLES["region_code"], "region_code", parse_code, required=True, help="6位区县代码"),
        Column(TITLES["park_name"], "park_name", parse_text, help="园区名录中的名称，可空"),
        Column(
            TITLES["investor_name"], "investor_name", parse_text, required=True, help="可为外地企业"
        ),
        Column(TITLES["investor_uscc"], "investor_uscc", parse_uscc, help="本地企业填写，可空"),
        Column(TITLES["kind"], "kind", _choice(ProjectKind, "建设性质"), required=True),
        Column(TITLES["source"], "source", _choice(ProjectSource, "项目来源"), required=True),
        Column(
            TITLES["total_investment_wan_yuan"],
            "total_investment_wan_yuan",
            parse_money,
            required=True,
        ),
        Column(TITLES["stage"], "stage", _choice(Stage, "阶段"), help="谋划/签约/开工/投产/达效"),
        Column(TITLES["listed_on"], "listed_on", parse_date, help="谋划项目进入项目库的日期"),
        Column(TITLES["planned_start_on"], "planned_start_on", parse_date),
        Column(TITLES["signed_on"], "signed_on", parse_date),
        Column(TITLES["started_on"], "started_on", parse_date),
        Column(TITLES["producing_on"], "producing_on", parse_date),
        Column(TITLES["effective_on"], "effective_on", parse_date),
        Column(TITLES["responsible_official"], "responsible_official", parse_text),
        Column(TITLES["responsible_department"], "responsible_department", parse_text),
        Column(TITLES["batch_name"], "batch_name", parse_text, help="已登记的集中开工批次名称"),
        Column(TITLES["provincial_key"], "provincial_key", parse_bool, help="是/否"),
        Column(TITLES["city_key"], "city_key", parse_bool, help="是/否"),
        Column(TITLES["county_key"], "county_key", parse_bool, help="是/否"),
        Column(TITLES["chain_node_codes"], "chain_node_codes", parse_codes, help="多个用逗号分隔"),
        Column(TITLES["longitude"], "longitude", parse_coordinate),
        Column(TITLES["latitude"], "latitude", parse_coordinate),
        Column(TITLES["plan_year"], "plan_year", parse_year),
        Column(TITLES["plan_wan_yuan"], "plan_wan_yuan", parse_money),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: Any, errors: ErrorSink) -> Plan:
        regions = Region.objects.in_bulk()
        parks = {(p.region_id, p.name): p for p in Park.objects.all()}
        batches = {b.name: b for b in Batch.objects.all()}
        codes = [r.values["code"] for r in rows if r.values.get("code")]
        existing = {p.code: p for p in Project.objects.filter(code__in=codes)}
        known_plans = {
            (code, year): amount
            for code, year, amount in YearPlan.objects.filter(project__code__in=codes).values_list(
                "project__code", "year", "planned_wan_yuan"
            )
        }
        allowed = (
            set(existing)
            if actor is None
            else set(
                Project.objects.filter(project_q(actor), code__in=codes).values_list(
                    "code", flat=True
                )
            )
        )
        usccs = [r.values["investor_uscc"] for r in rows if r.values.get("investor_uscc")]
        firms = {f.uscc: f for f in Enterprise.objects.filter(uscc__in=usccs)}
        seen: dict[str, int] = {}
        plan = Plan()
        for row in rows:
            v, n = row.values, row.number
            code = v.get("code")
            if code:
                if len(code) > 32:
                    errors.add(n, TITLES["code"], code, "超过32个字符")
                if code in seen:
                    errors.add(n, TITLES["code"], code, f"与第{seen[code]}行重复")
                seen.setdefault(code, n)
            region = regions.get(v.get("region_code", ""))
            if "region_code" in v and region is None:
                errors.add(n, TITLES["region_code"], v["region_code"], "不是已知的行政区划代码")
            park = None
            if v.get("park_name") and region is not None:
                park = parks.get((region.code, v["park_name"]))
                if park is None:
                    errors.add(n, TITLES["park_name"], v["park_name"], f"{region.name}没有该园区")
            batch = None
            if v.get("batch_name"):
                batch = batches.get(v["batch_name"])
                if batch is None:
                    errors.add(n, TITLES["batch_name"], v["batch_name"], "没有该集中开工批次")
            investor = None
            if v.get("investor_uscc"):
                investor = firms.get(v["investor_uscc"])
                if investor is None:
                    errors.add(
                        n, TITLES["investor_uscc"], v["investor_uscc"], "企业名录中没有该企业"
                    )
            project = existing.get(code) if code else None
            if actor is not None:
                if project is not None and code not in allowed:
                    errors.add(n, TITLES["code"], code, "该项目不在您的管辖范围，无权修改")
                elif region is not None and not can_place(actor, region, park):
                    errors.add(
                        n, TITLES["region_code"], region.code, f"{region.name}不在您的管辖范围"
                    )
            if (v.get("plan_year") is None) != (v.get("plan_wan_yuan") is None):
                errors.add(
                    n, TITLES["plan_year"], v.get("plan_year"), "计划年份与年度计划投资须同时填写"
                )
            if n in errors.rows_with_errors or region is None or not code:
                continue
            data: dict[str, Any] = {"region": region}
            for key in (
                "name",
                "investor_name",
                "kind",
                "source",
                "total_investment_wan_yuan",
                "listed_on",
                "planned_start_on",
                "signed_on",
                "started_on",
                "producing_on",
                "effective_on",
                "responsible_official",
                "responsible_department",
                "chain_node_codes",
                "longitude",
                "latitude",
            ):
                if key in v:
                    data[key] = v[key]
            for key in ("stage", "provincial_key", "city_key", "county_key"):
                if v.get(key) is not None:
                    data[key] = v[key]
            if "park_name" in v:
                data["park"] = park
            if "batch_name" in v:
                data["batch"] = batch
            if "investor_uscc" in v:
                data["investor"] = investor
            candidate = Project(
                **({**_fields(project), **data} if project else {"code": code, **data})
            )
            try:
                candidate.full_clean(exclude=["code"] if project else None)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    title = FIELD_TITLES.get(name, "")
                    errors.add(n, title, v.get(name) if name in v else None, "；".join(messages))
                continue
            plan_changed = bool(v.get("plan_year")) and (
                known_plans.get((code, v["plan_year"])) != v["plan_wan_yuan"]
            )
            if plan_changed:
                plan.plans.append((code, v["plan_year"], v["plan_wan_yuan"]))
            if project is None:
                plan.creates.append({"code": code, **data})
                continue
            changed = {k: val for k, val in data.items() if getattr(project, k) != val}
            if changed:
                plan.updates.append((project, changed))
            elif plan_changed:
                plan.plan_only += 1
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan, *, actor: Any, batch: ImportBatch) -> WriteCounts:
        reason = batch.change_reason
        for data in plan.creates:
            services.project_create(actor=actor, data=data, reason=reason)
        for project, data in plan.updates:
            services.project_update(
                project_id=project.pk, actor=actor, data=data, expected_version=None, reason=reason
            )
        by_code = dict(
            Project.objects.filter(code__in={c for c, _, _ in plan.plans}).values_list("code", "pk")
        )
        for code, year, amount in plan.plans:
            project = Project.objects.get(pk=by_code[code])
            services.year_plan_set(
                project=project, year=year, planned_wan_yuan=amount, actor=actor, reason=reason
            )
        return WriteCounts(len(plan.creates), len(plan.updates) + plan.plan_only, plan.unchanged)


def _fields(project: Project | None) -> dict[str, Any]:
    if project is None:
        return {}
    return {
        f.name: getattr(project, f.name)
        for f in Project._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    }
