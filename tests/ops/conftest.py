"""Backup/restore fixtures: a real database of each engine, var/ folders in tmp, a small city."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import tarfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def var_dirs(settings, tmp_path):  # type: ignore[no-untyped-def]
    """var/ (uploads, media, boundaries) in a scratch folder, never the developer's var/."""
    var = tmp_path / "var"
    settings.VAR_DIR = var
    settings.UPLOAD_DIR = var / "uploads"
    settings.MEDIA_ROOT = var / "media"
    for folder in ("uploads", "media", "boundaries"):
        (var / folder).mkdir(parents=True)
    return var


@pytest.fixture
def sqlite_file_db(transactional_db, tmp_path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """The test database copied into a SQLite *file* (WAL, like a real installation), used as
    the default connection for the test; the in-memory test database is left as it was."""
    from django.db import connections

    memory = connections["default"]
    if memory.vendor != "sqlite":
        pytest.skip("SQLite 文件库测试只在 SQLite 上运行")
    path = tmp_path / "chainboard.sqlite3"
    memory.ensure_connection()
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    wrapper = memory.__class__({**memory.settings_dict, "NAME": str(path)}, alias="default")
    connections["default"] = wrapper
    try:
        yield path
    finally:
        wrapper.close()
        connections["default"] = memory


@pytest.fixture
def postgres_db(transactional_db):  # type: ignore[no-untyped-def]
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    return connection


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://…"),
            ],
        ),
    ]
)
def engine_db(request):  # type: ignore[no-untyped-def]
    """The live database of one engine: a SQLite file, or the PostgreSQL test database."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_file_db")
    return request.getfixturevalue("postgres_db")


@pytest.fixture
def city(engine_db, var_dirs):  # type: ignore[no-untyped-def]
    """A small realistic registry: users, parks, firms with yearly figures and qualifications,
    projects with weekly updates (one with a site photo), an accepted import batch with its
    stored upload, and a map outline under var/boundaries."""
    from django.conf import settings

    from chainboard.geo.models import Region
    from chainboard.imports.models import ImportBatch
    from chainboard.projects.models import ProjectUpdate
    from tests.factories import (
        EnterpriseFactory,
        EnterpriseYearFactory,
        ParkFactory,
        ProjectFactory,
        QualificationFactory,
        UserFactory,
    )

    ningjin = Region.objects.get(pk="130528")
    shahe = Region.objects.get(pk="130582")
    admin = UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)
    UserFactory(username="ningjin", role="region_staff", scope_region=ningjin)
    park = ParkFactory(region=ningjin)
    firms = []
    for i in range(12):
        firm = EnterpriseFactory(
            region=ningjin if i % 3 else shahe,
            park=park if i % 2 else None,
            name=f"测试电缆有限公司{i}",
            business_scope=f"电线电缆制造；第{i}号经营范围",
        )
        for year in (2022, 2023, 2024):
            EnterpriseYearFactory(
                enterprise=firm,
                year=year,
                revenue_wan_yuan=Decimal(1000 + 37 * i + year % 100),
                employees=50 + i,
            )
        if i % 4 == 0:
            QualificationFactory(enterprise=firm)
        firms.append(firm)
    photo = "projects/photos/2025/03/现场.jpg"
    (Path(settings.MEDIA_ROOT) / photo).parent.mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / photo).write_bytes(b"\xff\xd8\xff\xe0 fake jpeg " * 40)
    for i in range(3):
        project = ProjectFactory(region=ningjin, investor=firms[i])
        ProjectUpdate.objects.create(
            project=project,
            week=dt.date(2025, 3, 3),
            done_this_week=f"完成厂房主体第{i}层",
            investment_period_wan_yuan=Decimal("150.5"),
            investment_cumulative_wan_yuan=Decimal("900"),
            submitted_at=dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC),
            author=admin,
            photo=photo if i == 0 else "",
        )
    upload = Path(settings.UPLOAD_DIR) / "0f1e2d3c.xlsx"
    upload.write_bytes(b"PK\x03\x04 accepted batch workbook")
    ImportBatch.objects.create(
        kind="enterprises",
        filename="企业名录.xlsx",
        stored_path=str(upload),
        actor=admin,
        status="committed",
        total_rows=12,
        created_count=12,
    )
    (Path(settings.VAR_DIR) / "boundaries" / "130500.json").write_text(
        json.dumps({"type": "FeatureCollection", "region": "130500", "features": []}),
        encoding="utf-8",
    )
    return {"firms": firms, "photo": photo, "upload": upload}


def table_fingerprint(connection: Any) -> dict[str, tuple[int, str]]:
    """Every table's row count and a SHA-256 of its rows (ordered by every column)."""
    from chainboard.ops.inventory import quote, table_names

    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in table_names(connection):
            cursor.execute(f"SELECT * FROM {quote(connection, table)} WHERE 1 = 0")
            width = len(cursor.description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            cursor.execute(f"SELECT * FROM {quote(connection, table)} ORDER BY {order}")
            digest = hashlib.sha256()
            rows = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(row)).encode("utf-8"))
                rows += 1
            result[table] = (rows, digest.hexdigest())
    return result


def var_files(var: Path) -> dict[str, str]:
    return {
        p.relative_to(var).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(var.rglob("*"))
        if p.is_file() and p.parts[len(var.parts)] in ("uploads", "media", "boundaries")
    }


def archive_rewrite(
    src: Path,
    dst: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    member: Callable[[str, bytes], bytes | None] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy a backup archive, editing its manifest and members (None from ``member`` drops it)."""
    with tarfile.open(src, "r:gz") as tar:
        entries = [(info.name, tar.extractfile(info).read()) for info in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(dst, "w:gz") as out:
        for name, body in entries:
            if name == "manifest.json" and manifest is not None:
                data = json.loads(body)
                manifest(data)
                body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            elif member is not None:
                edited = member(name, body)
                if edited is None:
                    continue
                body = edited
            info = tarfile.TarInfo(name)
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))
        for name, body in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))
    return dst
