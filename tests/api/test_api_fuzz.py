"""schemathesis against /api/openapi.json: no 5xx and responses that match the documented schema.

Every operation of the django-ninja API is called with generated parameters and bodies (a bounded,
derandomized number of examples) as two signed-in roles: the system administrator and a county
user (宁晋县 region staff). The calls go straight to the WSGI application, no server is needed;
each example runs in the test's database transaction, so writes the fuzzer manages to make are
rolled back with the test.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from chainboard.api import api

# The coverage phase (every boundary value of every parameter) is thousands of calls per operation;
# the examples and the bounded, derandomized fuzzing phase keep the run under a minute or two.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = WSGIHandler()

CSRF_TOKEN = _get_new_csrf_string()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """As Django's test client does: a request must not close the connection that holds the
    test's transaction (``close_old_connections`` drops a connection that is not in autocommit,
    which on PostgreSQL is "the connection is closed" for every later query)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "county"])
def session_cookies(request, admin_user, ningjin_user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A signed-in session as a cookie, and a CSRF cookie the unsafe methods send back."""
    from tests.factories import EnterpriseFactory, ProjectFactory

    # something to find for the ids that exist: a firm and a project in each of two counties
    for code in ("130528", "130582"):
        EnterpriseFactory(region_id=code)
        ProjectFactory(region_id=code)
    client = Client()
    client.force_login(admin_user if request.param == "admin" else ningjin_user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=4, suppress_health_check=list(HealthCheck), deadline=None)
def test_api_operation(case, session_cookies) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        cookies=session_cookies,
        headers={"X-CSRFToken": CSRF_TOKEN},
        checks=[not_a_server_error, response_schema_conformance],
    )
