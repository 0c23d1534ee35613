"""Evaluation exports: the result table (CSV/xlsx, CLI and web) and the PDF bulletin."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from django.utils.timezone import localtime

from chainboard_analytics.evaluation import MuMethod
from chainboard_analytics.exports import Kind, Workbook, frame_columns, frame_rows, write_csv

HEAD = ["统一社会信用代码", "企业名称", "总得分", "排名", "等级"]
TAIL = ["评价分组", "组内企业数", "上年等级", "等级说明"]
#: the web export adds the class policy's effect on the firm (万元/年, > 0 extra cost)
POLICY_COLS = ["差别化政策影响(万元/年)", "政策影响计算"]


def result_frame_from_analytics(out: pd.DataFrame, method: MuMethod) -> pd.DataFrame:
    """The published-list layout from :func:`evaluate_mu` output (CLI)."""
    names = {g.id: g.name for g in method.groups}
    rows = []
    for r in out.to_dict("records"):
        row: dict[str, Any] = {
            "统一社会信用代码": r["uscc"],
            "企业名称": r["name"],
            "总得分": None if pd.isna(r["total"]) else round(float(r["total"]), 2),
            "排名": None if pd.isna(r["rank"]) else int(r["rank"]),
            "等级": r["klass"],
        }
        for ind in method.indicator_ids:
            v, s = r.get(f"v_{ind}"), r.get(f"s_{ind}")
            row[_value_col(method, ind)] = None if v is None or pd.isna(v) else round(float(v), 4)
            row[_score_col(method, ind)] = None if s is None or pd.isna(s) else round(float(s), 2)
        row["评价分组"] = names[r["group"]]
        row["组内企业数"] = None if pd.isna(r["n_group"]) else int(r["n_group"])
        row["上年等级"] = r.get("prev_klass") or ""
        row["等级说明"] = r["explanation"]
        rows.append(row)
    return _ints(pd.DataFrame(rows, columns=columns(method)))


def _ints(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("排名", "组内企业数"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _value_col(method: MuMethod, ind: str) -> str:
    i = next(i for g in method.groups for i in g.indicators if i.id == ind)
    return f"{i.name}({i.unit})"


def _score_col(method: MuMethod, ind: str) -> str:
    return f"{method.indicator_names()[ind]}得分"


def columns(method: MuMethod) -> list[str]:
    cols = list(HEAD)
    for ind in method.indicator_ids:
        cols += [_value_col(method, ind), _score_col(method, ind)]
    return cols + TAIL


def result_frame_from_rows(
    results: Iterable[Any], method: MuMethod, *, effects: dict[int, Any] | None = None
) -> pd.DataFrame:
    """The same layout from stored :class:`EvaluationResult` rows (web export).

    ``effects`` (enterprise id → (effect lines, net 万元), from
    :func:`chainboard.evaluation.selectors.run_policy_effects`) adds the policy columns.
    """
    rows = []
    for res in results:
        row: dict[str, Any] = {
            "统一社会信用代码": res.enterprise.uscc,
            "企业名称": res.enterprise.name,
            "总得分": None if res.total is None else round(res.total, 2),
            "排名": res.rank,
            "等级": res.klass,
        }
        for ind in res.indicators:
            row[_value_col(method, ind["id"])] = ind["value"]
            row[_score_col(method, ind["id"])] = (
                None if ind["score"] is None else round(ind["score"], 2)
            )
        row.update(
            {
                "评价分组": res.group_name,
                "组内企业数": res.n_group,
                "上年等级": res.prev_klass,
                "等级说明": res.explanation,
            }
        )
        if effects is not None:
            lines, net = effects.get(res.enterprise_id, ([], None))
            row[POLICY_COLS[0]] = net
            row[POLICY_COLS[1]] = "；".join(
                f"{e.item}：{e.formula}"
                + ("" if e.amount_wan_yuan is None else f" = {e.amount_wan_yuan:.2f} 万元")
                for e in lines
            )
        rows.append(row)
    cols = columns(method) + (POLICY_COLS if effects is not None else [])
    return _ints(pd.DataFrame(rows, columns=cols))


#: column kinds by title; other numeric columns (indicator values and scores) show 2 decimals
KINDS: dict[str, Kind] = {
    "排名": "int",
    "组内企业数": "int",
    "未达标项数": "int",
    "等级说明": "wrap",
    "差距": "wrap",
    "政策影响计算": "wrap",
}


def write_table(frame: pd.DataFrame, path: str | Path, *, sheet: str = "评价结果") -> Path:
    """Write CSV (UTF-8 with BOM, opens in Excel) or xlsx by the file suffix, through the shared
    safe writer: xlsx values show 2 decimals, the CSV keeps 4 (the published-list precision)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        with Workbook(path, constant_memory=True) as book:
            columns = frame_columns(frame, KINDS, numbers="num2")
            book.sheet(sheet, columns, freeze_cols=2).rows(frame_rows(frame))
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            write_csv(out, frame_columns(frame, KINDS, numbers="num4"), frame_rows(frame))
    else:
        raise ValueError(f"{path}: the output must end in .csv or .xlsx")
    return path


def temp_path(suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    return Path(name)


def tier_frame(
    cands: pd.DataFrame, names: dict[str, str], statuses: dict[str, str]
) -> pd.DataFrame:
    rows: Sequence[dict[str, Any]] = [
        {
            "统一社会信用代码": r.uscc,
            "企业名称": r.name,
            "区县": r.region_name,
            "梯度": names.get(r.tier, r.tier),
            "状态": "已认定" if r.held else statuses.get(r.status, r.status),
            "未达标项数": r.failures,
            "差距": "；".join(r.gaps),
            "缺少数据": "、".join(r.missing),
        }
        for r in cands.itertuples(index=False)
    ]
    return pd.DataFrame(rows)


KINDS.update(
    {
        "异议编号": "int",
        "附件数": "int",
        "原排名": "int",
        "新排名": "int",
        "异议理由": "wrap",
        "答复意见": "wrap",
    }
)


def objection_frame(objections: Iterable[Any]) -> pd.DataFrame:
    """One row per 异议: firm, reason, attachments, outcome, answer, who/when, class before/after."""
    rows = [
        {
            "异议编号": o.pk,
            "统一社会信用代码": o.enterprise.uscc,
            "企业名称": o.enterprise.name,
            "区县": o.enterprise.region.name,
            "提出时间": localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
            "异议理由": o.reason,
            "附件数": len(o.attachments.all()),
            "状态": o.get_status_display(),
            "答复意见": o.answer,
            "答复人": o.answered_by.get_username() if o.answered_by else "",
            "答复时间": localtime(o.answered_at).strftime("%Y-%m-%d %H:%M")
            if o.answered_at
            else "",
            "提出时等级": o.klass_filed,
            "答复后等级": o.klass_answered,
        }
        for o in objections
    ]
    return pd.DataFrame(rows, columns=OBJECTION_COLUMNS)


OBJECTION_COLUMNS = [
    "异议编号",
    "统一社会信用代码",
    "企业名称",
    "区县",
    "提出时间",
    "异议理由",
    "附件数",
    "状态",
    "答复意见",
    "答复人",
    "答复时间",
    "提出时等级",
    "答复后等级",
]


def class_change_frame(changes: Iterable[Any]) -> pd.DataFrame:
    """Every firm whose class a re-scoring in 复核 changed."""
    rows = [
        {
            "异议编号": c.rescore.objection_id,
            "重新评分时间": localtime(c.rescore.created_at).strftime("%Y-%m-%d %H:%M"),
            "统一社会信用代码": c.enterprise.uscc,
            "企业名称": c.enterprise.name,
            "评价分组": c.group_name or c.group,
            "原等级": c.klass_before,
            "新等级": c.klass_after,
            "原总得分": c.total_before,
            "新总得分": c.total_after,
            "原排名": c.rank_before,
            "新排名": c.rank_after,
        }
        for c in changes
    ]
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    for col in ("异议编号", "原排名", "新排名"):
        frame[col] = frame[col].astype("Int64")
    return frame


CHANGE_COLUMNS = [
    "异议编号",
    "重新评分时间",
    "统一社会信用代码",
    "企业名称",
    "评价分组",
    "原等级",
    "新等级",
    "原总得分",
    "新总得分",
    "原排名",
    "新排名",
]


def write_objections(objections: pd.DataFrame, changes: pd.DataFrame, path: Path) -> Path:
    """The 异议 report workbook: sheet 异议 and sheet 等级变化."""
    with Workbook(path, constant_memory=True) as book:
        book.sheet("异议", frame_columns(objections, KINDS, numbers="num2"), freeze_cols=3).rows(
            frame_rows(objections)
        )
        book.sheet("等级变化", frame_columns(changes, KINDS, numbers="num2"), freeze_cols=4).rows(
            frame_rows(changes)
        )
    return path
