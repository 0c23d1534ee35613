"""/api/docs in a real chromium with the network cut off from everything but the test server:
Swagger UI (static/vendor, npm swagger-ui-dist) draws every operation of the OpenAPI document,
no request fails, no JavaScript error, and "Try it out" calls the API with the session."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from tests.browser.helpers import js_errors, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_api_docs_render_offline(live_server: Any, page: Any, screenshot: Any) -> None:
    UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    schema = json.loads(Client().get("/api/openapi.json").content)
    operations = sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    )
    assert len(operations) > 20

    server = urlsplit(live_server.url).netloc
    outside: list[str] = []
    failed: list[str] = []

    def only_the_test_server(route: Any) -> None:  # the machine is offline, as in a county office
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_test_server)
    errors = js_errors(page)
    login(page, live_server.url, "analyst")
    # Chromium may cancel a favicon fetch it no longer needs (net::ERR_ABORTED): not a failure
    page.on(
        "requestfailed",
        lambda r: (
            None
            if "favicon" in r.url and "ERR_ABORTED" in (r.failure or "")
            else failed.append(f"{r.url} {r.failure}")
        ),
    )
    page.on("response", lambda r: failed.append(f"{r.url} {r.status}") if r.status >= 400 else None)

    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    shown = sorted(
        (
            block.query_selector(".opblock-summary-method").inner_text().strip(),
            block.query_selector(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in page.query_selector_all(".opblock")
    )
    assert shown == operations
    assert "chainboard API" in page.inner_text(".information-container")
    screenshot("api-docs")

    # "Try it out" on the regions list: the session cookie goes along, the answer is the scope's
    block = page.locator(".opblock-get", has=page.locator("[data-path='/api/regions/']"))
    block.locator(".opblock-summary").click()
    block.locator("button.try-out__btn").click()
    block.locator("button.execute").click()
    code = block.locator(".live-responses-table tbody .response-col_status").first
    code.wait_for(timeout=30_000)
    assert code.inner_text().strip() == "200"
    body = block.locator(".live-responses-table .highlight-code").first.inner_text()
    assert '"code": "130500"' in body

    assert outside == [] and failed == [] and errors == []
