"""Shared fixtures: regions and GB/T 4754 codes come from the migrations themselves."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.db.models.signals import post_migrate
from hypothesis import Phase, settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (the Makefile sets `ci`). Loaded here, before
# the test modules are imported, because a module-level `settings(...)` inherits the profile that
# is active when it is created; explicit per-test values (max_examples, deadline) still win.
# - ci: the same examples on every machine and run, a bounded count, no shrinking (a failure
#   reports the first failing example and its reproduction blob instead of shrinking for minutes),
#   no example database written into a clean clone.
# - dev (default): random, shrinking, the example database — for exploring locally.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=50,
    deadline=timedelta(seconds=5),
    phases=[Phase.explicit, Phase.generate],
    print_blob=True,
)
settings.register_profile("dev", max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def xingtai(db):  # type: ignore[no-untyped-def]
    from chainboard.geo.models import Region

    return Region.objects.in_bulk(["130500", "130528", "130582", "130534", "130503"])


@pytest.fixture
def ningjin(xingtai):  # type: ignore[no-untyped-def]
    return xingtai["130528"]


@pytest.fixture
def shahe(xingtai):  # type: ignore[no-untyped-def]
    return xingtai["130582"]


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def city_analyst(xingtai):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(username="analyst", role="analyst", scope_region=xingtai["130500"])


@pytest.fixture
def ningjin_user(ningjin):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(username="ningjin", role="region_staff", scope_region=ningjin)


@pytest.fixture
def shahe_user(shahe):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(username="shahe", role="region_staff", scope_region=shahe)


# The data migrations that write rows (beside the regions and codes), as (module, function).
DATA_MIGRATIONS = (
    (
        "chainboard.projects.migrations.0003_target_reading_history_default_method",
        "create_default_method",
    ),
    ("chainboard.evaluation.migrations.0004_class_policy_62", "add"),
)


def _restore_migration_data(using: str = "default") -> None:
    """Put back the rows the data migrations wrote — the regions and GB/T 4754 codes, the default
    月评比 method, the 浙政办发〔2019〕62号 class policy — where a flush removed them. Idempotent:
    each loader runs only when its table is empty (the migration functions check themselves)."""
    import importlib

    from django.apps import apps
    from django.test import override_settings

    from chainboard.geo.loaders import load_regions
    from chainboard.geo.models import Region
    from chainboard.industries.loaders import load_industry_codes
    from chainboard.industries.models import IndustryCode

    if not Region.objects.using(using).exists():
        load_regions(Region)
    if not IndustryCode.objects.using(using).exists():
        load_industry_codes(IndustryCode)
    # as in the migration itself: rows without history (history rows would count as user data)
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        for module, function in DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)


def _reload_reference_data(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    """After every flush (a transactional test's teardown sends ``post_migrate``), put back what
    the data migrations loaded: tests that run after a transactional one — in any order, on any
    pytest-xdist worker, and module-scoped fixtures that work outside a test's transaction — find
    the rows a migrated database has. Run once per flush, on the last app's signal."""
    if sender.label != "projects":
        return
    _restore_migration_data(using)


post_migrate.connect(_reload_reference_data, dispatch_uid="chainboard-tests-reference-data")


@pytest.fixture(autouse=True)
def _reference_data(request):  # type: ignore[no-untyped-def]
    """Transactional tests end with a flush that empties every table, including the rows the data
    migrations loaded; reload them (idempotently) before such a test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    _restore_migration_data()


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: test databases roll back, cached versions must too."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def run_worker(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """``run_worker()``: run ``chainboard worker --batch`` in this process until the queue is
    empty — the real django-tasks-db backend and worker, result files under ``tmp_path``."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    settings.JOBS_DIR = tmp_path / "jobs"
    # As Django's test client does for requests: the worker's close_old_connections() would drop
    # the connection holding the test's transaction (on PostgreSQL every later query then fails
    # with "the connection is closed"); a real worker runs in autocommit and keeps it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("worker", "--batch", "--worker-id", "test-worker", verbosity=0)

    return run


# The slowest test files (a minute or more each on the reference machine), started first: pytest-xdist
# hands out whole files (`--dist loadfile`) in collection order, and a long file handed out last
# keeps one worker busy while the other has nothing left to do.
SLOW_FILES_FIRST = (
    "tests/web/test_route_access.py",
    "tests/api/test_api_fuzz.py",
    "tests/accounts/test_capabilities.py",
    "tests/deploy/test_production_mode.py",
    "tests/demo/test_demo_loader.py",
    "tests/analytics/engine/test_supply_spark_parity.py",
    "tests/imports/test_crash_safety.py",
    "tests/imports/hostile/test_hostile_corpus.py",
    "tests/web/test_exports_safe.py",
    "tests/analytics/evaluation/test_evaluation_caps.py",
    "tests/browser/test_phone_layout.py",
    "tests/browser/test_browser_cockpit.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the slow files first, keeping every other order as collected (a stable sort)."""
    rank = {path: i for i, path in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
