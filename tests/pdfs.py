"""Read a PDF back in tests: its embedded fonts (pypdf; ``pdffonts`` from poppler-utils too).

Every PDF of the app must be set in one family, Noto Sans/Serif CJK SC, all embedded
(``chainboard.core.pdf``); :func:`assert_cjk_sc_fonts` checks both.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

FAMILY_PREFIXES = ("Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC")


def pdf_fonts(body: bytes) -> dict[str, bool]:
    """{PostScript name without the subset tag: embedded?} of every font on every page, the
    fonts of form XObjects (SVG charts) included."""
    from pypdf import PdfReader

    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(body)).pages:
        for font in _fonts_of(page.get("/Resources")):
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            name = str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]
            found[name] = found.get(name, True) and embedded
    return found


def _fonts_of(resources: Any, depth: int = 0) -> list[Any]:
    if resources is None or depth > 8:
        return []
    resources = resources.get_object()
    fonts = [f.get_object() for f in resources.get("/Font", {}).get_object().values()]
    for xobject in resources.get("/XObject", {}).get_object().values():
        sub = xobject.get_object()
        if "/Resources" in sub:
            fonts += _fonts_of(sub["/Resources"], depth + 1)
    return fonts


def pdffonts_names(body: bytes) -> list[tuple[str, str]] | None:
    """(name, emb column) per font as poppler's ``pdffonts`` lists them; None without it."""
    if not shutil.which("pdffonts"):
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "check.pdf"
        path.write_bytes(body)
        out = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
    rows = out.splitlines()[2:]  # header and rule
    return [(row.split()[0].split("+", 1)[-1], row.split()[-5]) for row in rows if row.strip()]


def assert_cjk_sc_fonts(body: bytes) -> dict[str, bool]:
    """Every font Noto Sans/Serif CJK SC and embedded (no Japanese face, no DejaVu)."""
    fonts = pdf_fonts(body)
    assert fonts, "no fonts in the PDF"
    assert all(name.startswith(FAMILY_PREFIXES) for name in fonts), fonts
    assert all(fonts.values()), fonts
    listed = pdffonts_names(body)
    if listed is not None:
        assert listed and all(
            n.startswith(FAMILY_PREFIXES) and emb == "yes" for n, emb in listed
        ), listed
    return fonts
