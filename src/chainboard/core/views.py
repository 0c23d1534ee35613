"""Site-wide views: the health check and the error handlers (Chinese, nothing internal)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chainboard.core.health import health_report
from chainboard.core.signals import access_denied

API_PREFIX = "/api/"
API_ERRORS = {
    400: ("bad_request", "请求参数不正确"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "未找到请求的内容"),
    500: ("server_error", "服务器内部错误，请稍后再试或联系管理员"),
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok"|"fail", "checks": {...}}``; 200 when healthy, 503 otherwise. No login."""
    healthy, checks = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """``/favicon.ico`` for browsers that ask for it before reading ``<link rel="icon">``."""
    return HttpResponseRedirect(static("favicon.ico"))


def api_error(status: int) -> JsonResponse:
    code, message = API_ERRORS[status]
    return JsonResponse({"code": code, "message": message}, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _page(request: HttpRequest, status: int) -> HttpResponse:
    """The Chinese page for ``status``. The exception's text is never shown: Django's messages
    are English and internal ("No Enterprise matches the given query.", "Resolver404"); the
    pages' own Chinese text says what happened. (``DomainErrorMiddleware`` passes a domain
    error's Chinese message to the same templates.)"""
    if _is_api(request):
        return api_error(status)
    return render(request, f"{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    access_denied.send(sender=permission_denied, request=request, message="")
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context here: whatever failed (the database, a context processor) must not
    fail the error page too, so 500.html is plain HTML."""
    if _is_api(request):
        return api_error(500)
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
