"""``chainboard evaluate mu|tiers``: CSV/xlsx output, stored runs, located method errors."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from chainboard.evaluation.models import EvaluationRun

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_mu_to_csv_has_the_published_list_columns(small_city, tmp_path):
    path = tmp_path / "zj.csv"
    text = run("mu", "--year", "2025", "--method", "zhejiang", "--out", str(path))
    assert "22 firms evaluated" in text and "A:" in text
    frame = pd.read_csv(path, dtype={"统一社会信用代码": str})
    assert list(frame.columns[:5]) == ["统一社会信用代码", "企业名称", "总得分", "排名", "等级"]
    assert list(frame.columns[5:7]) == ["亩均税收(万元/亩)", "亩均税收得分"]
    assert len(frame) == 22 and set(frame["等级"]) <= {"A", "B", "C", "D", "T"}
    top = frame.iloc[0]
    assert top["统一社会信用代码"] == small_city[19].uscc and top["排名"] == 1
    # tax 215 / 10 亩 = 21.5 万元/亩 → 21.5 ÷ 24.097 × 30
    assert top["亩均税收得分"] == pytest.approx(21.5 / 24.097 * 30, abs=0.01)
    assert EvaluationRun.objects.count() == 0  # not stored without --save


def test_mu_xlsx_anhui_and_region(small_city, tmp_path):
    path = tmp_path / "ah.xlsx"
    run("mu", "--year", "2025", "--method", "anhui", "--region", "130582", "--out", str(path))
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 8 and all(r[1].startswith("沙河") for r in rows[1:])


def test_mu_method_file_and_errors(small_city, tmp_path):
    from chainboard_analytics.evaluation.methods import METHODS_DIR

    good = tmp_path / "mine.yaml"
    good.write_text((METHODS_DIR / "zhejiang.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert "22 firms" in run("mu", "--year", "2025", "--method", str(good))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        good.read_text(encoding="utf-8").replace("weight: 30", "weight: 35"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"bad\.yaml:\d+: weights of group 'above' sum to 105"):
        run("mu", "--year", "2025", "--method", str(bad))
    with pytest.raises(CommandError, match="no firm has figures for 2031"):
        run("mu", "--year", "2031", "--method", "zhejiang")
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        run("mu", "--year", "2025", "--method", "zhejiang", "--out", str(tmp_path / "x.txt"))


def test_mu_save_and_publish(small_city, city_analyst, tmp_path):
    text = run(
        "mu",
        "--year",
        "2025",
        "--method",
        "zhejiang",
        "--save",
        "--publish",
        "--user",
        "analyst",
        "--out",
        str(tmp_path / "r.csv"),
    )
    assert "created, published: 22 firms" in text
    assert "unchanged" in run(
        "mu", "--year", "2025", "--method", "zhejiang", "--save", "--user", "analyst"
    )
    assert EvaluationRun.objects.get().published
    assert len(pd.read_csv(tmp_path / "r.csv")) == 22
    with pytest.raises(CommandError, match="need --user"):
        run("mu", "--year", "2025", "--method", "zhejiang", "--save")


def test_tiers_command(small_city, tmp_path):
    path = tmp_path / "tiers.xlsx"
    text = run("tiers", "--year", "2025", "--out", str(path))
    assert "高新技术企业" in text
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("统一社会信用代码", "企业名称", "区县", "梯度", "状态")
    assert len(rows) == 1 + 22 * 6
