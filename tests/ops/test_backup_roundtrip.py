"""Backup → change and delete data → restore gives back every table and file exactly."""

from __future__ import annotations

import json
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from chainboard.enterprises.models import Enterprise, EnterpriseYear, Qualification
from chainboard.imports.models import ImportBatch
from chainboard.ops.services import backup_create, backup_restore
from tests.factories import EnterpriseFactory
from tests.ops.conftest import table_fingerprint, var_files


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_and_file(city, var_dirs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = table_fingerprint(connection)
    files_before = var_files(var_dirs)
    assert before["enterprises_enterprise"][0] == 12
    assert before["enterprises_historicalenterprise"][0] >= 12
    assert {"uploads/0f1e2d3c.xlsx", "boundaries/130500.json"} <= set(files_before)

    result = backup_create(out=tmp_path / "backups" / "b.tar.gz")
    manifest = result.manifest
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["tables"] == {table: count for table, (count, _) in before.items()}
    assert (
        manifest["migrations"]["latest"]["enterprises"]
        == (manifest["migrations"]["applied"]["enterprises"][-1])
    )
    assert manifest["files"] == {
        "count": 3,
        "missing": [],
        "roots": {
            "uploads": str(var_dirs / "uploads"),
            "media": str(var_dirs / "media"),
            "boundaries": str(var_dirs / "boundaries"),
        },
    }
    with tarfile.open(result.path, "r:gz") as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert set(names[1:]) == set(manifest["members"])
    assert f"files/media/{city['photo']}" in names

    # change, add and delete data and files
    firm = city["firms"][0]
    Enterprise.objects.filter(pk=firm.pk).update(name="改名后的公司")
    EnterpriseYear.objects.filter(enterprise=city["firms"][1]).update(revenue_wan_yuan=Decimal(1))
    Qualification.objects.all().delete()
    ImportBatch.objects.all().delete()
    EnterpriseFactory(name="备份之后新增的公司")
    city["upload"].unlink()
    (var_dirs / "media" / city["photo"]).write_bytes(b"overwritten")
    (var_dirs / "boundaries" / "130500.json").write_text("{}", encoding="utf-8")
    changed = table_fingerprint(connection)
    assert changed != before

    restored = backup_restore(path=result.path, force=True)

    assert table_fingerprint(connection) == before
    assert var_files(var_dirs) == files_before
    assert restored.files == 3
    assert restored.pending_migrations == []
    assert Enterprise.objects.get(pk=firm.pk).name == firm.name


@pytest.mark.django_db(transaction=True)
def test_restore_into_another_installation_moves_upload_paths(  # type: ignore[no-untyped-def]
    city, var_dirs, tmp_path, settings
) -> None:
    result = backup_create(out=tmp_path / "b.tar.gz")
    elsewhere = tmp_path / "other-var"
    settings.VAR_DIR = elsewhere
    settings.UPLOAD_DIR = elsewhere / "uploads"
    settings.MEDIA_ROOT = elsewhere / "media"

    restored = backup_restore(path=result.path, force=True)

    assert restored.relocated_uploads == 1
    stored = Path(ImportBatch.objects.get().stored_path)
    assert stored == elsewhere / "uploads" / "0f1e2d3c.xlsx"
    assert stored.read_bytes() == city["upload"].read_bytes()
    assert (elsewhere / "media" / city["photo"]).is_file()
    assert json.loads((elsewhere / "boundaries" / "130500.json").read_text())["region"] == "130500"
