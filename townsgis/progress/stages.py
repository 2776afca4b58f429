"""The "four batches" pipeline (§3.3.1): parsing ``stage_history``, the stage of every
project at a quarter, stalled projects and the per-quarter pipeline counts. Pure
functions over data frames; no geometry, so no CRS."""

from __future__ import annotations

import numpy as np
import pandas as pd

from townsgis import vocab
from townsgis.errors import DataError
from townsgis.messages import msg
from townsgis.progress._helpers import _pos, _problem_text
from townsgis.progress.quarters import format_quarter, parse_quarter, quarter_codes

STAGES = vocab.STAGES
STAGE_ZH = vocab.labels("stage", "zh")
IMPLEMENTED = ("construction", "operation")


DEFAULT_STALL_QUARTERS = 4


def parse_history(projects: pd.DataFrame, source: str = "projects") -> pd.DataFrame:
    """Long table of stage changes: one row per ``quarter:stage`` entry of ``stage_history``.

    Columns: ``row`` (index label of the project), ``project_id``, ``seq`` (order in the
    string), ``quarter`` (int), ``stage``, ``rank`` (0 reserve … 3 operation). Raises
    DataError naming every malformed entry; order problems are left to ``history_findings``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    labels = projects.index
    text = pa.array(
        [h if isinstance(h, str) else "" for h in projects["stage_history"].tolist()],
        type=pa.large_string(),
    )
    lists = pc.split_pattern(text, ";")
    parts = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.not_equal(parts, "")
    parts, parent = parts.filter(keep), pc.list_parent_indices(lists).filter(keep)
    # "QUARTER:STAGE" split at the first colon (an entry without one has no stage)
    quarter_text = pc.replace_substring_regex(parts, "(?s):.*$", "")
    stage_text = pc.replace_substring_regex(parts, "^[^:]*:?", "")
    stage = pc.utf8_lower(pc.utf8_trim_whitespace(stage_text))
    long = pd.DataFrame(
        {
            "row": labels[parent.to_numpy(zero_copy_only=False).astype(np.int64)],
            "quarter": quarter_codes(quarter_text),
            "stage": stage.to_numpy(zero_copy_only=False).astype(object),
            "raw": np.arange(len(parts)),  # position in ``parts``, for the error message
        }
    )
    long["seq"] = long.groupby("row").cumcount()
    problems = []
    ids = projects["project_id"] if "project_id" in projects else pd.Series(projects.index)
    bad = long[long["quarter"].isna() | ~long["stage"].isin(STAGES)]
    raws = parts.take(pa.array(bad["raw"].to_numpy(), type=pa.int64())).to_pylist()
    for r, raw in zip(bad.itertuples(), raws, strict=True):
        problems.append(
            msg(
                "progress.bad_stage",
                n=_pos(projects, r.row),
                id=ids.loc[r.row],
                entry=repr(raw),
                stages=", ".join(STAGES),
            )
        )
    empty = projects.index.difference(long["row"].unique())
    for row in empty:
        problems.append(msg("progress.empty_history", n=_pos(projects, row), id=ids.loc[row]))
    if problems:
        raise DataError(_problem_text(source, problems))
    long["quarter"] = long["quarter"].astype(int)
    long["rank"] = long["stage"].map({s: i for i, s in enumerate(STAGES)}).astype(int)
    long["project_id"] = ids.loc[long["row"]].to_numpy()
    return long.drop(columns="raw")[["row", "project_id", "seq", "quarter", "stage", "rank"]]


def _in_order(h: pd.DataFrame) -> pd.DataFrame:
    """``h`` sorted by row, quarter, seq (stable); returned as is when already in that order
    (one O(n) check instead of a sort on every call: the map and report call this per
    quarter on 100,000s of history entries)."""
    if len(h) < 2:
        return h
    r, q, s = (h[c].to_numpy() for c in ("row", "quarter", "seq"))
    if not all(np.issubdtype(a.dtype, np.number) for a in (r, q, s)):
        return h.sort_values(["row", "quarter", "seq"])
    dr, dq, ds = r[1:] - r[:-1], q[1:] - q[:-1], s[1:] - s[:-1]
    if bool(np.all((dr > 0) | ((dr == 0) & ((dq > 0) | ((dq == 0) & (ds >= 0)))))):
        return h
    return h.sort_values(["row", "quarter", "seq"])


def _last_change(hist: pd.DataFrame, quarter: int | None = None) -> pd.Series:
    """Quarter of the last stage change per project (up to ``quarter``)."""
    h = hist if quarter is None else hist[hist["quarter"] <= quarter]
    h = _in_order(h)
    changed = h["stage"] != h.groupby("row")["stage"].shift()
    return h[changed].groupby("row")["quarter"].max()


def stage_ranks(projects: pd.DataFrame, quarters: list[int], hist: pd.DataFrame) -> np.ndarray:
    """Stage rank (0 reserve … 3 operation; -1 not yet in the library) of every project
    (rows, in ``projects`` order) at the end of every quarter (columns). Vectorised: the
    latest history entry up to each quarter, forward-filled with a running maximum."""
    qs = np.asarray(quarters)
    h = _in_order(hist)
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


def stage_table(
    projects: pd.DataFrame, quarters: list[int], hist: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Stage rank (as ``stage_ranks``) and quarter of the last stage change (-1 before the
    project entered the library) of every project (rows) at the end of every quarter
    (columns), in one vectorised pass: what ``stage_at`` and ``stalled`` give one quarter at
    a time (a project is stalled at q when its rank is 0–2 and q - since >= n)."""
    qs = np.asarray(quarters)
    h = _in_order(hist)
    pos = projects.index.get_indexer(h["row"])
    col = np.searchsorted(qs, h["quarter"].to_numpy(), side="left")
    rank = h["rank"].to_numpy()
    row = h["row"].to_numpy()
    changed = np.ones(len(h), dtype=bool)
    changed[1:] = (row[1:] != row[:-1]) | (rank[1:] != rank[:-1])
    keep = col < len(qs)
    entry = np.arange(len(h))
    out = []
    for sel in (keep, keep & changed):
        idx = np.full((len(projects), len(qs)), -1, dtype=np.int64)
        np.maximum.at(idx, (pos[sel], col[sel]), entry[sel])
        out.append(np.maximum.accumulate(idx, axis=1))
    ranks = np.append(rank, -1)[np.where(out[0] >= 0, out[0], -1)]
    since = np.append(h["quarter"].to_numpy(), -1)[np.where(out[1] >= 0, out[1], -1)]
    return ranks, since


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
        raise DataError.of("progress.stall_min", n=n)
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
            "quarters_stalled": waited,
        }
    )[mask]
    labels = {v: format_quarter(int(v)) for v in since[mask].dropna().unique()}
    out.insert(4, "since", since[mask].map(labels).astype(object).where(since[mask].notna(), None))
    out["quarters_stalled"] = out["quarters_stalled"].astype(int)
    return out.sort_values(["quarters_stalled", "project_id"], ascending=[False, True]).reset_index(
        drop=True
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
