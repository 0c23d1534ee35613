"""Every PDF of the app: a Django template → HTML → PDF (WeasyPrint), in one font family.

The 评价公告, the 周调度表 and 月评比通报, and the chain brief are all made by :func:`render_pdf`.
It adds one base stylesheet, so every page, page-margin box (page numbers) and table is set in
**Noto Sans CJK SC**, with **Noto Serif CJK SC** for titles (``h1``, ``.serif``) — the Simplified
Chinese faces of Debian's ``fonts-noto-cjk``. Inline SVG charts do not take the document's CSS in
WeasyPrint: their builders open the drawing with :func:`svg_open`, which names the family on the
``<svg>`` element. Without it a chart fell back to fontconfig's defaults — the Japanese face for
the 汉字 and DejaVu for the digits (issue 15: the 评价公告 mixed them).

After rendering, :func:`render_pdf` checks the fonts WeasyPrint embedded (it embeds a subset of
every font it uses): when no Noto CJK SC face was found (the fonts are not installed on this
server) it raises :class:`PdfFontsMissing` instead of returning a PDF of empty boxes; a character
outside the family (an emoji in a firm name) falls back to another font and is logged.
Tests list the embedded fonts with ``tests/pdfs.py`` (pypdf) and, where installed, ``pdffonts``
(poppler-utils).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from chainboard.core.errors import DomainError

log = logging.getLogger("chainboard.pdf")

SANS = "Noto Sans CJK SC"
SERIF = "Noto Serif CJK SC"
FAMILIES = frozenset({SANS, SERIF})

BASE_CSS = f"""
@page {{ font-family: "{SANS}"; }}
html, body, table, input, textarea, button {{ font-family: "{SANS}"; }}
h1, .serif {{ font-family: "{SERIF}"; }}
"""


class PdfFontsMissing(DomainError):
    """The server lacks the Noto CJK SC fonts: a PDF would show empty boxes for every 汉字."""


def svg_open(width: float, height: float, *, font_size: float = 11, extra: str = "") -> str:
    """The opening ``<svg>`` tag of a chart drawn for a PDF, in the PDF's font family."""
    attributes = f' width="{width}" height="{height}" font-size="{font_size}" font-family="{SANS}"'
    return f'<svg xmlns="http://www.w3.org/2000/svg"{attributes}{" " + extra if extra else ""}>'


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    request: HttpRequest | None = None,
) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes (fonts: see the module docstring)."""
    from weasyprint import CSS, HTML

    html = render_to_string(template, context, request=request)
    document = HTML(string=html).render(stylesheets=[CSS(string=BASE_CSS)])
    data: bytes = document.write_pdf()
    _check_fonts(template, {font.family for font in document.fonts.values()})
    return data


def _check_fonts(template: str, used: set[str]) -> None:
    if used and not used & FAMILIES:
        raise PdfFontsMissing(
            "服务器未安装 PDF 所用的中文字体 Noto Sans/Serif CJK SC"
            "（Debian/Ubuntu：apt install fonts-noto-cjk），请联系管理员"
        )
    others = sorted(used - FAMILIES)
    if others:
        log.warning("%s: characters outside Noto CJK SC set in %s", template, ", ".join(others))
