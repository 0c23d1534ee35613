"""Template context shared by every page."""

from django.http import HttpRequest

from chainboard.core.models import site_setting_get


def site(request: HttpRequest) -> dict[str, object]:
    return {"demo_data": site_setting_get("demo_data") == "1"}
