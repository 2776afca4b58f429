"""Progress tracking: the "four batches" pipeline (§3.3.1), quarterly indicators and the
§2/§3 targets to 2020, the quarterly county bulletin (§4.2a) and the assessment veto (§4.3b).

Pure functions over data frames: nothing here reads files or renders. Money is in 亿元
(100 million yuan), tourist visits in 万人次 (10 000 visits), shares in percent. No geometry
is measured here, so no CRS is involved.

Quarters are strings ``"2019Q2"`` at the edges and integers (``year*4 + q-1``) inside.

How investment is spread over quarters (the rule that ties the indicators table to the
projects layer): a project's ``invested_to_date`` (as of the *as-of quarter*, the latest
quarter in any stage history) is spent in equal parts over its *investing quarters*: from
the first quarter it is under construction (or operating) up to the quarter before it
starts operating; a project that is still building invests up to the as-of quarter; one
that jumps straight to operation invests in that quarter. Its specialty-industry, S&T and
non-government parts keep the project's ratios (``specialty_industry / invested_to_date``,
``tech_investment / invested_to_date``, ``1 - government_share``). The quarterly FAI of a town
is the sum over its projects of the change of this cumulative figure.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from townsgis.errors import DataError, RulesetError
from townsgis.findings import Finding, Severity

STAGES = ("reserve", "approval", "construction", "operation")
STAGE_ZH = {
    "reserve": "谋划储备",
    "approval": "前期报批",
    "construction": "开工实施",
    "operation": "竣工投运",
}
IMPLEMENTED = ("construction", "operation")
PASS_GRADES = ("优秀", "良好", "合格")
FAIL_GRADES = ("警告", "降级", "淘汰")  # §4.3b one-vote veto
GRADES = PASS_GRADES + FAIL_GRADES
GRADE_ALIASES = {"降格": "降级"}
SCENIC_RANK = {"none": 0, "A": 1, "2A": 2, "3A": 3, "4A": 4, "5A": 5}
DEFAULT_STALL_QUARTERS = 4
PACE_WINDOW = 4  # quarters over which the current pace is measured

FLOW_COLUMNS = (
    "fai",
    "specialty_investment",
    "nongov_investment",
    "tech_investment",
    "tax",
    "main_business_revenue",
    "services_revenue",
    "culture_revenue",
    "tourist_visits",
    "new_industrial_projects",
)
STOCK_COLUMNS = (
    "teams",
    "talents",
    "thousand_talents",
    "national_rd_centres",
    "innovation_bases",
    "guidance_station",
)

_Q_RE = re.compile(r"^(\d{4})Q([1-4])$")


# --- quarters ---------------------------------------------------------------------------
def parse_quarter(text: str | int) -> int:
    """``"2019Q2"`` → integer quarter index; a year ``"2020"`` means its last quarter."""
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        return int(text) * 4 + 3 if 1900 < int(text) < 3000 else int(text)
    s = str(text).strip().upper()
    m = _Q_RE.match(s)
    if m:
        return int(m.group(1)) * 4 + int(m.group(2)) - 1
    if re.fullmatch(r"\d{4}", s):
        return int(s) * 4 + 3
    raise DataError(f"{text!r} is not a quarter; write it as YYYYQn, e.g. 2019Q2")


def format_quarter(idx: int) -> str:
    """Integer quarter index → ``"2019Q2"``."""
    return f"{idx // 4}Q{idx % 4 + 1}"


def quarter_index(series: pd.Series) -> pd.Series:
    """Vectorised ``parse_quarter`` for strings ``YYYYQn``; NaN where a value is malformed.
    (Parses each distinct value once: a table has few distinct quarters.)"""
    values = series.astype(object)
    lookup = {u: _quarter_or_nan(u) for u in pd.unique(values)}
    return pd.Series([lookup[v] for v in values], index=series.index, dtype=float)


def _quarter_or_nan(v) -> float:
    m = _Q_RE.match(str(v).strip().upper())
    return int(m.group(1)) * 4 + int(m.group(2)) - 1 if m else np.nan


# --- stage histories --------------------------------------------------------------------
def parse_history(projects: pd.DataFrame, source: str = "projects") -> pd.DataFrame:
    """Long table of stage changes: one row per ``quarter:stage`` entry of ``stage_history``.

    Columns: ``row`` (index label of the project), ``project_id``, ``seq`` (order in the
    string), ``quarter`` (int), ``stage``, ``rank`` (0 reserve … 3 operation). Raises
    DataError naming every malformed entry; order problems are left to ``history_findings``.
    """
    rows, raws = [], []
    labels = projects.index
    for label, h in zip(labels, projects["stage_history"].tolist(), strict=True):
        if isinstance(h, str):
            for part in h.split(";"):
                part = part.strip()
                if part:
                    rows.append(label)
                    raws.append(part)
    split = [r.partition(":") for r in raws]
    stage = pd.Series([b.strip().lower() for _, _, b in split], dtype=object)
    long = pd.DataFrame(
        {
            "row": pd.Index(rows, dtype=labels.dtype) if rows else pd.Index([], dtype=labels.dtype),
            "quarter": quarter_index(pd.Series([a for a, _, _ in split], dtype=object)).to_numpy(),
            "stage": stage.to_numpy(),
            "raw": np.asarray(raws, dtype=object),
        }
    )
    long["seq"] = long.groupby("row").cumcount()
    problems = []
    ids = projects["project_id"] if "project_id" in projects else pd.Series(projects.index)
    bad = long[long["quarter"].isna() | ~long["stage"].isin(STAGES)]
    for r in bad.itertuples():
        problems.append(
            f"feature {_pos(projects, r.row)} (project_id {ids.loc[r.row]}), column "
            f"stage_history: entry {r.raw!r} is not QUARTER:STAGE with STAGE one of "
            f"{', '.join(STAGES)}"
        )
    empty = projects.index.difference(long["row"].unique())
    for row in empty:
        problems.append(
            f"feature {_pos(projects, row)} (project_id {ids.loc[row]}), column stage_history: "
            "empty; every project needs at least its first stage, e.g. 2018Q1:reserve"
        )
    if problems:
        raise DataError(_problem_text(source, problems))
    long["quarter"] = long["quarter"].astype(int)
    long["rank"] = long["stage"].map({s: i for i, s in enumerate(STAGES)}).astype(int)
    long["project_id"] = ids.loc[long["row"]].to_numpy()
    return long.drop(columns="raw")[["row", "project_id", "seq", "quarter", "stage", "rank"]]


def history_findings(projects: pd.DataFrame, hist: pd.DataFrame | None = None) -> list[Finding]:
    """Findings (not exceptions) for stage histories that break the four-batches order
    (§3.3.1): a stage that goes backwards, quarters out of order, and ``stage``/
    ``stage_since`` fields that disagree with the history."""
    hist = parse_history(projects) if hist is None else hist
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


def _last_change(hist: pd.DataFrame, quarter: int | None = None) -> pd.Series:
    """Quarter of the last stage change per project (up to ``quarter``)."""
    h = hist if quarter is None else hist[hist["quarter"] <= quarter]
    h = h.sort_values(["row", "quarter", "seq"])
    changed = h["stage"] != h.groupby("row")["stage"].shift()
    return h[changed].groupby("row")["quarter"].max()


def stage_ranks(projects: pd.DataFrame, quarters: list[int], hist: pd.DataFrame) -> np.ndarray:
    """Stage rank (0 reserve … 3 operation; -1 not yet in the library) of every project
    (rows, in ``projects`` order) at the end of every quarter (columns). Vectorised: the
    latest history entry up to each quarter, forward-filled with a running maximum."""
    qs = np.asarray(quarters)
    h = hist.sort_values(["row", "quarter", "seq"])
    pos = projects.index.get_indexer(h["row"])
    col = np.searchsorted(qs, h["quarter"].to_numpy(), side="left")
    # an entry in a quarter between two reported ones counts from the next reported quarter
    keep = col < len(qs)
    entry = np.arange(len(h))
    idx = np.full((len(projects), len(qs)), -1, dtype=np.int64)
    np.maximum.at(idx, (pos[keep], col[keep]), entry[keep])
    idx = np.maximum.accumulate(idx, axis=1)
    ranks = np.append(h["rank"].to_numpy(), -1)
    return ranks[np.where(idx >= 0, idx, -1)]


def stage_at(
    projects: pd.DataFrame, quarter: str | int, hist: pd.DataFrame | None = None
) -> pd.Series:
    """Stage of each project at the end of ``quarter`` (index of ``projects``); None before
    the project entered the library."""
    q = parse_quarter(quarter)
    hist = parse_history(projects) if hist is None else hist
    ranks = stage_ranks(projects, [q], hist)[:, 0]
    names = np.array([*STAGES, None], dtype=object)
    return pd.Series(names[ranks], index=projects.index, dtype=object)


def stalled(
    projects: pd.DataFrame,
    quarter: str | int,
    n: int = DEFAULT_STALL_QUARTERS,
    hist: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Projects with no stage change in the last ``n`` quarters at ``quarter`` (``n`` or more
    quarters since the last change), excluding projects already operating (§3.3.1: the
    library is rolled forward). Columns: project_id, town_id, name_zh, stage, since,
    quarters_stalled."""
    if n < 1:
        raise DataError(f"--stall-quarters must be at least 1, got {n}")
    q = parse_quarter(quarter)
    hist = parse_history(projects) if hist is None else hist
    stage = stage_at(projects, q, hist)
    since = _last_change(hist, q).reindex(projects.index)
    waited = q - since
    mask = stage.notna() & (stage != "operation") & (waited >= n)
    out = pd.DataFrame(
        {
            "project_id": projects["project_id"],
            "town_id": projects["town_id"],
            "name_zh": projects.get("name_zh", projects["project_id"]),
            "stage": stage,
            "since": since.map(lambda v: format_quarter(int(v)) if pd.notna(v) else None),
            "quarters_stalled": waited,
        }
    )[mask]
    out["quarters_stalled"] = out["quarters_stalled"].astype(int)
    return out.sort_values(["quarters_stalled", "project_id"], ascending=[False, True]).reset_index(
        drop=True
    )


# --- investment implied by the stage histories -----------------------------------------
def as_of_quarter(hist: pd.DataFrame) -> int:
    """The quarter ``invested_to_date`` refers to: the latest quarter of any stage history."""
    return int(hist["quarter"].max())


def investing_window(projects: pd.DataFrame, hist: pd.DataFrame, as_of: int) -> pd.DataFrame:
    """First and last investing quarter of each project (see the module docstring)."""
    h = hist.sort_values(["row", "quarter", "seq"])
    first = h.groupby("row")["quarter"].min()
    build = h[h["rank"] >= 2].groupby("row")["quarter"].min()
    oper = h[h["stage"] == "operation"].groupby("row")["quarter"].min()
    idx = projects.index
    start = build.reindex(idx).fillna(first.reindex(idx))
    end = (oper.reindex(idx) - 1).fillna(as_of)
    end = np.maximum(end, start)  # straight to operation: invests in that quarter
    end = np.minimum(end, as_of)
    return pd.DataFrame({"start": start.astype(int), "end": end.astype(int)}, index=idx)


def investment_paths(
    projects: pd.DataFrame,
    quarters: list[int],
    hist: pd.DataFrame | None = None,
    as_of: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Cumulative investment of every project at the end of each quarter (亿元).

    Returns frames indexed like ``projects`` with one column per quarter, for ``fai``
    (invested), ``specialty_investment``, ``nongov_investment`` and ``tech_investment``."""
    hist = parse_history(projects) if hist is None else hist
    as_of = as_of_quarter(hist) if as_of is None else as_of
    win = investing_window(projects, hist, as_of)
    qs = np.asarray(quarters)[None, :]
    length = (win["end"] - win["start"] + 1).to_numpy()[:, None]
    done = np.clip(qs - win["start"].to_numpy()[:, None] + 1, 0, length) / length
    inv = projects["invested_to_date"].astype(float).to_numpy()
    safe = np.where(inv > 0, inv, 1.0)
    ratios = {
        "fai": np.ones_like(inv),
        "specialty_investment": np.where(
            inv > 0, projects["specialty_industry"].astype(float) / safe, 0.0
        ),
        "nongov_investment": 1.0 - projects["government_share"].astype(float).to_numpy(),
        "tech_investment": np.where(inv > 0, projects["tech_investment"].astype(float) / safe, 0.0),
    }
    return {
        k: pd.DataFrame(done * (inv * r)[:, None], index=projects.index, columns=list(quarters))
        for k, r in ratios.items()
    }


def implied_indicators(
    projects: pd.DataFrame,
    quarters: list[int],
    hist: pd.DataFrame | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Quarterly investment flows per town implied by the projects layer: columns town_id,
    quarter (int), fai, specialty_investment, nongov_investment, tech_investment (亿元)."""
    first = min(quarters) - 1
    paths = investment_paths(projects, [first, *quarters], hist, as_of)
    frames = []
    for k, cum in paths.items():
        flow = cum.diff(axis=1).drop(columns=first)
        flow["town_id"] = projects["town_id"].to_numpy()
        long = flow.groupby("town_id").sum().stack().rename(k)
        frames.append(long)
    out = pd.concat(frames, axis=1).reset_index()
    out.columns = ["town_id", "quarter", *paths.keys()]
    return out


# --- tables the maps reuse -------------------------------------------------------------
def town_progress(ds, quarter: str | int, hist: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per town at ``quarter``: town_id, name_zh, unit_id, projects, implemented,
    total_investment (planned, 亿元), invested_to_date (亿元, implied at the quarter), share
    (invested / planned, 0–1). Every town of ``ds.towns`` appears, with 0 when it has no
    projects; the projects are synthetic in the sample."""
    q = parse_quarter(quarter)
    keep = [c for c in ("town_id", "name_zh", "name_en", "unit_id") if c in ds.towns]
    towns = ds.towns[keep].copy()
    p = ds.projects
    hist = parse_history(p) if hist is None else hist
    inv = investment_paths(p, [q], hist)["fai"][q]
    stage = stage_at(p, q, hist)
    df = pd.DataFrame(
        {
            "town_id": p["town_id"].to_numpy(),
            "projects": stage.notna().to_numpy().astype(int),
            "implemented": stage.isin(IMPLEMENTED).to_numpy().astype(int),
            "total_investment": p["total_investment"].astype(float).to_numpy(),
            "invested_to_date": inv.to_numpy(),
        }
    )
    agg = df.groupby("town_id").sum()
    out = towns.merge(agg, left_on="town_id", right_index=True, how="left")
    for c in ("projects", "implemented"):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("total_investment", "invested_to_date"):
        out[c] = out[c].fillna(0.0)
    out["share"] = np.where(
        out["total_investment"] > 0,
        out["invested_to_date"] / out["total_investment"].where(out["total_investment"] > 0, 1),
        0.0,
    )
    return out.reset_index(drop=True)


def unit_summary(
    ds,
    quarter: str | int,
    indicators: pd.DataFrame | None = None,
    n_stall: int = DEFAULT_STALL_QUARTERS,
    targets: dict[str, float] | None = None,
    hist: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per county/district/zone at ``quarter``: towns, projects, implemented, stalled,
    total_investment, invested_to_date, share (0–1), and with ``indicators`` also fai_quarter,
    fai_cumulative (亿元) and the specialty/non-government/S&T shares (%), plus the bulletin
    score and rank (§4.2a; see ``bulletin_score``)."""
    q = parse_quarter(quarter)
    hist = parse_history(ds.projects) if hist is None else hist
    tp = town_progress(ds, q, hist)
    st = stalled(ds.projects, q, n_stall, hist)
    tp["stalled"] = tp["town_id"].map(st.groupby("town_id").size()).fillna(0).astype(int)
    tp["towns"] = 1
    cols = ["towns", "projects", "implemented", "stalled", "total_investment", "invested_to_date"]
    keep = [c for c in ("unit_id", "name_zh", "name_en") if c in ds.units]
    units = ds.units[keep].set_index("unit_id")
    agg = tp.groupby("unit_id")[cols].sum()
    out = units.join(agg, how="left").fillna({c: 0 for c in cols})
    for c in ("towns", "projects", "implemented", "stalled"):
        out[c] = out[c].astype(int)
    out["share"] = _ratio(out["invested_to_date"], out["total_investment"])
    if indicators is not None:
        ind = indicators.merge(ds.towns[["town_id", "unit_id"]], on="town_id")
        upto = ind[ind["quarter"] <= q].groupby("unit_id")[list(FLOW_COLUMNS[:4])].sum()
        out["fai_quarter"] = (
            ind[ind["quarter"] == q].groupby("unit_id")["fai"].sum().reindex(out.index).fillna(0.0)
        )
        out["fai_cumulative"] = upto["fai"].reindex(out.index).fillna(0.0)
        for name, col in SHARE_METRICS.items():
            out[name] = 100 * _ratio(upto[col].reindex(out.index), upto["fai"].reindex(out.index))
        score = bulletin_score(out, targets or DEFAULT_SHARE_TARGETS)
        out = out.join(score)
    return out.reset_index().rename(columns={"index": "unit_id"})


SHARE_METRICS = {
    "specialty_share": "specialty_investment",
    "nongov_share": "nongov_investment",
    "tech_share": "tech_investment",
}
DEFAULT_SHARE_TARGETS = {"specialty_share": 70.0, "nongov_share": 80.0, "tech_share": 8.0}


def bulletin_score(units: pd.DataFrame, share_targets: dict[str, float]) -> pd.DataFrame:
    """The quarterly bulletin score (§4.2a), 0–100, the mean of four parts, each 0–100:

    1. *completion*: invested to date / planned investment of the unit's projects;
    2. *implementation*: projects under construction or operating / projects in the library;
    3. *compliance*: share of the three investment-structure targets met (specialty ≥ 70%,
       non-government ≥ 80%, S&T ≥ 8% of FAI; §2.3, §3.2.1), cumulative to the quarter;
    4. *momentum*: 100 minus the percentage of the unit's projects that are stalled.

    Units without towns get no score and no rank. Rank 1 is best; ties share a rank."""
    has = units["towns"] > 0
    completion = 100 * units["share"].clip(0, 1)
    implementation = 100 * _ratio(units["implemented"], units["projects"])
    met = sum((units[k] >= v).astype(float) for k, v in share_targets.items() if k in units)
    compliance = 100 * met / max(1, len([k for k in share_targets if k in units]))
    momentum = 100 - 100 * _ratio(units["stalled"], units["projects"])
    score = (completion + implementation + compliance + momentum) / 4
    score = score.where(has)
    rank = score.rank(ascending=False, method="min")
    return pd.DataFrame(
        {
            "score_completion": completion.where(has),
            "score_implementation": implementation.where(has),
            "score_compliance": compliance.where(has),
            "score_momentum": momentum.where(has),
            "score": score,
            "rank": rank.astype("Int64"),
        },
        index=units.index,
    )


def pipeline(
    projects: pd.DataFrame, quarters: list[int], hist: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Number of projects in each stage of the four batches at the end of each quarter
    (§3.3.1): one row per quarter, columns quarter (str) and the four stages, plus total."""
    hist = parse_history(projects) if hist is None else hist
    ranks = stage_ranks(projects, quarters, hist)
    rows = [
        {
            "quarter": format_quarter(q),
            **{s: int((ranks[:, j] == i).sum()) for i, s in enumerate(STAGES)},
        }
        for j, q in enumerate(quarters)
    ]
    out = pd.DataFrame(rows, columns=["quarter", *STAGES])
    out["total"] = out[list(STAGES)].sum(axis=1)
    return out


def shares(
    indicators: pd.DataFrame,
    towns: pd.DataFrame,
    quarter: str | int,
    targets: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Specialty-industry, non-government and S&T investment as % of cumulative FAI to
    ``quarter`` (§2.3, §3.2.1), per town and a final city-wide row (town_id ``"city"``),
    each with ``<share>_met`` against ``targets`` (default ≥ 70, ≥ 80, ≥ 8)."""
    targets = DEFAULT_SHARE_TARGETS | (targets or {})
    q = parse_quarter(quarter)
    upto = indicators[indicators["quarter"] <= q]
    cols = list(FLOW_COLUMNS[:4])
    per = upto.groupby("town_id")[cols].sum().reindex(towns["town_id"]).fillna(0.0)
    per.loc["city"] = per.sum()
    out = pd.DataFrame({"fai_cumulative": per["fai"]})
    for name, col in SHARE_METRICS.items():
        out[name] = 100 * _ratio(per[col], per["fai"])
    for name in SHARE_METRICS:
        out[f"{name}_met"] = (out[name].round(9) >= targets[name]) & (per["fai"] > 0)
    names = dict(zip(towns["town_id"], towns["name_zh"], strict=False))
    out.insert(0, "name_zh", [names.get(t, "全市") for t in out.index])
    return out.reset_index().rename(columns={"index": "town_id"})


def culture_growth(indicators: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """Culture-industry revenue by calendar year (亿元) and its growth on the previous year
    (%; §3.4.2 asks ≥ 20% a year), per town and city-wide. Years with fewer than four
    quarters of data are marked ``complete = False``; their growth is not computed."""
    d = indicators.assign(year=indicators["quarter"] // 4)
    nq = d.groupby("year")["quarter"].nunique()
    by = d.pivot_table(index="town_id", columns="year", values="culture_revenue", aggfunc="sum")
    by = by.reindex(towns["town_id"]).fillna(0.0)
    by.loc["city"] = by.sum()
    rows = []
    years = sorted(by.columns)
    for t, r in by.iterrows():
        for i, y in enumerate(years):
            prev = r[years[i - 1]] if i else np.nan
            complete = nq.get(y, 0) == 4 and (i == 0 or nq.get(years[i - 1], 0) == 4)
            growth = 100 * (r[y] / prev - 1) if i and complete and prev > 0 else np.nan
            rows.append(
                {
                    "town_id": t,
                    "year": int(y),
                    "culture_revenue": r[y],
                    "growth_pct": growth,
                    "met": None if np.isnan(growth) else bool(round(growth, 9) >= 20.0),
                    "complete": bool(nq.get(y, 0) == 4),
                }
            )
    return pd.DataFrame(rows)


def assessment_summary(
    assessment: pd.DataFrame, towns: pd.DataFrame, unit_names: dict[str, str] | None = None
) -> dict[str, Any]:
    """Per year: towns assessed, pass rate and excellent rate (%, §2.2: 100% and > 20%),
    and the counties vetoed under §4.3b (any town warned, downgraded or eliminated) with
    the towns and grades that caused it."""
    unit_of = dict(zip(towns["town_id"], towns["unit_id"], strict=False))
    name_of = dict(zip(towns["town_id"], towns["name_zh"], strict=False))
    years = []
    for y, g in assessment.groupby("year"):
        n = len(g)
        passed = g["grade"].isin(PASS_GRADES).sum()
        excellent = (g["grade"] == "优秀").sum()
        bad = g[g["grade"].isin(FAIL_GRADES)]
        vetoed = []
        for unit, b in bad.groupby(bad["town_id"].map(unit_of)):
            vetoed.append(
                {
                    "unit_id": unit,
                    "name_zh": (unit_names or {}).get(unit, unit),
                    "reasons": [
                        {"town_id": t, "name_zh": name_of.get(t, t), "grade": gr}
                        for t, gr in zip(b["town_id"], b["grade"], strict=False)
                    ],
                }
            )
        years.append(
            {
                "year": int(y),
                "assessed": int(n),
                "passed": int(passed),
                "pass_rate": 100 * passed / n if n else None,
                "excellent": int(excellent),
                "excellent_rate": 100 * excellent / n if n else None,
                "named": int(g["named"].sum()),
                "vetoed": vetoed,
            }
        )
    return {"years": years, "pass_target": 100.0, "excellent_target": 20.0}


def assessment_visible(assessment: pd.DataFrame, quarter: int) -> pd.DataFrame:
    """Assessment rows known at ``quarter``: a year's results count from its fourth quarter."""
    return assessment[assessment["year"] * 4 + 3 <= quarter]


# --- metrics and targets ---------------------------------------------------------------
@dataclass
class Context:
    """Everything the metrics read: towns (DataFrame), projects, their parsed history,
    indicators (quarter as int) and assessment, plus the quarters covered."""

    towns: pd.DataFrame
    projects: pd.DataFrame
    hist: pd.DataFrame
    indicators: pd.DataFrame
    assessment: pd.DataFrame
    quarters: list[int]
    _cache: dict = field(default_factory=dict, repr=False)

    def city_flow(self, col: str) -> pd.Series:
        """City total of a flow column per quarter (0 for quarters without rows)."""
        return self.indicators.groupby("quarter")[col].sum().reindex(self.quarters).fillna(0.0)

    def city_stock(self, col: str) -> pd.Series:
        """City total of a stock column per quarter: each town's latest value carried forward."""
        if "_stocks" not in self._cache:  # (quarter, town) is unique: checked on load
            self._cache["_stocks"] = (
                self.indicators.set_index(["quarter", "town_id"])[list(STOCK_COLUMNS)]
                .astype(float)
                .unstack("town_id")
            )
        wide = self._cache["_stocks"][col]
        return wide.reindex(self.quarters).ffill().fillna(0.0).sum(axis=1).astype(float)


@dataclass(frozen=True)
class Metric:
    """A target metric: a city series over quarters, or a (numerator, denominator) pair for
    ratios. ``projection`` is ``linear`` (current pace), ``ratio`` (projected parts) or
    ``hold`` (the current value)."""

    name: str
    unit: str
    label_zh: str
    label_en: str
    compute: Callable[[Context], Any]
    projection: str = "linear"
    percent: bool = False


def _annual(s: pd.Series) -> pd.Series:
    """Sum of the last four quarters, annualised (×4/k) while fewer than k < 4 exist."""
    k = pd.Series(np.minimum(np.arange(1, len(s) + 1), 4), index=s.index)
    return s.rolling(4, min_periods=1).sum() * 4 / k


def _named(ctx: Context) -> pd.Series:
    a = ctx.assessment[ctx.assessment["named"]]
    return pd.Series(
        [float(assessment_visible(a, q)["town_id"].nunique()) for q in ctx.quarters],
        index=ctx.quarters,
    )


def _high_tech(ctx: Context) -> pd.Series:
    a = ctx.assessment[ctx.assessment["high_tech"]]
    return pd.Series(
        [float(assessment_visible(a, q)["town_id"].nunique()) for q in ctx.quarters],
        index=ctx.quarters,
    )


def _rate(grades: tuple[str, ...]) -> Callable[[Context], pd.Series]:
    def f(ctx: Context) -> pd.Series:
        vals = []
        for q in ctx.quarters:
            vis = assessment_visible(ctx.assessment, q)
            if vis.empty:
                vals.append(np.nan)
                continue
            last = vis[vis["year"] == vis["year"].max()]
            vals.append(100 * last["grade"].isin(grades).mean())
        return pd.Series(vals, index=ctx.quarters, dtype=float)

    return f


def _implemented(ctx: Context) -> pd.Series:
    ranks = stage_ranks(ctx.projects, ctx.quarters, ctx.hist)
    return pd.Series((ranks >= 2).sum(axis=0).astype(float), index=ctx.quarters)


def _share(col: str) -> Callable[[Context], tuple[pd.Series, pd.Series]]:
    return lambda ctx: (ctx.city_flow(col).cumsum(), ctx.city_flow("fai").cumsum())


def _guidance(ctx: Context) -> pd.Series:
    n = len(ctx.towns)
    return 100 * ctx.city_stock("guidance_station") / max(n, 1)


def _scenic(min_rank: int, category: str | None) -> Callable[[Context], pd.Series]:
    def f(ctx: Context) -> pd.Series:
        t = ctx.towns if category is None else ctx.towns[ctx.towns["category"] == category]
        ok = t["scenic_grade"].astype(str).map(SCENIC_RANK).fillna(0) >= min_rank
        v = 100 * ok.mean() if len(t) else np.nan
        return pd.Series(v, index=ctx.quarters, dtype=float)

    return f


def _culture_growth(ctx: Context) -> pd.Series:
    s = ctx.city_flow("culture_revenue")
    cur = s.rolling(4).sum()
    prev = cur.shift(4)
    return 100 * (cur / prev.where(prev > 0) - 1)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric(
            "named_towns", "个", "通过省级验收命名的小镇", "towns named by the province", _named
        ),
        Metric(
            "assessment_pass_rate",
            "%",
            "年度考核合格率",
            "assessment pass rate",
            _rate(PASS_GRADES),
            "hold",
            True,
        ),
        Metric(
            "assessment_excellent_rate",
            "%",
            "年度考核优秀率",
            "assessment excellent rate",
            _rate(("优秀",)),
            "hold",
            True,
        ),
        Metric(
            "implemented_projects",
            "个",
            "累计实施重点项目",
            "key projects implemented",
            _implemented,
        ),
        Metric(
            "fai_cumulative",
            "亿元",
            "累计固定资产投资",
            "cumulative fixed-asset investment",
            lambda c: c.city_flow("fai").cumsum(),
        ),
        Metric(
            "specialty_share",
            "%",
            "特色产业投资占比",
            "specialty-industry share of FAI",
            _share("specialty_investment"),
            "ratio",
            True,
        ),
        Metric(
            "nongov_share",
            "%",
            "非政府投资占比",
            "non-government share of FAI",
            _share("nongov_investment"),
            "ratio",
            True,
        ),
        Metric(
            "tech_share",
            "%",
            "科技投入占固定资产投资比重",
            "S&T share of FAI",
            _share("tech_investment"),
            "ratio",
            True,
        ),
        Metric(
            "teams",
            "个",
            "高端创业创新团队",
            "high-end innovation teams",
            lambda c: c.city_stock("teams"),
        ),
        Metric(
            "talents", "人", "引进各类人才", "talents attracted", lambda c: c.city_stock("talents")
        ),
        Metric(
            "thousand_talents",
            "人",
            "国家、省“千人计划”专家",
            "Thousand Talents experts",
            lambda c: c.city_stock("thousand_talents"),
        ),
        Metric(
            "national_rd_centres",
            "家",
            "新增国家级科学研发（技术）中心",
            "new national R&D centres",
            lambda c: c.city_stock("national_rd_centres"),
        ),
        Metric(
            "tax_annual",
            "亿元",
            "小镇税收（年）",
            "tax revenue (a year)",
            lambda c: _annual(c.city_flow("tax")),
        ),
        Metric(
            "main_business_revenue_annual",
            "亿元",
            "规上企业主营业务收入（年）",
            "main-business revenue above size (a year)",
            lambda c: _annual(c.city_flow("main_business_revenue")),
        ),
        Metric(
            "services_revenue_annual",
            "亿元",
            "限额以上服务业收入（年）",
            "services revenue above quota (a year)",
            lambda c: _annual(c.city_flow("services_revenue")),
        ),
        Metric(
            "tourist_visits_annual",
            "万人次",
            "年接待旅游人数",
            "tourist visits a year",
            lambda c: _annual(c.city_flow("tourist_visits")),
        ),
        Metric(
            "innovation_bases",
            "个",
            "创业创新基地",
            "entrepreneurship/innovation bases",
            lambda c: c.city_stock("innovation_bases"),
        ),
        Metric(
            "guidance_station_coverage",
            "%",
            "创业就业指导站覆盖率",
            "towns with a guidance station",
            _guidance,
            "linear",
            True,
        ),
        Metric(
            "high_tech_towns",
            "个",
            "省级高新技术特色小镇",
            "provincial high-tech towns",
            _high_tech,
        ),
        Metric(
            "new_industrial_projects",
            "个",
            "新引进产业项目",
            "new industrial projects",
            lambda c: c.city_flow("new_industrial_projects").cumsum(),
        ),
        Metric(
            "culture_revenue_growth",
            "%",
            "文化产业营业收入年增长",
            "culture revenue growth a year",
            _culture_growth,
            "hold",
            True,
        ),
        Metric(
            "towns_3a_pct",
            "%",
            "建成3A级景区的小镇占比",
            "towns that are 3A scenic areas",
            _scenic(3, None),
            "hold",
            True,
        ),
        Metric(
            "tourism_towns_4a_pct",
            "%",
            "建成4A级景区的旅游类小镇占比",
            "tourism towns that are 4A scenic areas",
            _scenic(4, "tourism"),
            "hold",
            True,
        ),
    ]
}

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def check_targets(targets: list[dict], source: str = "rule set targets") -> None:
    """Raise RulesetError when a target names a metric this module cannot compute."""
    bad = [
        f"target {t.get('id')!r}: unknown metric {t.get('metric')!r}"
        for t in targets
        if t.get("metric") not in METRICS
    ]
    bad += [
        f"target {t.get('id')!r}: comparison {t.get('comparison')!r} "
        f"is not one of {', '.join(_OPS)}"
        for t in targets
        if t.get("comparison") not in _OPS
    ]
    if bad:
        raise RulesetError(_problem_text(source, bad + [f"known metrics: {', '.join(METRICS)}"]))


def _pace(s: pd.Series, q: int) -> float | None:
    """Average change per quarter over the last ≤ PACE_WINDOW quarters up to ``q``."""
    s = s[s.index <= q].dropna()
    if len(s) < 2:
        return None
    k = min(PACE_WINDOW, len(s) - 1)
    return float((s.iloc[-1] - s.iloc[-1 - k]) / k)


def project_value(
    series: Any, metric: Metric, q: int, deadline: int
) -> tuple[float | None, float | None]:
    """(value at ``q``, value projected to ``deadline`` at the current pace)."""
    ahead = max(0, deadline - q)
    if metric.projection == "ratio":
        num, den = series
        n, d = num.get(q, np.nan), den.get(q, np.nan)
        value = 100 * n / d if d and d > 0 else None
        pn, pd_ = _pace(num, q), _pace(den, q)
        if value is None:
            return None, None
        if ahead == 0 or pn is None or pd_ is None:
            return value, value
        dd = d + pd_ * ahead
        return value, (100 * (n + pn * ahead) / dd if dd > 0 else value)
    v = series.get(q, np.nan)
    value = None if pd.isna(v) else float(v)
    if value is None:
        return None, None
    if metric.projection == "hold" or ahead == 0:
        return value, value
    pace = _pace(series, q)
    proj = value if pace is None else value + pace * ahead
    if metric.percent:
        proj = min(100.0, max(0.0, proj))
    return value, proj


def share_done(value: float | None, target: float, comparison: str) -> float | None:
    """How far a value is towards its target (1.0 = done): value/target for ≥ and > and
    ==; target/value for ≤ and < (1.0 once met)."""
    if value is None:
        return None
    if comparison in ("<=", "<"):
        if _OPS[comparison](value, target):
            return 1.0
        return target / value if value else None
    return value / target if target else (1.0 if _OPS[comparison](value, target) else 0.0)


def scorecard(ctx: Context, targets: list[dict], quarter: str | int) -> pd.DataFrame:
    """The city scorecard: one row per target with value, target, met, share_done (value /
    target), projected (linear at the pace of the last four quarters, to the deadline's last
    quarter), unit and deadline. A value that cannot be computed yet is None, met None."""
    check_targets(targets)
    q = parse_quarter(quarter)
    rows = []
    for t in targets:
        m = METRICS[t["metric"]]
        if m.name not in ctx._cache:
            ctx._cache[m.name] = m.compute(ctx)
        dl = parse_quarter(str(t["deadline"]))
        # a target whose deadline has passed is judged at its deadline
        value, proj = project_value(ctx._cache[m.name], m, min(q, dl), dl)
        op = _OPS[t["comparison"]]
        target = float(t["value"])
        rows.append(
            {
                "id": t["id"],
                "clause": t["clause"],
                "metric": t["metric"],
                "title_zh": t.get("title_zh") or m.label_zh,
                "title_en": t.get("title_en") or m.label_en,
                "value": value,
                "target": target,
                "comparison": t["comparison"],
                "unit": t.get("unit") or m.unit,
                "met": None if value is None else bool(op(round(value, 9), target)),
                "share_done": share_done(value, target, t["comparison"]),
                "projected": proj,
                "projected_met": None if proj is None else bool(op(round(proj, 9), target)),
                "deadline": str(t["deadline"]),
            }
        )
    return pd.DataFrame(rows)


# --- the whole report ------------------------------------------------------------------
@dataclass
class ProgressReport:
    """Everything ``townsgis progress`` shows, as data. Sample figures are synthetic."""

    quarter: str
    scorecard: pd.DataFrame
    units: pd.DataFrame
    towns: pd.DataFrame
    shares: pd.DataFrame
    pipeline: pd.DataFrame
    stalled: pd.DataFrame
    assessment: dict[str, Any]
    culture: pd.DataFrame
    findings: list[Finding]
    stall_quarters: int
    synthetic: bool
    notes: list[str] = field(default_factory=list)


def build_report(
    ds,
    indicators: pd.DataFrame,
    assessment: pd.DataFrame,
    targets: list[dict],
    quarter: str | int | None = None,
    n_stall: int = DEFAULT_STALL_QUARTERS,
) -> ProgressReport:
    """Compute the progress report at ``quarter`` (default: the last quarter of the
    indicators). ``indicators`` has integer quarters (see ``townsgis.indicators``)."""
    check_targets(targets)
    projects = ds.projects
    hist = parse_history(projects)
    quarters = list(range(int(indicators["quarter"].min()), int(indicators["quarter"].max()) + 1))
    q = quarters[-1] if quarter is None else parse_quarter(quarter)
    if q not in quarters:
        raise DataError(
            f"quarter {format_quarter(q)} is outside the indicators table "
            f"({format_quarter(quarters[0])}–{format_quarter(quarters[-1])})"
        )
    towns = pd.DataFrame(ds.towns.drop(columns="geometry", errors="ignore"))
    ctx = Context(towns, projects, hist, indicators, assessment, quarters)
    share_targets = DEFAULT_SHARE_TARGETS | {
        t["metric"]: float(t["value"]) for t in targets if t["metric"] in SHARE_METRICS
    }
    findings = history_findings(projects, hist) + consistency_findings(
        projects, hist, indicators, towns
    )
    synthetic = bool(
        _any_true(projects, "synthetic")
        or _any_true(indicators, "synthetic")
        or _any_true(assessment, "synthetic")
    )
    notes = [
        "bulletin score = mean of completion, implementation, compliance and momentum "
        "(0–100 each); see townsgis.progress.bulletin_score",
        f"stalled = no stage change in {n_stall} or more quarters, operating projects excluded",
        "investment by quarter is implied from stage histories (townsgis.progress docstring)",
    ]
    return ProgressReport(
        quarter=format_quarter(q),
        scorecard=scorecard(ctx, targets, q),
        units=unit_summary(ds, q, indicators, n_stall, share_targets, hist),
        towns=town_progress(ds, q, hist),
        shares=shares(indicators, towns, q, share_targets),
        pipeline=pipeline(projects, [x for x in quarters if x <= q], hist),
        stalled=stalled(projects, q, n_stall, hist),
        assessment=assessment_summary(
            assessment_visible(assessment, q),
            towns,
            dict(zip(ds.units["unit_id"], ds.units["name_zh"], strict=False)),
        ),
        culture=culture_growth(indicators[indicators["quarter"] <= q], towns),
        findings=findings,
        stall_quarters=n_stall,
        synthetic=synthetic,
        notes=notes,
    )


def consistency_findings(
    projects: pd.DataFrame,
    hist: pd.DataFrame,
    indicators: pd.DataFrame,
    towns: pd.DataFrame,
    tol: float = 0.01,
) -> list[Finding]:
    """Findings where a town's cumulative FAI in the indicators differs from the investment
    implied by its projects by more than ``tol`` 亿元 at the last quarter (§4.2a: the
    bulletin and the project library must agree)."""
    q = int(indicators["quarter"].max())
    quarters = list(range(int(indicators["quarter"].min()), q + 1))
    implied = implied_indicators(projects, quarters, hist).groupby("town_id")["fai"].sum()
    reported = indicators.groupby("town_id")["fai"].sum()
    both = pd.concat([reported.rename("r"), implied.rename("i")], axis=1).fillna(0.0)
    names = dict(zip(towns["town_id"], towns["name_zh"], strict=False))
    out = []
    for t, r in both[(both["r"] - both["i"]).abs() > tol].iterrows():
        out.append(
            Finding(
                rule="PROGRESS-FAI-CONSISTENCY",
                clause="§4.2a",
                severity=Severity.WARNING,
                towns=[{"id": str(t), "name_zh": names.get(t, str(t))}],
                message_zh=f"指标表累计固定资产投资 {r['r']:.2f} 亿元"
                f"与项目库推算 {r['i']:.2f} 亿元不一致",
                message_en=f"indicators cumulative FAI {r['r']:.2f} 亿元 differs from the "
                f"{r['i']:.2f} 亿元 implied by the projects layer",
                measured=float(r["r"]),
                limit=float(r["i"]),
                unit="亿元",
            )
        )
    return out


# --- helpers ---------------------------------------------------------------------------
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
    more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
    n = len(problems)
    return (
        f"{source}: {n} problem{'s' if n != 1 else ''}:\n"
        + "\n".join(f"  - {p}" for p in shown)
        + more
    )


def _finding(projects: pd.DataFrame, row, rule: str, zh: str, en: str, measured, limit) -> Finding:
    p = projects.loc[row]
    pid = p.get("project_id", row)
    name = p.get("name_zh", pid)
    return Finding(
        rule=rule,
        clause="§3.3.1",
        severity=Severity.WARNING,
        towns=[{"id": str(p.get("town_id", "")), "name_zh": str(p.get("town_id", ""))}],
        message_zh=f"项目 {pid}「{name}」：{zh}",
        message_en=f"project {pid} ({name}): {en}",
        measured=measured,
        limit=limit,
        extra={"project_id": pid, "feature": _pos(projects, row)},
    )
