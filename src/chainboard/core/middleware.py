"""Site-wide middleware: the Chinese-first locale and the HTML error mapper.

Chinese first: the UI language is the user's explicit choice (cookie), else zh-hans.

Django's LocaleMiddleware would follow the browser's Accept-Language and show English to most
browsers in their default configuration; the product is Chinese-first, so we ignore that header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.signals import access_denied

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class DomainErrorMiddleware:
    """The HTML views' error mapper, like the API's (``api.py``): a ``DomainError`` that escapes
    a view becomes the Chinese error page with its status — ``NotFound`` 404 (an object outside
    the user's scope is not revealed), ``OutOfScope`` 403 (a change the user may not make), any
    other rule 400 — and its message. Views catch a ``DomainError`` only to show it in a form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, OutOfScope):
            access_denied.send(sender=type(self), request=request, message=exception.message)
        status = exception.status_code if exception.status_code in (403, 404) else 400
        return render(request, f"{status}.html", {"exception": exception.message}, status=status)
