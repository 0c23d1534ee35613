"""Refuse an oversize request body early: 413 with a Chinese message, never a 500.

:class:`RequestSizeLimitMiddleware` (first in ``MIDDLEWARE``) answers 413 from the declared
``Content-Length`` before anything reads the body. A body without a length (chunked) is counted
while Django parses it: :class:`SizeLimitedUploadHandler` (first in ``FILE_UPLOAD_HANDLERS``)
stops the upload once it passes the cap and flags the request, and the middleware turns whatever
the view answered into the same 413. The cap is ``CHAINBOARD_MAX_UPLOAD_BYTES``
(``CHAINBOARD_MAX_UPLOAD_MB``, 50 by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape

FLAG = "_chainboard_upload_too_large"


def too_large_message() -> str:
    mb = settings.CHAINBOARD_MAX_UPLOAD_BYTES / (1024 * 1024)
    return f"上传内容超过 {mb:g} MB 的上限，已拒绝；请拆分文件后重新上传"


def too_large_response(request: HttpRequest) -> HttpResponse:
    message = too_large_message()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=413, json_dumps_params={"ensure_ascii": False}
        )
    page = (
        '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>文件过大</title>'
        f"<body><h1>文件过大</h1><p>{escape(message)}</p>"
        '<p><a href="javascript:history.back()">返回</a></p></body></html>'
    )
    return HttpResponse(page, status=413, content_type="text/html; charset=utf-8")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.CHAINBOARD_MAX_UPLOAD_BYTES:
            return too_large_response(request)
        response = self.get_response(request)
        if getattr(request, FLAG, False):
            return too_large_response(request)
        return response


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts the multipart body as it streams and stops past the cap (no length declared)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.CHAINBOARD_MAX_UPLOAD_BYTES:
            if self.request is not None:
                setattr(self.request, FLAG, True)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
