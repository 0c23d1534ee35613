"""Download responses carry Chinese file names per RFC 6266 (``filename*=UTF-8''...``)."""

from __future__ import annotations

import io
from urllib.parse import unquote

from chainboard.core.downloads import content_disposition, download


def test_chinese_name_with_ascii_fallback():
    header = content_disposition("月评比-2026年11月.csv")
    assert header.startswith('attachment; filename="2026_11.csv"; ')
    encoded = header.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "月评比-2026年11月.csv" and encoded.isascii()
    assert content_disposition("简报.pdf", inline=True).startswith(
        'inline; filename="download.pdf"'
    )
    # quotes, semicolons and line breaks cannot break out of the header
    hostile = content_disposition('a";b\r\nX-Evil: 1.xlsx')
    assert "\r" not in hostile and "\n" not in hostile and hostile.count('"') == 2


def test_download_types_and_bodies(tmp_path):
    csv = download(b"a,b\n", "月评比-2026年11月.csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8" and csv.content == b"a,b\n"
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK")
    xlsx = download(path, "企业名录.xlsx")
    assert not path.exists()  # the temporary file is removed once opened
    assert b"".join(xlsx.streaming_content) == b"PK"
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = download(io.BytesIO(b"%PDF"), "亩均评价公告-2025年.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''" in pdf["Content-Disposition"]
