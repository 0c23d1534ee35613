"""The one place that decides who may see and change what (roles × scope × capabilities).

Nothing outside this module tests ``user.role`` or ``is_superuser`` to allow or refuse something.

* **Scope** (what a user sees): ``*_q`` builders give a ``Q`` over the rows a user may see,
  reached through an optional FK ``prefix``; ``*_visible`` give querysets of regions and parks
  (``geo``, below ``accounts``) and of enterprises (through the app registry). The apps above
  ``accounts`` (enterprises, chains, projects, supply, evaluation) filter their own models with
  the builders here, so this module imports no model of theirs and reads their objects through
  plain attributes.
* **Capabilities** (what a user may do): every ``can_*`` function answers ``True``/``False`` for
  a user (and the object or place acted on). Templates read them through
  :mod:`chainboard.accounts.context_processors` (``perms_cb.can_run_evaluation``) and the
  ``cb_perms`` filters (``user|can_edit_project:p``).
* **Checks**: ``require_*`` raise :class:`~chainboard.core.errors.OutOfScope` (403) when a
  capability is missing; services call them before writing. An object the user may not *see*
  is reported by the selectors as ``NotFound`` (404), so its existence is not revealed.

The role × capability table is in ``docs/access.md``; ``tests/accounts/test_capabilities.py``
checks every ``can_*`` function for every role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q, QuerySet

from chainboard.accounts.models import DataSource, Role, User
from chainboard.core.errors import OutOfScope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chainboard.enterprises.models import Enterprise
    from chainboard.geo.models import Park, Region

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def _or(*qs: Q) -> Q:
    """The OR of ``qs`` where an empty ``Q()`` (every row) wins: Django's ``Q() | q`` is ``q``
    (an empty operand is dropped), which would turn "everything or X" into "only X"."""
    if any(q == EVERYTHING for q in qs):
        return Q()
    out = qs[0]
    for q in qs[1:]:
        out = out | q
    return out


#: The city level (链长办/工信局): evaluation runs, rankings, review scores, targets and tasks.
CITY_ROLES = frozenset({Role.ADMIN, Role.ANALYST})
#: Change the registry (firms, their figures, chain links, projects) inside their scope.
REGISTRY_WRITERS = frozenset({Role.ADMIN, Role.ANALYST, Role.REGION_STAFF, Role.PARK_STAFF})
#: Run and publish supply-risk analyses for the regions they see.
SUPPLY_RUNNERS = frozenset({Role.ADMIN, Role.ANALYST, Role.REGION_STAFF})
#: Import kinds an enterprise user may use (its own yearly figures only).
ENTERPRISE_IMPORT_KINDS = frozenset({"figures"})


# --- the user --------------------------------------------------------------------------------


def _user(user: User | AnonymousUser | None) -> User | None:
    """The active, logged-in ``User``; ``None`` for anonymous, inactive or missing users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user  # type: ignore[return-value]


def _in(u: User | None, roles: frozenset[Role]) -> bool:
    """``u`` holds one of ``roles``; a superuser holds every role-level right."""
    return u is not None and (u.role in roles or u.is_superuser)


def authenticated(user: User | AnonymousUser) -> User:
    """The request's user as a ``User`` (views and API handlers are behind login)."""
    if not isinstance(user, User):
        raise OutOfScope("请先登录")
    return user


def home_region(user: User | AnonymousUser | None) -> Region | None:
    """The region a user works in: their scope region, their park's or their firm's region."""
    u = _user(user)
    if u is None:
        return None
    if u.role == Role.ENTERPRISE:
        firm = u.scope_enterprise
        return firm.region if firm is not None else None
    if u.role == Role.PARK_STAFF:
        park = u.scope_park
        return park.region if park is not None else None
    return u.scope_region


def home_park(user: User | AnonymousUser | None) -> Park | None:
    """The park a park officer works in; None for every other role."""
    u = _user(user)
    if u is None or u.role != Role.PARK_STAFF:
        return None
    return u.scope_park


def scope_key(user: User | AnonymousUser | None) -> str:
    """A string that is equal for two users exactly when they see the same rows (cache keys)."""
    u = _user(user)
    if u is None:
        return "anonymous"
    return (
        f"{u.pk if u.role == Role.ENTERPRISE else ''}:{u.role}:{u.scope_region_id}:"
        f"{u.scope_park_id}:{u.scope_enterprise_id}:{u.is_superuser}"
    )


# --- scope: what a user sees ----------------------------------------------------------------


def enterprise_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """A ``Q`` selecting the enterprises ``user`` may see; ``prefix`` reaches them through a FK."""
    u = _user(user)
    if u is None:
        return NOTHING
    if u.is_superuser and u.role == Role.ADMIN and not u.scope_region_id:
        return Q()
    if u.role == Role.ENTERPRISE:
        return Q(**{f"{prefix}pk": u.scope_enterprise_id}) if u.scope_enterprise_id else NOTHING
    if u.role == Role.PARK_STAFF:
        return Q(**{f"{prefix}park_id": u.scope_park_id}) if u.scope_park_id else NOTHING
    if (region := u.scope_region) is not None:
        return Q(**{f"{prefix}region__path__startswith": region.path})
    if u.role in CITY_ROLES:
        return Q()
    return NOTHING


def enterprises_visible(user: User | AnonymousUser | None, qs: QuerySet | None = None) -> QuerySet:
    # By label, like the User.scope_enterprise foreign key: enterprises sits above accounts in
    # the layer order (ARCHITECTURE.md) and imports this module.
    enterprise = apps.get_model("enterprises", "Enterprise")
    base = enterprise.objects.all() if qs is None else qs
    return base.filter(enterprise_q(user))


def region_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Regions the user works in: their subtree (a park or firm user: the one region)."""
    u = _user(user)
    if u is None:
        return NOTHING
    if u.role == Role.ENTERPRISE:
        firm = u.scope_enterprise
        return Q(**{f"{prefix}pk": firm.region_id}) if firm is not None else NOTHING
    if u.role == Role.PARK_STAFF:
        park = u.scope_park
        return Q(**{f"{prefix}pk": park.region_id}) if park is not None else NOTHING
    if (region := u.scope_region) is not None:
        return Q(**{f"{prefix}path__startswith": region.path})
    if _in(u, CITY_ROLES):
        return Q()
    return NOTHING


def regions_visible(user: User | AnonymousUser | None) -> QuerySet:
    from chainboard.geo.models import Region

    return Region.objects.filter(region_q(user))


def parks_visible(user: User | AnonymousUser | None) -> QuerySet:
    from chainboard.geo.models import Park

    u = _user(user)
    if u is not None and u.role == Role.PARK_STAFF:
        return Park.objects.filter(pk=u.scope_park_id or 0)
    return Park.objects.filter(region_q(user, prefix="region__"))


def region_or_above_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Rows (with a ``region`` FK, through ``prefix``) of the user's subtree and the regions
    above it: a county officer also sees the city's chains, supply runs, targets and tasks."""
    home = home_region(user)
    if home is None:
        return region_q(user, prefix=f"{prefix}region__")
    above = home.lineage_codes()
    return Q(**{f"{prefix}region__path__startswith": home.path}) | Q(
        **{f"{prefix}region_id__in": above}
    )


def project_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Projects a user may see: an enterprise user those its firm invests in, a park user the
    park's, everyone else those located in their region subtree."""
    u = _user(user)
    if u is None:
        return NOTHING
    if u.role == Role.ENTERPRISE:
        firm = u.scope_enterprise_id
        return Q(**{f"{prefix}investor_id": firm}) if firm else NOTHING
    if u.role == Role.PARK_STAFF:
        return Q(**{f"{prefix}park_id": u.scope_park_id}) if u.scope_park_id else NOTHING
    return region_q(u, prefix=f"{prefix}region__")


def supply_run_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Supply-risk runs follow chain visibility (:func:`region_or_above_q`); drafts (not yet
    published) only for users who may run analyses."""
    q = region_or_above_q(user, prefix)
    if not can_run_supply_analysis(user):
        q &= ~Q(**{f"{prefix}status": "draft"})
    return q


def supply_firm_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """``SupplyFirm`` rows (through ``prefix``) the user may see at firm level: a registry firm
    they see, or (users scoped to a region) a firm not in the registry registered in it."""
    base = enterprise_q(user, f"{prefix}enterprise__")
    u = _user(user)
    if base == Q() or u is None or u.role in (Role.ENTERPRISE, Role.PARK_STAFF):
        return base
    if (region := u.scope_region) is None:
        return base
    unknown_here = Q(
        **{f"{prefix}enterprise__isnull": True, f"{prefix}region__path__startswith": region.path}
    )
    return base | unknown_here


#: Run stages everyone may see (with their own firms' rows only): 公示中, 复核中 and 已发布.
OPEN_RUN_STAGES = ("publicity", "review", "published")


def evaluation_run_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Published runs and runs in 公示/复核 for everyone (results stay limited to the firms they
    see: a firm user its own row); the city level also sees the drafts of their region subtree
    (all of them without a region)."""
    published = Q(**{f"{prefix}published": True}) | Q(**{f"{prefix}stage__in": OPEN_RUN_STAGES})
    u = _user(user)
    if u is None:
        return NOTHING
    if not can_run_evaluation(u):
        return published
    if (region := u.scope_region) is not None:
        return published | Q(**{f"{prefix}scope_region__path__startswith": region.path})
    return Q()


def job_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Background jobs (chainboard.jobs): superusers see every job; anyone else the jobs they
    started while their scope is still the one the job ran in — a job's file is made from what
    that scope sees (a county's 周调度表, a chain brief), so a user moved to another county or
    role no longer sees the jobs of the old one (jobs from before the scope was recorded: their
    starter)."""
    u = _user(user)
    if u is None:
        return NOTHING
    if u.is_superuser:
        return Q()
    same_scope = Q(**{f"{prefix}scope_key": scope_key(u)}) | Q(**{f"{prefix}scope_key": ""})
    return Q(**{f"{prefix}started_by": u}) & same_scope


def objection_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """异议 a user may see: those of the firms they see, in runs they see (a firm user only its
    own firm's; a county officer those of the county's firms; the city level all)."""
    return enterprise_q(user, f"{prefix}enterprise__") & evaluation_run_q(user, f"{prefix}run__")


def firm_request_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """诉求 (政企直通车) a user may see: those of the firms they see (a firm user only its own
    firm's, a park user the park's firms', a county officer the county's, the city level all)."""
    return enterprise_q(user, f"{prefix}enterprise__")


def report_entry_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """企业填报 entries a user may see: those of the firms they see (a firm user only its own
    firm's, a park user the park's firms', a county officer the county's, the city level all)."""
    return enterprise_q(user, f"{prefix}enterprise__")


def report_task_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """填报任务 a user may see: those with an entry of a firm they see, and those they opened."""
    u = _user(user)
    if u is None:
        return NOTHING
    entry = apps.get_model("reporting", "ReportEntry")
    task_ids = entry.objects.filter(report_entry_q(u)).values("task_id")
    return Q(**{f"{prefix}pk__in": task_ids}) | Q(**{f"{prefix}created_by_id": u.pk})


# --- 链长制 and 揭榜挂帅 (chainboard.chiefs) ----------------------------------------------------


def office_chain_ids(user: User | AnonymousUser | None) -> list[int]:
    """The chains whose 链长办 lists the user as staff (``chiefs.OrgMember``, by label)."""
    u = _user(user)
    if u is None:
        return []
    member = apps.get_model("chiefs", "OrgMember")
    return list(
        member.objects.filter(user=u, kind="office_staff").values_list("chain_id", flat=True)
    )


def chain_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Chains (through ``prefix``) a user sees: those of their subtree and the regions above it
    (:func:`region_or_above_q`), and the chains whose 链长办 they work in (any county)."""
    q = region_or_above_q(user, prefix)
    if ids := office_chain_ids(user):
        q = _or(q, Q(**{f"{prefix}pk__in": ids}))
    return q


def chain_records_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Chains (through ``prefix``) whose 链长制 records, 攻关清单, 榜单 and 创新联合体 the user
    may keep: chain editors of the chain's region (:func:`can_edit_chain`) and the chain's 链长办
    staff, across counties. The same rule as :func:`can_edit_chain_records`, as a ``Q``."""
    u = _user(user)
    if u is None:
        return NOTHING
    q = NOTHING
    if can_edit_registry(u) and u.role != Role.PARK_STAFF:
        if (region := u.scope_region) is not None:
            q = Q(**{f"{prefix}region__path__startswith": region.path})
        elif _in(u, CITY_ROLES):
            q = Q()
    if ids := office_chain_ids(u):
        q = _or(q, Q(**{f"{prefix}pk__in": ids}))
    return q


def org_member_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """链长制 members a user sees: the chain's keepers all of them; anyone else who sees the
    chain its whole-chain members and those of their own part (their county, the regions above
    it), a 链主企业 row only when they see the firm — a county user sees the county's part."""
    part = (Q(**{f"{prefix}region__isnull": True}) | region_or_above_q(user, prefix)) & (
        Q(**{f"{prefix}enterprise__isnull": True}) | enterprise_q(user, f"{prefix}enterprise__")
    )
    return _or(chain_records_q(user, f"{prefix}chain__"), chain_q(user, f"{prefix}chain__") & part)


def call_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """揭榜挂帅 calls a user sees: the calls of the chains they see, drafts only for the chain's
    keepers (:func:`chain_records_q`)."""
    keepers = chain_records_q(user, f"{prefix}chain__")
    published = chain_q(user, f"{prefix}chain__") & ~Q(**{f"{prefix}stage": "draft"})
    return _or(keepers, published)


def application_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """揭榜 applications a user sees: every application of the calls of the chains they keep;
    otherwise only those of the firms they see (a firm user its own, a county user its county's
    firms'); universities' and institutes' applications only for the keepers."""
    own = Q(**{f"{prefix}enterprise__isnull": False}) & enterprise_q(user, f"{prefix}enterprise__")
    return _or(
        chain_records_q(user, f"{prefix}call__chain__"), own & call_q(user, f"{prefix}call__")
    )


def lead_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """招商线索 a user sees: those owned by a county of their region subtree (a park user: its
    county's; the city level: all), and every lead of the chains whose 链长办 they work in (any
    county). Firm users see none: a lead is the office's working file on another firm."""
    u = _user(user)
    if u is None or u.role == Role.ENTERPRISE:
        return NOTHING
    q = region_q(u, f"{prefix}region__")
    if ids := office_chain_ids(u):
        q = _or(q, Q(**{f"{prefix}chain_id__in": ids}))
    return q


# --- capabilities: what a user may do ---------------------------------------------------------


def _region_within(u: User, region: Region | None) -> bool:
    """``region`` lies inside the user's scope region (always, for a user without one)."""
    if u.scope_region is None:
        return True
    return region is not None and region.path.startswith(u.scope_region.path)


def can_edit_registry(user: User | AnonymousUser | None) -> bool:
    """Change firms, figures, chain links and projects (inside their scope); import data."""
    return _in(_user(user), REGISTRY_WRITERS)


def can_use_admin_site(user: User | AnonymousUser | None) -> bool:
    """/admin/ (its changelists ignore scope): whole-instance administrators, superusers only."""
    u = _user(user)
    return u is not None and u.is_superuser


def can_see_overviews(user: User | AnonymousUser | None) -> bool:
    """Overview pages (evaluation overview, league tables, the registry's links): everyone
    working on a territory; an enterprise user is sent to its own firm's pages instead."""
    u = _user(user)
    return u is not None and u.role != Role.ENTERPRISE


def can_import(user: User | AnonymousUser | None, kind: str) -> bool:
    """Use the importer ``kind``: enterprise users only their own yearly figures."""
    u = _user(user)
    if u is None:
        return False
    if u.role == Role.ENTERPRISE:
        return kind in ENTERPRISE_IMPORT_KINDS
    return True


def can_see_import_batch(user: User | AnonymousUser | None, batch: Any) -> bool:
    """An import batch is private to the user who ran it (and superusers)."""
    u = _user(user)
    return u is not None and (u.is_superuser or batch.actor_id == u.pk)


def can_place(user: User | AnonymousUser | None, region: Region, park: Park | None = None) -> bool:
    """May ``user`` put (or keep) a firm, project or chain in ``region``/``park``?"""
    u = _user(user)
    if u is None or u.role == Role.ENTERPRISE:
        return False
    if u.role == Role.PARK_STAFF:
        return park is not None and park.pk == u.scope_park_id
    if (scope := u.scope_region) is not None:
        return region.path.startswith(scope.path)
    return _in(u, CITY_ROLES)


def can_see_enterprise(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    return enterprises_visible(user).filter(pk=enterprise.pk).exists()


def can_edit_enterprise(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    """Change a firm's registry entry: registry writers who see it and whose scope holds it."""
    return (
        can_edit_registry(user)
        and can_see_enterprise(user, enterprise)
        and can_place(user, enterprise.region, enterprise.park)
    )


def can_edit_figures(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    """Change a firm's yearly figures: registry writers who see it, or the firm's own user."""
    u = _user(user)
    if u is not None and u.role == Role.ENTERPRISE and u.scope_enterprise_id == enterprise.pk:
        return True
    return can_edit_registry(u) and can_see_enterprise(u, enterprise)


def can_record_figure_source(user: User | AnonymousUser | None, source: str) -> bool:
    """Record (import, save) yearly figures as coming from ``source`` (数据来源): a department
    user (``data_source`` set: 税务, 供电, 统计 …) only its own department's; an enterprise user
    only 企业填报; other registry writers any source (an office may load the tax bureau's file).
    Which figures a source may carry is a data rule (``enterprises/figure_sources.yaml``)."""
    u = _user(user)
    if u is None:
        return False
    if u.role == Role.ENTERPRISE:
        return source == DataSource.FIRM
    if u.data_source:
        return source == u.data_source
    return can_edit_registry(u)


def default_figure_source(user: User | AnonymousUser | None) -> str:
    """The 数据来源 of a figures import when none is chosen: a department user's own, an
    enterprise user's 企业填报, else 手工 (also the server operator's)."""
    u = _user(user)
    if u is not None and u.role == Role.ENTERPRISE:
        return DataSource.FIRM.value
    if u is not None and u.data_source:
        return u.data_source
    return DataSource.MANUAL.value


def can_see_figure_conflicts(user: User | AnonymousUser | None) -> bool:
    """The 指标来源冲突 list (of the firms they see) and the precedence page (read): registry
    writers."""
    return can_edit_registry(user)


def can_decide_figure(
    user: User | AnonymousUser | None, enterprise: Enterprise | None = None
) -> bool:
    """Pick or confirm the value of a conflicting figure (核定, with a reason): analysts and
    administrators, for the firms they see."""
    u = _user(user)
    if not _in(u, CITY_ROLES):
        return False
    return enterprise is None or can_see_enterprise(u, enterprise)


def can_edit_figure_precedence(user: User | AnonymousUser | None) -> bool:
    """Change a figure's source precedence and conflict tolerance (instance-wide): analysts and
    administrators without a region scope (a county's analyst does not set the city's rule)."""
    u = _user(user)
    return _in(u, CITY_ROLES) and u is not None and u.scope_region_id is None


def can_edit_chain(user: User | AnonymousUser | None, region: Region) -> bool:
    """Load a chain template, change a chain, a cluster or its targets in ``region``."""
    return can_edit_registry(user) and can_place(user, region, None)


def can_review_links(
    user: User | AnonymousUser | None, enterprise: Enterprise | None = None
) -> bool:
    """Confirm, reject or set firm→segment links (of ``enterprise``, if given)."""
    if not can_edit_registry(user):
        return False
    return enterprise is None or can_see_enterprise(user, enterprise)


def can_see_project(user: User | AnonymousUser | None, project: Any) -> bool:
    """In Python, without a query: the same rule as :func:`project_q`."""
    u = _user(user)
    if u is None:
        return False
    if u.role == Role.ENTERPRISE:
        return bool(u.scope_enterprise_id) and project.investor_id == u.scope_enterprise_id
    if u.role == Role.PARK_STAFF:
        return bool(u.scope_park_id) and project.park_id == u.scope_park_id
    if (region := u.scope_region) is not None:
        return bool(project.region.path.startswith(region.path))
    return _in(u, CITY_ROLES)


def can_create_project(
    user: User | AnonymousUser | None, region: Region, park: Park | None = None
) -> bool:
    """Create a project in (or move one to) ``region``/``park``."""
    return can_edit_registry(user) and can_place(user, region, park)


def can_edit_project(user: User | AnonymousUser | None, project: Any) -> bool:
    """Edit, archive, delete, plan a project or resolve its problems: registry writers who see
    it and whose scope holds its place."""
    return can_see_project(user, project) and can_create_project(user, project.region, project.park)


def can_file_weekly_update(user: User | AnonymousUser | None, project: Any) -> bool:
    """File a weekly update 周调度: project editors, or the investor firm's own user."""
    u = _user(user)
    if u is not None and u.role == Role.ENTERPRISE:
        return bool(project.investor_id) and u.scope_enterprise_id == project.investor_id
    return can_edit_project(u, project)


def can_manage_rankings_and_targets(user: User | AnonymousUser | None) -> bool:
    """Compute the monthly ranking, enter review scores, keep targets, tasks and batches."""
    return _in(_user(user), CITY_ROLES)


def can_manage_review_event(user: User | AnonymousUser | None) -> bool:
    """Create a 季观摩 event, set its route and reviewers, close it: the city level."""
    return _in(_user(user), CITY_ROLES)


def can_be_reviewer(user: User | AnonymousUser | None) -> bool:
    """Be assigned as a 观摩 reviewer 评委: any official (not a firm's user)."""
    u = _user(user)
    return u is not None and u.role != Role.ENTERPRISE


def can_score_review(user: User | AnonymousUser | None, event: Any) -> bool:
    """Fill 评分表 of a 观摩 event: only its assigned reviewers, only while it is open."""
    u = _user(user)
    return (
        u is not None
        and can_be_reviewer(u)
        and event.status == "open"
        and event.reviewers.filter(pk=u.pk).exists()
    )


def site_review_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """观摩 events a user may open: every official sees the city's events (a county user then
    sees only its own county's projects' scores, :func:`project_q`); firm users none."""
    u = _user(user)
    return Q() if can_be_reviewer(u) else NOTHING


def can_run_evaluation(user: User | AnonymousUser | None) -> bool:
    """Run a 亩均 evaluation (over the firms they see) and see unpublished runs."""
    return _in(_user(user), CITY_ROLES)


def can_publish_evaluation(user: User | AnonymousUser | None, run: Any) -> bool:
    """Publish an evaluation run of their region subtree (any run without a region)."""
    u = _user(user)
    return u is not None and can_run_evaluation(u) and _region_within(u, run.scope_region)


def can_file_objection(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    """File an 异议 against a 亩均 result in 公示: the firm's own enterprise user only (the run's
    stage and deadline are checked by the service)."""
    u = _user(user)
    return (
        u is not None
        and u.role == Role.ENTERPRISE
        and bool(u.scope_enterprise_id)
        and u.scope_enterprise_id == enterprise.pk
    )


def can_review_objection(user: User | AnonymousUser | None, run: Any) -> bool:
    """Answer the 异议 of a run in 复核 (and correct the firm's figures): the evaluating office,
    i.e. whoever may publish the run."""
    return can_publish_evaluation(user, run)


def can_set_tier_target(user: User | AnonymousUser | None, region: Region) -> bool:
    """Set the tier targets 梯度培育目标 of a region in their subtree."""
    u = _user(user)
    return u is not None and can_run_evaluation(u) and _region_within(u, region)


def can_edit_class_policy(user: User | AnonymousUser | None) -> bool:
    """Edit the 亩均 差别化政策 table (prices, relief, quotas): administrators only."""
    u = _user(user)
    return u is not None and (u.role == Role.ADMIN or u.is_superuser)


def can_run_supply_analysis(
    user: User | AnonymousUser | None, region: Region | None = None
) -> bool:
    """Run or publish a supply-risk analysis (for ``region``, if given: one they see) and see
    draft runs."""
    u = _user(user)
    if not _in(u, SUPPLY_RUNNERS):
        return False
    return region is None or regions_visible(u).filter(pk=region.pk).exists()


#: Handle 诉求 (受理, 转办, 答复) of the firms of their region.
REQUEST_HANDLERS = frozenset({Role.ADMIN, Role.ANALYST, Role.REGION_STAFF})


def can_raise_request(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    """Raise a 诉求 for ``enterprise``: the firm's own user, or an officer who sees the firm
    (on the firm's behalf)."""
    u = _user(user)
    if u is None:
        return False
    if u.role == Role.ENTERPRISE:
        return bool(u.scope_enterprise_id) and u.scope_enterprise_id == enterprise.pk
    return can_edit_registry(u) and can_see_enterprise(u, enterprise)


def can_handle_request(user: User | AnonymousUser | None, request: Any) -> bool:
    """受理, 转办, 答复 a 诉求: admins, analysts and county officers whose region holds the
    request's (park staff and firms cannot)."""
    u = _user(user)
    return _in(u, REQUEST_HANDLERS) and _region_within(u, request.region)  # type: ignore[arg-type]


def can_confirm_request(user: User | AnonymousUser | None, request: Any) -> bool:
    """Confirm (办结), send back or rate the answer to a 诉求: the firm's own user only."""
    u = _user(user)
    return (
        u is not None
        and u.role == Role.ENTERPRISE
        and bool(u.scope_enterprise_id)
        and u.scope_enterprise_id == request.enterprise_id
    )


def can_edit_routing_rules(user: User | AnonymousUser | None) -> bool:
    """Change the 诉求分办规则 and departments: administrators and analysts."""
    return _in(_user(user), CITY_ROLES)


def request_officers(region: Region | None) -> QuerySet[User]:
    """Active officers (analysts, county staff) whose scope is exactly ``region``: who hears of a
    request escalated to that level."""
    if region is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, role__in=[Role.ANALYST, Role.REGION_STAFF], scope_region=region
    )


def firm_users(enterprise_id: int) -> QuerySet[User]:
    """The active enterprise users of a firm (who hears of answers to its requests)."""
    return User.objects.filter(
        is_active=True, role=Role.ENTERPRISE, scope_enterprise_id=enterprise_id
    )


#: Keep 招商线索 of the counties of their region.
LEAD_KEEPERS = frozenset({Role.ADMIN, Role.ANALYST, Role.REGION_STAFF})


def can_keep_leads(user: User | AnonymousUser | None) -> bool:
    """Record 招商线索 at all (the 新增/导入 buttons): admins, analysts, county officers and any
    chain's 链长办 staff."""
    u = _user(user)
    return _in(u, LEAD_KEEPERS) or bool(office_chain_ids(u))


def can_edit_lead(user: User | AnonymousUser | None, lead: Any) -> bool:
    """Create, change, move through the stages or record visits of a 招商线索 (``lead.region``
    the owning county, ``lead.chain_id`` its chain): admins, analysts and county officers whose
    region holds the county, and the chain's 链长办 staff in any county."""
    u = _user(user)
    if u is None:
        return False
    if _in(u, LEAD_KEEPERS) and _region_within(u, lead.region):
        return True
    return bool(lead.chain_id) and lead.chain_id in office_chain_ids(u)


def can_edit_chain_records(user: User | AnonymousUser | None, chain: Any) -> bool:
    """Keep a chain's 链长制 organisation, 攻关清单, 揭榜挂帅 calls (publish, review, award,
    accept) and 创新联合体: chain editors of its region, and its 链长办 staff across counties."""
    u = _user(user)
    if u is None:
        return False
    if can_edit_chain(u, chain.region):
        return True
    return chain.pk in office_chain_ids(u)


def can_apply_to_call(user: User | AnonymousUser | None, enterprise: Enterprise | None) -> bool:
    """揭榜 a published call in the name of ``enterprise``: that firm's own user only (officers
    record universities' and institutes' applications as chain keepers)."""
    u = _user(user)
    return (
        u is not None
        and u.role == Role.ENTERPRISE
        and enterprise is not None
        and bool(u.scope_enterprise_id)
        and u.scope_enterprise_id == enterprise.pk
    )


def can_open_report_task(user: User | AnonymousUser | None) -> bool:
    """Open a 填报任务 for the firms of one's scope and remind them: administrators, analysts,
    county and park officers (firms cannot)."""
    return can_edit_registry(user)


def can_review_report(user: User | AnonymousUser | None, entry: Any) -> bool:
    """Accept a firm's 填报 into the registry or return it: officers who see the firm."""
    return can_edit_registry(user) and can_see_enterprise(user, entry.enterprise)


def can_fill_report(user: User | AnonymousUser | None, entry: Any) -> bool:
    """Fill, upload and submit a 填报: the firm's own user, or an officer who reviews it (on the
    firm's behalf or to correct it)."""
    u = _user(user)
    if u is not None and u.role == Role.ENTERPRISE:
        return bool(u.scope_enterprise_id) and u.scope_enterprise_id == entry.enterprise_id
    return can_review_report(u, entry)


# --- checks services call (OutOfScope → 403) ------------------------------------------------


def require_enterprise_visible(user: User | AnonymousUser | None, enterprise: Enterprise) -> None:
    if not can_see_enterprise(user, enterprise):
        raise OutOfScope("无权访问该企业")


def require_overview_reader(user: User | AnonymousUser | None) -> User:
    """The territory's pages (驾驶舱 and 大屏, monthly ranking, reviews, targets and tasks,
    strategy analysis) are not a firm's: an enterprise user is refused (403)."""
    if not can_see_overviews(user):
        raise OutOfScope(
            "企业用户只能查看本企业的画像、评价和项目，不能查看月度评比、目标任务和战略分析"
        )
    return user  # type: ignore[return-value]


def require_registry_writer(user: User | AnonymousUser | None) -> User:
    if not can_edit_registry(user):
        raise OutOfScope("当前角色不能修改企业名录")
    return user  # type: ignore[return-value]


def require_place_in_scope(
    user: User | AnonymousUser | None, region: Region, park: Park | None = None
) -> None:
    if not can_place(user, region, park):
        raise OutOfScope(f"{region.name}{'/' + park.name if park else ''} 不在您的管辖范围")


def require_figures_writer(user: User | AnonymousUser | None, enterprise: Enterprise) -> None:
    if not can_edit_figures(user, enterprise):
        require_registry_writer(user)
        require_enterprise_visible(user, enterprise)


def require_figure_source(user: User | AnonymousUser | None, source: str) -> None:
    if not can_record_figure_source(user, source):
        label = DataSource(source).label if source in DataSource.values else source
        u = _user(user)
        mine = DataSource(u.data_source).label if u and u.data_source else ""
        raise OutOfScope(
            f"您所在的{mine}部门只能导入{mine}数据，不能以「{label}」为来源"
            if mine
            else f"当前角色不能以「{label}」为来源录入指标"
        )


def require_figure_decider(user: User | AnonymousUser | None, enterprise: Enterprise) -> User:
    require_enterprise_visible(user, enterprise)
    if not can_decide_figure(user, enterprise):
        raise OutOfScope("只有分析员和管理员可以核定指标")
    return user  # type: ignore[return-value]


def require_figure_precedence_editor(user: User | AnonymousUser | None) -> User:
    if not can_edit_figure_precedence(user):
        raise OutOfScope("只有全市的分析员和管理员可以修改指标来源优先级")
    return user  # type: ignore[return-value]


def require_chain_editor(user: User | AnonymousUser | None, region: Region) -> None:
    require_registry_writer(user)
    require_place_in_scope(user, region, None)


def require_link_reviewer(user: User | AnonymousUser | None) -> User:
    if not can_review_links(user):
        raise OutOfScope("当前角色不能审核挂链")
    return user  # type: ignore[return-value]


def require_importer(user: User | AnonymousUser | None, kind: str) -> None:
    if not can_import(user, kind):
        raise OutOfScope("企业用户只能填报本企业的年度指标")


def require_project_placement(
    user: User | AnonymousUser | None, region: Region, park: Park | None
) -> None:
    require_registry_writer(user)
    require_place_in_scope(user, region, park)


def require_project_editor(user: User | AnonymousUser | None, project: Any) -> None:
    require_registry_writer(user)
    if not can_see_project(user, project):
        raise OutOfScope("该项目不在您的管辖范围")
    require_place_in_scope(user, project.region, project.park)


def require_update_filer(user: User | AnonymousUser | None, project: Any) -> None:
    u = _user(user)
    if u is None:
        raise OutOfScope("请先登录")
    if can_file_weekly_update(u, project):
        return
    if u.role == Role.ENTERPRISE:
        raise OutOfScope("只能填报本企业投资的项目")
    require_project_editor(u, project)


def require_city_officer(user: User | AnonymousUser | None) -> User:
    if not can_manage_rankings_and_targets(user):
        raise OutOfScope("只有市级分析员或管理员可以执行此操作")
    return user  # type: ignore[return-value]


def require_review_manager(user: User | AnonymousUser | None) -> User:
    if not can_manage_review_event(user):
        raise OutOfScope("只有市级分析员或管理员可以组织季观摩")
    return user  # type: ignore[return-value]


def require_review_scorer(user: User | AnonymousUser | None, event: Any) -> User:
    """Assigned reviewers only (403); the open/closed state is the service's check (400)."""
    u = _user(user)
    if u is None or not can_be_reviewer(u) or not event.reviewers.filter(pk=u.pk).exists():
        raise OutOfScope("您不是该观摩活动的评委，不能评分")
    return u


def require_evaluator(user: User | AnonymousUser | None) -> User:
    u = _user(user)
    if u is None:
        raise OutOfScope("请先登录")
    if not can_run_evaluation(u):
        raise OutOfScope("只有分析员或管理员可以发起、发布评价")
    return u


def require_evaluation_publisher(user: User | AnonymousUser | None, run: Any) -> User:
    u = require_evaluator(user)
    if not can_publish_evaluation(u, run):
        raise OutOfScope("无权发布该评价")
    return u


def require_objection_filer(user: User | AnonymousUser | None, enterprise: Enterprise) -> User:
    if not can_file_objection(user, enterprise):
        raise OutOfScope("只有该企业的企业用户可以对本企业的评价结果提出异议")
    return user  # type: ignore[return-value]


def require_objection_reviewer(user: User | AnonymousUser | None, run: Any) -> User:
    u = require_evaluator(user)
    if not can_review_objection(u, run):
        raise OutOfScope("无权复核该评价批次的异议")
    return u


def require_tier_target_setter(user: User | AnonymousUser | None, region: Region) -> User:
    u = require_evaluator(user)
    if not can_set_tier_target(u, region):
        raise OutOfScope(f"{region.name} 不在您的管辖范围")
    return u


def require_class_policy_editor(user: User | AnonymousUser | None) -> User:
    u = _user(user)
    if u is None or not can_edit_class_policy(u):
        raise OutOfScope("只有管理员可以修改差别化政策")
    return u


def require_supply_runner(user: Any, region: Region) -> User | None:
    """``user=None`` is a system job (the demo, ``chainboard supplyrisk run`` without ``--user``)."""
    if user is None:
        return None
    u = _user(user) if isinstance(user, User) else None
    if u is None:
        raise OutOfScope("请先登录")
    if not can_run_supply_analysis(u):
        raise OutOfScope("当前角色不能发起供应链风险分析")
    if not can_run_supply_analysis(u, region):
        raise OutOfScope(f"{region.name}（{region.code}）不在您的管辖范围")
    return u


def require_request_raiser(user: User | AnonymousUser | None, enterprise: Enterprise) -> User:
    if not can_raise_request(user, enterprise):
        raise OutOfScope("只有该企业的企业用户或管辖该企业的工作人员可以提交诉求")
    return user  # type: ignore[return-value]


def require_request_handler(user: User | AnonymousUser | None, request: Any) -> User:
    if not can_handle_request(user, request):
        raise OutOfScope("只有管辖该企业的县区、市级工作人员可以受理、转办、答复诉求")
    return user  # type: ignore[return-value]


def require_request_firm(user: User | AnonymousUser | None, request: Any) -> User:
    if not can_confirm_request(user, request):
        raise OutOfScope("只有提出诉求的企业可以确认办结或评价")
    return user  # type: ignore[return-value]


def require_routing_editor(user: User | AnonymousUser | None) -> User:
    if not can_edit_routing_rules(user):
        raise OutOfScope("只有管理员或分析员可以修改分办规则")
    return user  # type: ignore[return-value]


def require_chain_records_editor(user: User | AnonymousUser | None, chain: Any) -> User:
    u = _user(user)
    if u is None:
        raise OutOfScope("请先登录")
    if not can_edit_chain_records(u, chain):
        if u.role == Role.ENTERPRISE:
            raise OutOfScope("企业用户不能维护产业链的链长制、攻关清单和榜单，也不能评审揭榜申请")
        raise OutOfScope(f"只有{chain.name}的链长办或产业链维护人员可以执行此操作")
    return u


def require_application_recorder(
    user: User | AnonymousUser | None, chain: Any, enterprise: Enterprise | None
) -> User:
    """揭榜 in ``enterprise``'s name: its own user, or the chain's keepers (paper applications,
    universities and institutes)."""
    u = _user(user)
    if u is None:
        raise OutOfScope("请先登录")
    if can_apply_to_call(u, enterprise) or can_edit_chain_records(u, chain):
        return u
    if u.role == Role.ENTERPRISE:
        raise OutOfScope("只能以本企业名义揭榜")
    raise OutOfScope(f"只有企业本身或{chain.name}的链长办可以提交揭榜申请")


def require_lead_keeper(user: User | AnonymousUser | None) -> User:
    if not can_keep_leads(user):
        raise OutOfScope("只有县区、市级工作人员和链长办可以维护招商线索")
    return user  # type: ignore[return-value]


def require_lead_editor(user: User | AnonymousUser | None, lead: Any) -> User:
    u = require_lead_keeper(user)
    if not can_edit_lead(u, lead):
        region = getattr(lead.region, "name", "")
        raise OutOfScope(f"{region}的招商线索不在您的管辖范围（或不属于您所在链长办的产业链）")
    return u


def require_report_office(user: User | AnonymousUser | None) -> User:
    if not can_open_report_task(user):
        raise OutOfScope("只有管理员、分析员、县区或园区工作人员可以发起填报任务")
    return user  # type: ignore[return-value]


def require_report_reviewer(user: User | AnonymousUser | None, entry: Any) -> User:
    if not can_review_report(user, entry):
        raise OutOfScope("只有管辖该企业的工作人员可以接收或退回填报")
    return user  # type: ignore[return-value]


def require_report_filler(user: User | AnonymousUser | None, entry: Any) -> User:
    if not can_fill_report(user, entry):
        raise OutOfScope("只有该企业的企业用户或管辖该企业的工作人员可以填报")
    return user  # type: ignore[return-value]
