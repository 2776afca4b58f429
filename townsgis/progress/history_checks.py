"""Findings (not exceptions) for stage histories that break the four-batches order
(§3.3.1) or disagree with the ``stage``/``stage_since`` fields."""

from __future__ import annotations

import pandas as pd

from townsgis.findings import Finding, Severity
from townsgis.progress._helpers import _pos
from townsgis.progress.quarters import format_quarter, quarter_index
from townsgis.progress.stages import STAGE_ZH, _last_change, parse_history


def history_findings(
    projects: pd.DataFrame, hist: pd.DataFrame | None = None, towns: pd.DataFrame | None = None
) -> list[Finding]:
    """Findings (not exceptions) for stage histories that break the four-batches order
    (§3.3.1): a stage that goes backwards, quarters out of order, and ``stage``/
    ``stage_since`` fields that disagree with the history. Each names the project's town
    with its ``name_zh`` from ``towns`` (the town id only when the town is not listed)."""
    hist = parse_history(projects) if hist is None else hist
    names: dict[str, str] = {}
    if towns is not None and {"town_id", "name_zh"} <= set(towns.columns):
        names = {str(k): str(v) for k, v in zip(towns["town_id"], towns["name_zh"], strict=False)}
    out: list[Finding] = []
    h = hist.sort_values(["row", "seq"])
    prev_rank = h.groupby("row")["rank"].shift()
    prev_q = h.groupby("row")["quarter"].shift()
    prev_stage = h.groupby("row")["stage"].shift()
    back = h[prev_rank.notna() & (h["rank"] < prev_rank)]
    for r in back.itertuples():
        ps = prev_stage.loc[r.Index]
        out.append(
            _finding(
                projects,
                names,
                r.row,
                "PROGRESS-STAGE-ORDER",
                f"项目阶段倒退：{format_quarter(r.quarter)} "
                f"从「{STAGE_ZH[ps]}」退回「{STAGE_ZH[r.stage]}」",
                f"stage goes backwards in {format_quarter(r.quarter)}: {ps} → {r.stage}",
                r.stage,
                ps,
            )
        )
    unordered = h[prev_q.notna() & (h["quarter"] <= prev_q)]
    for r in unordered.itertuples():
        out.append(
            _finding(
                projects,
                names,
                r.row,
                "PROGRESS-HISTORY-ORDER",
                f"阶段记录的季度未按时间顺序：{format_quarter(r.quarter)} 不晚于上一条",
                f"stage_history quarters out of order: {format_quarter(r.quarter)} is not after "
                "the previous entry",
                format_quarter(r.quarter),
                format_quarter(int(prev_q.loc[r.Index])),
            )
        )
    last = h.sort_values(["row", "quarter", "seq"]).groupby("row").last()
    if "stage" in projects:
        cur = projects.loc[last.index, "stage"].astype(str).str.lower()
        for row in last.index[cur.to_numpy() != last["stage"].to_numpy()]:
            out.append(
                _finding(
                    projects,
                    names,
                    row,
                    "PROGRESS-STAGE-FIELD",
                    f"stage 字段「{projects.at[row, 'stage']}」"
                    f"与阶段记录末项「{last.at[row, 'stage']}」不一致",
                    f"stage field {projects.at[row, 'stage']!r} disagrees with the last history "
                    f"entry {last.at[row, 'stage']!r}",
                    projects.at[row, "stage"],
                    last.at[row, "stage"],
                )
            )
    if "stage_since" in projects:
        since = quarter_index(projects.loc[last.index, "stage_since"].fillna(""))
        change = _last_change(h)
        for row in last.index[since.to_numpy() != change.loc[last.index].to_numpy()]:
            out.append(
                _finding(
                    projects,
                    names,
                    row,
                    "PROGRESS-STAGE-FIELD",
                    f"stage_since「{projects.at[row, 'stage_since']}」与阶段记录不一致"
                    f"（应为 {format_quarter(int(change.at[row]))}）",
                    f"stage_since {projects.at[row, 'stage_since']!r} disagrees with the history "
                    f"(last change {format_quarter(int(change.at[row]))})",
                    projects.at[row, "stage_since"],
                    format_quarter(int(change.at[row])),
                )
            )
    return out


def _finding(
    projects: pd.DataFrame, names: dict[str, str], row, rule: str, zh: str, en: str, measured, limit
) -> Finding:
    p = projects.loc[row]
    pid = p.get("project_id", row)
    name = p.get("name_zh", pid)
    tid = str(p.get("town_id", ""))
    return Finding(
        rule=rule,
        clause="§3.3.1",
        severity=Severity.WARNING,
        towns=[{"id": tid, "name_zh": names.get(tid, tid)}],
        message_zh=f"项目 {pid}「{name}」：{zh}",
        message_en=f"project {pid} ({name}): {en}",
        measured=measured,
        limit=limit,
        extra={"project_id": pid, "feature": _pos(projects, row)},
    )
