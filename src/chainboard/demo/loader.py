"""Write the generated sample city into the database (``chainboard demo``).

Everything happens in one transaction with bulk inserts; django-simple-history rows are written
alongside (``bulk_create_with_history``) with the demo administrator as the history user and
:data:`DEMO_REASON` as the change reason. That reason is how :func:`demo_reset` later recognises
the rows the demo created; the users it created are listed in the ``demo_users`` site setting.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import ForeignObjectRel, Model, ProtectedError
from simple_history.utils import bulk_create_with_history

from chainboard.accounts.models import Role, User
from chainboard.core.errors import DomainError
from chainboard.core.models import SiteSetting, site_setting_get, site_setting_set
from chainboard.demo.generator import DemoCity, demo_generate
from chainboard.demo.profiles import CITY_CODE, COUNTIES
from chainboard.enterprises.models import (
    Enterprise,
    EnterpriseStatus,
    EnterpriseYear,
    Qualification,
    QualificationKind,
)
from chainboard.geo.models import Park, Region
from chainboard.industries.models import IndustryCode

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_REASON",
    "DemoError",
    "DemoLogin",
    "DemoSummary",
    "demo_load",
    "demo_reset",
]

DEMO_REASON = "示例数据"
DEMO_PASSWORD = "chainboard-demo"
BATCH_SIZE = 1000
NINGJIN = "130528"


class Writer(Protocol):
    """Where progress goes: a text stream or a management command's ``self.stdout``."""

    def write(self, msg: str, /) -> object: ...


class DemoError(DomainError):
    """The demo cannot be loaded or reset; the message says why and what to do."""

    code = "demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str  # "" when the account already existed and was left unchanged
    role: str
    scope: str


@dataclass
class DemoSummary:
    """What :func:`demo_load` wrote, for the command's report and for tests."""

    seed: int
    firms: int = 0
    above_scale: int = 0
    firm_years: int = 0
    parks: int = 0
    qualifications: int = 0
    by_region: list[tuple[str, str, int, int]] = field(default_factory=list)
    by_cluster: list[tuple[str, int]] = field(default_factory=list)
    by_qualification: list[tuple[str, int, int]] = field(default_factory=list)  # label, firms, rows
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The human-readable report, in Chinese."""
        out = [
            f"示例数据（邢台市，随机种子 {self.seed}）已载入，用时 {self.seconds:.1f} 秒：",
            f"  企业 {self.firms} 家，其中规上 {self.above_scale} 家；"
            f"年度指标 {self.firm_years} 条；"
            f"园区 {self.parks} 个；资质 {self.qualifications} 条",
            "  各区县企业数（规上）：",
        ]
        out += [
            f"    {code} {name:　<3} {n:>5} （{above}）" for code, name, n, above in self.by_region
        ]
        out.append("  产业集群企业数：")
        clusters = [f"{name} {n}" for name, n in self.by_cluster]
        out += ["    " + "、".join(clusters[i : i + 6]) for i in range(0, len(clusters), 6)]
        out.append("  资质：")
        out += [f"    {label} {n} 家（{rows} 条）" for label, n, rows in self.by_qualification]
        out.append("登录账号：")
        for login in self.logins:
            password = login.password or "（账号已存在，密码未更改）"
            out.append(f"  {login.username:<10} 密码 {password:<16} {login.role}（{login.scope}）")
        return out


def _say(stdout: Writer | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _demo_ids(model: type) -> list[int]:
    """Primary keys of rows the demo created (their "+" history row carries DEMO_REASON)."""
    history = model.history.filter(history_type="+", history_change_reason=DEMO_REASON)  # type: ignore[attr-defined]
    return sorted(set(history.values_list("id", flat=True)))


def _delete_rows(table: str, column: str, ids: list[int]) -> None:
    """``DELETE FROM table WHERE column IN ids`` in chunks, without per-row signals."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {qn(table)} WHERE {qn(column)} IN ({marks})", chunk)


def _referenced(model: type[Model], ids: list[int]) -> bool:
    """Whether any row of another table still points at one of ``ids`` (history tables aside)."""
    for rel in model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or not (rel.one_to_many or rel.one_to_one):
            continue
        if not getattr(rel.field, "db_constraint", True):  # simple_history's copies of FKs
            continue
        related, column = rel.related_model, rel.field.attname
        for start in range(0, len(ids), 500):
            rows = related._base_manager.filter(**{f"{column}__in": ids[start : start + 500]})  # type: ignore[union-attr]
            if rows.exists():
                return True
    return False


def _purge(model: type[Model], ids: list[int]) -> int:
    """Delete rows ``ids`` of ``model`` and their history.

    When nothing else points at them (the usual case) this is plain SQL, which keeps ``--reset``
    fast: the ORM would write one "deleted" history row per object only to purge it again. When
    other rows do point at them, the ORM delete applies the CASCADE/PROTECT rules.
    """
    try:
        if _referenced(model, ids):
            model._base_manager.filter(pk__in=ids).delete()
        else:
            _delete_rows(model._meta.db_table, str(model._meta.pk.column), ids)
    except ProtectedError as exc:
        kinds = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        raise DemoError(
            f"示例{model._meta.verbose_name}仍被其他记录引用（{'、'.join(kinds)}），无法清除；"
            "请先删除这些记录"
        ) from exc
    history = model.history.model  # type: ignore[attr-defined]
    _delete_rows(history._meta.db_table, str(model._meta.pk.column), ids)
    return len(ids)


def demo_reset(*, stdout: Writer | None = None) -> dict[str, int]:
    """Delete what an earlier demo load created: users, enterprises with their figures and titles,
    and parks.

    Rows the demo did not create are left alone; figures and titles of demo firms go with them,
    whoever added them. The history of the deleted objects is purged too, so repeated loads do
    not pile up history.
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        usernames = [u for u in site_setting_get("demo_users").split(",") if u]
        try:
            counts["users"] = User.objects.filter(username__in=usernames).delete()[0]
        except ProtectedError as exc:
            raise DemoError(f"示例账号 {'、'.join(usernames)} 仍被其他记录引用，无法清除") from exc
        enterprise_ids = _demo_ids(Enterprise)
        for model in (Qualification, EnterpriseYear):
            ids: list[int] = []
            for start in range(0, len(enterprise_ids), 500):
                rows = model.objects.filter(enterprise_id__in=enterprise_ids[start : start + 500])
                ids += rows.values_list("id", flat=True)
            counts[str(model._meta.model_name)] = _purge(model, sorted(ids))
        counts["enterprise"] = _purge(Enterprise, enterprise_ids)
        counts["park"] = _purge(Park, _demo_ids(Park))
        SiteSetting.objects.filter(key__in=["demo_data", "demo_users", "demo_seed"]).delete()
    _say(
        stdout,
        f"已清除上次载入的示例数据：企业 {counts['enterprise']} 家，园区 {counts['park']} 个。",
    )
    return counts


def _check_reference_data() -> None:
    codes = [CITY_CODE, *(c.code for c in COUNTIES)]
    found = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    if missing := [c for c in codes if c not in found]:
        raise DemoError(f"行政区划代码 {', '.join(missing)} 不存在：请先运行 chainboard migrate")
    if not IndustryCode.objects.filter(level=4).exists():
        raise DemoError("行业分类代码（GB/T 4754-2017）未载入：请先运行 chainboard migrate")


def _user(
    username: str,
    *,
    role: str,
    password_hash: str,
    created: list[str],
    superuser: bool = False,
    **scope: object,
) -> tuple[User, bool]:
    """Create a demo account unless one with that name exists (then it is left untouched)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(
        username=username,
        password=password_hash,
        role=role,
        is_staff=superuser,
        is_superuser=superuser,
        **scope,
    )
    user.full_clean()
    user.save()
    created.append(username)
    return user, True


def _write(city: DemoCity, admin: User, stdout: Writer | None) -> dict[str, Enterprise]:
    def bulk(objs: list, model: type) -> list:
        return bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH_SIZE,
            default_user=admin,
            default_change_reason=DEMO_REASON,
        )

    parks = bulk(
        [
            Park(
                name=p.name, region_id=p.region_code, kind=p.kind, planned_area_mu=p.planned_area_mu
            )
            for p in city.parks
        ],
        Park,
    )
    park_ids = {(p.region_id, p.name): p.pk for p in parks}
    _say(stdout, f"园区 {len(parks)} 个")
    enterprises = bulk(
        [
            Enterprise(
                uscc=f.uscc,
                name=f.name,
                region_id=f.region_code,
                park_id=park_ids[(f.region_code, f.park_name)] if f.park_name else None,
                industry_id=f.industry_code,
                above_scale=f.above_scale,
                founded_on=f.founded_on,
                status=f.status,
                business_scope=f.business_scope,
            )
            for f in city.firms
        ],
        Enterprise,
    )
    by_uscc = {e.uscc: e for e in enterprises}
    _say(stdout, f"企业 {len(enterprises)} 家")
    years = bulk(
        [
            EnterpriseYear(enterprise_id=by_uscc[f.uscc].pk, year=y.year, **y.figures())
            for f in city.firms
            for y in f.years
        ],
        EnterpriseYear,
    )
    _say(stdout, f"年度指标 {len(years)} 条")
    first: dict[tuple[str, str], date] = {}
    for q in city.qualifications:
        key = (q.uscc, q.kind)
        first[key] = min(first.get(key, q.granted_on), q.granted_on)
    quals = bulk(
        [
            Qualification(
                enterprise_id=by_uscc[q.uscc].pk,
                kind=q.kind,
                level=q.level,
                granted_on=q.granted_on,
                expires_on=q.expires_on,
                source=q.source,
                # a later grant of a title the firm already held is a 复审/重新认定
                grant_kind="renewal" if q.granted_on > first[(q.uscc, q.kind)] else "new",
                first_granted_on=first[(q.uscc, q.kind)],
            )
            for q in city.qualifications
        ],
        Qualification,
    )
    _say(stdout, f"资质 {len(quals)} 条")
    return by_uscc


def _summary(city: DemoCity, seconds: float, logins: list[DemoLogin]) -> DemoSummary:
    names = {c.code: c.name for c in COUNTIES}
    firms = Counter(f.region_code for f in city.firms)
    above = Counter(f.region_code for f in city.firms if f.above_scale)
    kinds = Counter(q.kind for q in city.qualifications)
    holders: dict[str, set[str]] = {}
    for q in city.qualifications:
        holders.setdefault(q.kind, set()).add(q.uscc)
    return DemoSummary(
        seed=city.seed,
        firms=len(city.firms),
        above_scale=sum(above.values()),
        firm_years=sum(len(f.years) for f in city.firms),
        parks=len(city.parks),
        qualifications=len(city.qualifications),
        by_region=[(c.code, names[c.code], firms[c.code], above[c.code]) for c in COUNTIES],
        by_cluster=Counter(f.cluster for f in city.firms if f.cluster).most_common(),
        by_qualification=[
            (str(label), len(holders.get(kind, ())), kinds[kind])
            for kind, label in QualificationKind.choices
        ],
        logins=logins,
        seconds=seconds,
    )


def demo_load(
    *, n_firms: int = 3000, seed: int = 2025, reset: bool = False, stdout: Writer | None = None
) -> DemoSummary:
    """Generate the sample city and write it, with its users, in one transaction.

    Refuses when enterprises already exist, unless ``reset`` (which first removes what an earlier
    demo load created; real enterprises still make it refuse). Marks the instance with the
    ``demo_data`` site setting so the UI shows 示例数据.
    """
    started = time.perf_counter()
    with transaction.atomic(durable=True):
        if reset:
            demo_reset(stdout=stdout)
        if existing := Enterprise.objects.count():
            hint = "" if reset else "；如需替换示例数据，请使用 --reset"
            raise DemoError(f"数据库中已有 {existing} 家企业，示例数据只能载入空库{hint}")
        _check_reference_data()
        city = demo_generate(n_firms=n_firms, seed=seed)
        _say(stdout, f"已生成示例城市：企业 {len(city.firms)} 家，正在写入…")
        created: list[str] = []
        password_hash = make_password(DEMO_PASSWORD)

        def account(
            username: str, role: str, superuser: bool = False, **scope: object
        ) -> tuple[User, bool]:
            return _user(
                username,
                role=role,
                password_hash=password_hash,
                created=created,
                superuser=superuser,
                **scope,
            )

        ningjin = Region.objects.get(code=NINGJIN)
        admin, admin_new = account("admin", Role.ADMIN, superuser=True)
        city_region = Region.objects.get(code=CITY_CODE)
        _, analyst_new = account("analyst", Role.ANALYST, scope_region=city_region)
        _, county_new = account("ningjin", Role.REGION_STAFF, scope_region=ningjin)
        by_uscc = _write(city, admin, stdout)
        firm = max(
            (
                f
                for f in city.firms
                if f.region_code == NINGJIN
                and f.industry_code.startswith("383")
                and f.status == EnterpriseStatus.ACTIVE
            ),
            key=lambda f: (f.years[-1].revenue_wan_yuan or 0) if f.years else 0,
            default=None,
        )
        logins = [
            DemoLogin("admin", DEMO_PASSWORD if admin_new else "", "管理员", "全部"),
            DemoLogin("analyst", DEMO_PASSWORD if analyst_new else "", "分析员", "邢台市"),
            DemoLogin("ningjin", DEMO_PASSWORD if county_new else "", "县区工作人员", "宁晋县"),
        ]
        if firm is not None:
            _, firm_new = account("qiye", Role.ENTERPRISE, scope_enterprise=by_uscc[firm.uscc])
            logins.append(
                DemoLogin("qiye", DEMO_PASSWORD if firm_new else "", "企业用户", firm.name)
            )
        site_setting_set("demo_data", "1")
        site_setting_set("demo_seed", f"{seed}:{n_firms}")
        site_setting_set("demo_users", ",".join(created))
    summary = _summary(city, time.perf_counter() - started, logins)
    for line in summary.lines():
        _say(stdout, line)
    return summary
