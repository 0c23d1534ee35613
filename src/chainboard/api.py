"""The REST API (django-ninja) under /api/, OpenAPI at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.security import django_auth

from chainboard.accounts.api import router as regions_router
from chainboard.accounts.services import security_event_record
from chainboard.chains.api import router as chains_router
from chainboard.chiefs.api import router as chiefs_router
from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.locking import EditConflict
from chainboard.enterprises.api import router as enterprises_router
from chainboard.evaluation.api import router as evaluation_router
from chainboard.firmrequests.api import router as requests_router
from chainboard.imports.api import router as imports_router
from chainboard.investment.api import router as investment_router
from chainboard.notifications.api import router as notifications_router
from chainboard.projects.api import router as projects_router
from chainboard.supply.api import router as supply_router

log = logging.getLogger("chainboard.api")


class LocalSwagger(Swagger):
    """``/api/docs``: Swagger UI from the npm package ``swagger-ui-dist`` (copied to
    ``static/vendor/`` by ``make assets``, like ECharts), never a CDN and never ninja's own copy.

    ninja renders its CDN template unless ``ninja`` is an installed app; this page always renders
    ``templates/api/docs.html`` with Django, so ``ninja`` stays out of ``INSTALLED_APPS``.
    """

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="chainboard API",
    version="1",
    description="产业链挂图作战平台 API。所有查询均按当前用户的管辖范围过滤。",
    auth=django_auth,
    urls_namespace="api",
    docs=LocalSwagger(settings={"validatorUrl": None, "defaultModelsExpandDepth": -1}),
)
api.add_router("/enterprises/", enterprises_router)
api.add_router("/regions/", regions_router)
api.add_router("/imports/", imports_router)
api.add_router("/chains/", chains_router)
api.add_router("/evaluation/", evaluation_router)
api.add_router("/projects/", projects_router)
api.add_router("/supply/", supply_router)
api.add_router("/requests/", requests_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/chiefs/", chiefs_router)
api.add_router("/investment/", investment_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, OutOfScope):
        security_event_record("permission_denied", request=request, detail=exc.message)
    if isinstance(exc, EditConflict):  # 409: the other user's values and the version to merge on
        return api.create_response(request, exc.payload(), status=exc.status_code)
    return api.create_response(
        request,
        {"code": exc.code, "message": exc.message, "fields": exc.fields},
        status=exc.status_code,
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = (
        {k: "；".join(v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
    )
    return api.create_response(
        request,
        {"code": "invalid", "message": "；".join(exc.messages), "fields": fields},
        status=400,
    )


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A malformed parameter or body (``year=abc``, a missing field): 400 with a Chinese message,
    the offending fields by name, never ninja's default English 422."""
    fields: dict[str, str] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
        fields[".".join(loc) or "请求"] = "格式不正确"
    message = "请求参数格式不正确：" + "、".join(fields) if fields else "请求参数格式不正确"
    return api.create_response(
        request, {"code": "invalid", "message": message, "fields": fields}, status=400
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """``get_object_or_404`` and friends: the text says which model; keep it out of the body."""
    return api.create_response(
        request, {"code": "not_found", "message": "未找到请求的内容"}, status=404
    )


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": "unauthorized", "message": "请先登录"}, status=401)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    security_event_record("permission_denied", request=request)
    return api.create_response(request, {"code": "forbidden", "message": "无权访问"}, status=403)


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else is a bug: log the traceback, answer 500 without internals (even with DEBUG)."""
    log.error("API %s %s failed", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        {"code": "server_error", "message": "服务器内部错误，请稍后再试或联系管理员"},
        status=500,
    )
