"""Small private helpers shared by the progress modules: safe ratios, flag columns,
feature numbering and the problem list of a DataError/RulesetError message."""

from __future__ import annotations

import pandas as pd

from townsgis.messages import msg, register

register(
    {
        "table.more": ("……另有 {n} 个", "… and {n} more"),
        "table.row": ("第 {row} 行", "row {row}"),
        "table.row_col": ("第 {row} 行“{col}”列", "row {row}, column {col}"),
        "progress.bad_stage": (
            "第 {n} 个要素（project_id {id}）的 stage_history 列：{entry} 不是“季度:阶段”形式，"
            "阶段须为 {stages} 之一",
            "feature {n} (project_id {id}), column stage_history: entry {entry} is not "
            "QUARTER:STAGE with STAGE one of {stages}",
        ),
        "progress.empty_history": (
            "第 {n} 个要素（project_id {id}）的 stage_history 列为空；每个项目至少要有第一个阶段，"
            "如 2018Q1:reserve",
            "feature {n} (project_id {id}), column stage_history: empty; every project needs at "
            "least its first stage, e.g. 2018Q1:reserve",
        ),
        "progress.stall_min": (
            "--stall-quarters 至少为 1，实际为 {n}",
            "--stall-quarters must be at least 1, got {n}",
        ),
        "progress.unknown_metric": (
            "目标 {id}：未知的指标 {metric}",
            "target {id}: unknown metric {metric}",
        ),
        "progress.bad_comparison": (
            "目标 {id}：比较符 {comparison} 不是 {allowed} 之一",
            "target {id}: comparison {comparison} is not one of {allowed}",
        ),
        "progress.known_metrics": ("已知指标：{metrics}", "known metrics: {metrics}"),
        "progress.not_quarter": (
            "{text} 不是季度；请写成 YYYYQn，如 2019Q2",
            "{text} is not a quarter; write it as YYYYQn, e.g. 2019Q2",
        ),
        "progress.quarter_outside": (
            "季度 {quarter} 不在指标表的范围内（{first}–{last}）",
            "quarter {quarter} is outside the indicators table ({first}–{last})",
        ),
        "progress.quarter_outside_history": (
            "{source}：季度 {quarter} 不在项目阶段记录的范围内（{first}–{last}）",
            "{source}: quarter {quarter} is outside the projects' stage histories ({first}–{last})",
        ),
        "progress.no_projects": ("{source}：没有可上图的项目", "{source}: no projects to map"),
    }
)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.Series(num, dtype=float)
    den = pd.Series(den, dtype=float)
    return (num / den.where(den > 0)).fillna(0.0)


def _any_true(df: pd.DataFrame, col: str) -> bool:
    return col in df and bool(df[col].astype(str).str.lower().isin(["true", "1", "yes"]).any())


def _pos(df: pd.DataFrame, label) -> int:
    return int(df.index.get_loc(label)) + 1


def _problem_text(source: str, problems: list[str], limit: int = 25) -> str:
    shown = problems[:limit]
    more = f"\n  {msg('table.more', n=len(problems) - limit)}" if len(problems) > limit else ""
    n = len(problems)
    head = msg("schema.problem" if n == 1 else "schema.problems", source=source, n=n)
    return head + "\n" + "\n".join(f"  - {p}" for p in shown) + more


def _cell(row, col: str | None = None) -> str:
    """Where a table problem is: ``第 3 行“fai”列`` / ``row 3, column fai``."""
    return msg("table.row", row=row) if col is None else msg("table.row_col", row=row, col=col)
