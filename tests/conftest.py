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


def _reload_reference_data(sender, using="default", **kwargs):  # type: ignore[no-untyped-def]
    """After every flush (a transactional test's teardown sends ``post_migrate``), put back the
    regions and GB/T 4754 codes the data migrations loaded: tests that run after a transactional
    one — in any order, and module-scoped fixtures that work outside a test's transaction — find
    the reference data where a migrated database has it."""
    if sender.label not in ("geo", "industries"):
        return
    from chainboard.geo.loaders import load_regions
    from chainboard.geo.models import Region
    from chainboard.industries.loaders import load_industry_codes
    from chainboard.industries.models import IndustryCode

    if sender.label == "geo" and not Region.objects.using(using).exists():
        load_regions(Region)
    if sender.label == "industries" and not IndustryCode.objects.using(using).exists():
        load_industry_codes(IndustryCode)


post_migrate.connect(_reload_reference_data, dispatch_uid="chainboard-tests-reference-data")


@pytest.fixture(autouse=True)
def _reference_data(request):  # type: ignore[no-untyped-def]
    """Transactional tests end with a flush that empties every table, including the regions and
    GB/T 4754 codes the data migrations loaded; reload them (idempotently) before such a test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from chainboard.geo.loaders import load_regions
    from chainboard.geo.models import Region
    from chainboard.industries.loaders import load_industry_codes
    from chainboard.industries.models import IndustryCode

    if not Region.objects.exists():
        load_regions(Region)
    if not IndustryCode.objects.exists():
        load_industry_codes(IndustryCode)


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
