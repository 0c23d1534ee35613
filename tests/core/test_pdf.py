"""The one PDF renderer (chainboard.core.pdf): one Noto CJK SC family, embedded, checked."""

from __future__ import annotations

import logging

import pytest
from tests.pdfs import assert_cjk_sc_fonts, pdf_fonts

from chainboard.core.pdf import PdfFontsMissing, _check_fonts, render_pdf, svg_open

PAGE = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><style>
@page {{ @bottom-center {{ content: counter(page) " / " counter(pages); }} }}
</style></head><body><h1>2025年度亩均效益评价结果公告</h1><p>宁晋县 A类 <b>12家</b> 36.5%</p>
{svg}<text>沙河市 8</text></svg></body></html>"""


@pytest.fixture
def page_template(settings, tmp_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "templates"
    (folder / "t").mkdir(parents=True)
    (folder / "t" / "page.html").write_text(
        PAGE.format(svg=svg_open(300, 40, font_size=11)).replace("<text>", '<text x="4" y="20">'),
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [folder]}
    ]
    return "t/page.html"


def test_every_font_is_noto_cjk_sc_and_embedded(page_template):
    """Title (serif bold), text (sans, bold), the page-number margin box and an SVG chart."""
    fonts = assert_cjk_sc_fonts(render_pdf(page_template, {}))
    assert set(fonts) == {"Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC", "Noto-Sans-CJK-SC-Bold"}


def test_the_same_page_without_the_helper_mixes_faces():
    """What issue 15 saw: WeasyPrint's defaults set the page numbers and an SVG chart without a
    family in fontconfig's fallback fonts (the Japanese face, DejaVu)."""
    from weasyprint import HTML

    html = PAGE.format(
        svg='<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40" font-size="11">'
    ).replace("<text>", '<text x="4" y="20">')
    fonts = pdf_fonts(HTML(string=html).write_pdf())
    assert not all(name.startswith(("Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC")) for name in fonts)


def test_missing_fonts_fail_loudly_and_a_stray_fallback_is_logged(caplog):
    with pytest.raises(PdfFontsMissing, match="fonts-noto-cjk"):
        _check_fonts("t.html", {"DejaVu Sans"})
    with caplog.at_level(logging.WARNING, logger="chainboard.pdf"):
        _check_fonts("t.html", {"Noto Sans CJK SC", "Noto Color Emoji"})
    assert "Noto Color Emoji" in caplog.text
    _check_fonts("t.html", set())  # a PDF without text
