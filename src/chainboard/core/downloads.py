"""Download responses with Chinese file names (RFC 6266 ``filename*=UTF-8''...``).

Every export view returns :func:`download`; the file itself comes from
:mod:`chainboard_analytics.exports` (xlsx/CSV) or :mod:`chainboard.core.pdf` (PDF).
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
    ".pdf": "application/pdf",
    ".svg": "image/svg+xml; charset=utf-8",
}
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii-fallback.xlsx"; filename*=UTF-8''<percent-encoded UTF-8>``.

    The plain ``filename`` is for old clients (non-ASCII runs become ``_``); every current browser
    uses ``filename*`` and saves the Chinese name.
    """
    path = Path(filename)
    stem = _NOT_PLAIN.sub("_", path.stem).strip("_-.") or "download"
    fallback = stem + _NOT_PLAIN.sub("", path.suffix)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(
    data: bytes | str | IO[bytes] | Path,
    filename: str,
    *,
    inline: bool = False,
    content_type: str | None = None,
) -> HttpResponseBase:
    """A response sending ``data`` as ``filename``.

    ``data``: bytes, text (sent as UTF-8), a binary file object, or the path of a temporary file
    (opened, then unlinked: the open handle keeps it readable until the response is sent).
    """
    suffix = Path(filename).suffix.lower()
    kind = content_type or TYPES.get(suffix) or mimetypes.guess_type(filename)[0]
    kind = kind or "application/octet-stream"
    response: HttpResponseBase
    if isinstance(data, bytes | str):
        response = HttpResponse(data, content_type=kind)
    elif isinstance(data, Path):
        handle = data.open("rb")
        data.unlink()
        response = FileResponse(handle, content_type=kind)
    else:
        response = FileResponse(data, content_type=kind)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response
