"""Small helpers shared by the page tests: log in, read tables, still charts, PDF checks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

# Runs before the page's own scripts: the first DOMContentLoaded listener, so it wraps
# echarts.init before static/js/charts.js draws anything. Charts then render in one frame and a
# screenshot never catches a half-grown bar or pie.
STILL_CHARTS = """
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  var init = echarts.init;
  echarts.init = function () {
    var chart = init.apply(this, arguments);
    var setOption = chart.setOption;
    chart.setOption = function (option) {
      var rest = Array.prototype.slice.call(arguments, 1);
      return setOption.apply(this, [Object.assign({}, option, { animation: false })].concat(rest));
    };
    return chart;
  };
});
"""


def login(page: Any, url: str, username: str, password: str = "pw-for-tests") -> None:
    """Log in through the form (charts on every later page are drawn without animation)."""
    page.add_init_script(STILL_CHARTS)
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    # officers land on the 驾驶舱 "/", enterprise users on their 企业画像 "/firm/<uscc>/"
    page.wait_for_url(lambda u: u.startswith(url) and "/accounts/login/" not in u)


def js_errors(page: Any) -> list[str]:
    """A list that fills with every uncaught JavaScript error of ``page`` (with its stack)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}\n{e.stack}"))
    return errors


def table_rows(page: Any, selector: str) -> list[list[str]]:
    """The cell texts of a table's body rows (``selector``: any playwright selector)."""
    return page.locator(f"{selector} tbody tr").evaluate_all(
        "rows => rows.map(tr => [...tr.cells].map(td => td.innerText.trim()))"
    )


def chart_option(page: Any, selector: str) -> dict[str, Any]:
    """The option an ECharts instance actually holds (after ``setOption``)."""
    return page.evaluate(
        "(sel) => echarts.getInstanceByDom(document.querySelector(sel)).getOption()", selector
    )


def pdf_fonts(body: bytes) -> set[tuple[str, bool]]:
    """(font name, embedded?) of every font on every page of a PDF (``tests/pdfs.py``)."""
    from tests.pdfs import pdf_fonts as fonts

    return set(fonts(body).items())


def pdf_text(body: bytes, page: int = 0) -> str:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(body)).pages[page].extract_text()


def render_pdf_page(body: bytes, path: Path, page: int = 0) -> None:
    """One PDF page as a PNG for a human to look at (pypdfium2 ships its own PDFium)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(body)
    try:
        doc[page].render(scale=1.5).to_pil().save(path)
    finally:
        doc.close()
