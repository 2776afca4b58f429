"""Load and validate the quarterly indicators table and the annual assessment table.

Both come as CSV (UTF-8, with or without BOM) or XLSX (first sheet). Every problem is
collected and raised once as a DataError naming the file, the row (spreadsheet numbering:
the header is row 1) and the column. Inputs are never modified.

Indicators: one row per town per quarter. Money in 亿元, tourist visits in 万人次. Flow
columns are amounts *in* the quarter; stock columns are levels at the quarter's end.
Assessment: one row per town per year with the provincial grade (§2.2, §4.3b).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from townsgis.errors import DataError
from townsgis.messages import msg, register
from townsgis.progress import (
    FLOW_COLUMNS,
    GRADE_ALIASES,
    GRADES,
    STOCK_COLUMNS,
    quarter_index,
)
from townsgis.progress._helpers import _cell, _problem_text
from townsgis.validate import show

register(
    {
        "table.cannot_read_suffix": (
            "{label}：无法读取 {suffix}；请用 .csv 或 .xlsx",
            "{label}: cannot read {suffix}; use .csv or .xlsx",
        ),
        "table.not_utf8": (
            "{label}：不是 UTF-8 文本；请把 CSV 存为 UTF-8",
            "{label}: not UTF-8 text; save the CSV as UTF-8",
        ),
        "table.cannot_read": ("{label}：无法读取：“{reason}”", "{label}: cannot read: {reason}"),
        "table.extra_cells": (
            "第 {row} 行：{cells} 个单元格，表头只有 {n} 个",
            "row {row}: {cells} cells, the header has {n}",
        ),
        "table.more_rows": ("……另有 {n} 行", "… and {n} more rows"),
        "table.unknown_town": ("{where}：未知的小镇 {town}", "{where}: unknown town {town}"),
        "table.not_quarter": (
            "{where}：{value} 不是 YYYYQn 形式",
            "{where}: {value} is not YYYYQn",
        ),
        "table.exceeds_fai": (
            "{where}：{value} 超过了固定资产投资 fai {fai}（它是固定资产投资的一部分）",
            "{where}: {value} exceeds fai {fai} (it is a part of the fixed-asset investment)",
        ),
        "table.duplicated": (
            "{where}：小镇 {town} 的 {quarter} 重复",
            "{where}: {quarter} for town {town} is duplicated",
        ),
        "table.out_of_order": (
            "{where}：小镇 {town} 的 {quarter} 顺序颠倒（同一小镇的行须按时间先后排列）",
            "{where}: {quarter} for town {town} is out of order (rows of a town must run "
            "forward in time)",
        ),
        "table.gap": (
            "{where}：小镇 {town} 的 {quarter} 与上一季度之间有空缺",
            "{where}: {quarter} for town {town} leaves a gap after the town's previous quarter",
        ),
        "table.no_rows": ("没有数据行", "no rows"),
        "table.not_found": ("{path}：文件不存在", "{path}: file not found"),
        "table.not_year": ("{where}：{value} 不是年份", "{where}: {value} is not a year"),
        "table.bad_grade": (
            "{where}：{value}；可用：{allowed}（降格按降级读取）",
            "{where}: {value}; allowed: {allowed} (降格 is read as 降级)",
        ),
        "table.assessed_twice": (
            "{where}：小镇 {town} 在 {year} 年被考核两次",
            "{where}: town {town} is assessed twice in {year}",
        ),
        "table.missing_column": ("缺少列 {col}", "missing column {col}"),
        "table.not_number": ("{where}：{value} 不是数字", "{where}: {value} is not a number"),
        "table.not_finite": (
            "{where}：{value} 不是有限的数",
            "{where}: {value} is not a finite number",
        ),
        "table.negative": ("{where}：{value} 是负数", "{where}: {value} is negative"),
        "table.not_whole": ("{where}：{value} 不是整数", "{where}: {value} is not a whole number"),
        "table.not_bool": (
            "{where}：{value} 不是 true/false",
            "{where}: {value} is not true/false",
        ),
        "table.no_targets": (
            "{path}：没有 [[target]] 表；`townsgis progress` 需要它们",
            "{path}: no [[target]] tables; `townsgis progress` needs them",
        ),
    }
)

INDICATOR_COLUMNS = ("town_id", "quarter", *FLOW_COLUMNS, *STOCK_COLUMNS)
INVESTMENT_PARTS = ("specialty_investment", "nongov_investment", "tech_investment")
INTEGER_COLUMNS = (
    "new_industrial_projects",
    "teams",
    "talents",
    "thousand_talents",
    "national_rd_centres",
    "innovation_bases",
)
ASSESSMENT_COLUMNS = ("town_id", "year", "grade", "named", "high_tech")
_TRUE = {"true", "1", "1.0", "yes", "y", "是", "有"}
_FALSE = {"false", "0", "0.0", "no", "n", "否", "无"}

COLUMN_LABELS_ZH = {
    "town_id": "小镇编号",
    "quarter": "季度",
    "fai": "固定资产投资（亿元）",
    "specialty_investment": "特色产业投资（亿元）",
    "nongov_investment": "非政府投资（亿元）",
    "tech_investment": "科技投入（亿元）",
    "tax": "税收（亿元）",
    "main_business_revenue": "规上主营业务收入（亿元）",
    "services_revenue": "限上服务业收入（亿元）",
    "culture_revenue": "文化产业营业收入（亿元）",
    "tourist_visits": "旅游人数（万人次）",
    "new_industrial_projects": "新引进产业项目（个）",
    "teams": "创业创新团队（个）",
    "talents": "各类人才（人）",
    "thousand_talents": "千人计划专家（人）",
    "national_rd_centres": "国家级研发中心（家）",
    "innovation_bases": "创业创新基地（个）",
    "guidance_station": "创业就业指导站",
}


def read_table(path: str | Path, data: bytes | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX table as strings (no type guessing); raise DataError if unreadable.
    With ``data`` the table is those bytes (from the project store) and ``path`` names it."""
    import io

    from townsgis.fileaccess import missing_reason

    label = str(path)  # as given: a store URL must not lose its "//" to Path
    path = Path(path)
    if data is None and missing_reason(path):
        raise DataError(missing_reason(label))
    src = path if data is None else io.BytesIO(data)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(src, sheet_name=0, dtype=object, engine="openpyxl")
            df = df.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
        elif path.suffix.lower() in (".csv", ".txt"):
            raw = path.read_bytes() if data is None else data
            _check_row_lengths(raw, label)
            df = pd.read_csv(
                io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        else:
            raise DataError.of("table.cannot_read_suffix", label=label, suffix=repr(path.suffix))
    except DataError:
        raise
    except UnicodeDecodeError:
        raise DataError.of("table.not_utf8", label=label) from None
    except Exception as exc:
        raise DataError.of("table.cannot_read", label=label, reason=exc) from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = range(2, len(df) + 2)  # spreadsheet row numbers
    return df


def _check_row_lengths(raw: bytes, label: str) -> None:
    """One problem per row with more cells than the header (pandas would otherwise shift
    every column of the table, or stop at the first such row)."""
    import csv
    import io

    text = raw.decode("utf-8-sig")  # UnicodeDecodeError: reported by the caller
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None:
        return
    n = len(header)
    extra = []
    try:
        for number, row in enumerate(rows, start=2):
            if len(row) > n and any(c.strip() for c in row[n:]):
                extra.append(msg("table.extra_cells", row=number, cells=len(row), n=n))
    except csv.Error:
        return  # pandas reports what it cannot read

    if extra:
        more = [msg("table.more_rows", n=len(extra) - 20)] if len(extra) > 20 else []
        shown = extra[:20] + more
        raise DataError(_problem_text(label, shown))


def _read_with_towns(
    path: str | Path, columns, town_ids: list[str] | set[str], data: bytes | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Read a table, require ``columns``, and start the cleaned frame with a ``town_id`` column
    checked against ``town_ids``. Returns (raw, cleaned, problems so far)."""
    df = read_table(path, data)
    problems = _missing_columns(df, columns)
    if problems:
        raise DataError(_problem_text(str(path), problems))
    out = pd.DataFrame(index=df.index)
    known = set(map(str, town_ids))
    out["town_id"] = df["town_id"].astype(str).str.strip()
    for row in out.index[~out["town_id"].isin(known)]:
        problems.append(
            msg(
                "table.unknown_town", where=_cell(row, "town_id"), town=show(out.at[row, "town_id"])
            )
        )
    return df, out, problems


def load_indicators(
    path: str | Path, town_ids: list[str] | set[str], data: bytes | None = None
) -> pd.DataFrame:
    """Read and validate the indicators table. Returns it with ``quarter`` as an integer
    index (see ``townsgis.progress.parse_quarter``), numbers as floats/ints and
    ``guidance_station`` as bool, in file order. Raises DataError listing every problem."""
    df, out, problems = _read_with_towns(path, INDICATOR_COLUMNS, town_ids, data)
    q = quarter_index(df["quarter"].astype(str))
    for row in q.index[q.isna()]:
        problems.append(
            msg("table.not_quarter", where=_cell(row, "quarter"), value=show(df.at[row, "quarter"]))
        )
    out["quarter"] = q
    for col in (*FLOW_COLUMNS, *STOCK_COLUMNS):
        if col == "guidance_station":
            out[col] = _bool_column(df, col, problems)
            continue
        out[col] = _number_column(df, col, problems, integer=col in INTEGER_COLUMNS)
    for col in INVESTMENT_PARTS:
        over = out[col] > out["fai"] + 1e-9
        for row in out.index[over]:
            problems.append(
                msg(
                    "table.exceeds_fai",
                    where=_cell(row, col),
                    value=out.at[row, col],
                    fai=out.at[row, "fai"],
                )
            )
    ok = out["quarter"].notna()
    g = out[ok].groupby("town_id")["quarter"]
    prev = g.shift()
    for row in prev.index[prev.notna() & (out.loc[prev.index, "quarter"] == prev)]:
        problems.append(_quarter_problem("table.duplicated", row, df, out))
    for row in prev.index[prev.notna() & (out.loc[prev.index, "quarter"] < prev)]:
        problems.append(_quarter_problem("table.out_of_order", row, df, out))
    for row in prev.index[prev.notna() & (out.loc[prev.index, "quarter"] > prev + 1)]:
        problems.append(_quarter_problem("table.gap", row, df, out))
    if df.empty:
        problems.append(msg("table.no_rows"))
    if problems:
        raise DataError(_problem_text(str(path), problems))
    out["quarter"] = out["quarter"].astype(int)
    if "synthetic" in df:
        out["synthetic"] = df["synthetic"].astype(str).str.strip().str.lower().isin(_TRUE)
    return out.reset_index(drop=True)


def load_assessment(
    path: str | Path, town_ids: list[str] | set[str], data: bytes | None = None
) -> pd.DataFrame:
    """Read and validate the assessment table (town_id, year, grade, named, high_tech).
    Grades: 优秀/良好/合格/警告/降级/淘汰 (降格 is read as 降级). Raises DataError listing
    every problem (unknown town, bad year or grade, a town assessed twice in a year)."""
    df, out, problems = _read_with_towns(path, ASSESSMENT_COLUMNS, town_ids, data)
    year = pd.to_numeric(df["year"].astype(str).str.strip(), errors="coerce")
    for row in year.index[year.isna() | (year % 1 != 0) | (year < 1990) | (year > 2100)]:
        problems.append(
            msg("table.not_year", where=_cell(row, "year"), value=show(df.at[row, "year"]))
        )
    out["year"] = year
    grade = df["grade"].astype(str).str.strip().replace(GRADE_ALIASES)
    for row in grade.index[~grade.isin(GRADES)]:
        problems.append(
            msg(
                "table.bad_grade",
                where=_cell(row, "grade"),
                value=show(df.at[row, "grade"]),
                allowed="/".join(GRADES),
            )
        )
    out["grade"] = grade
    out["named"] = _bool_column(df, "named", problems)
    out["high_tech"] = _bool_column(df, "high_tech", problems)
    dup = out.duplicated(["town_id", "year"], keep="first")
    for row in out.index[dup]:
        problems.append(
            msg(
                "table.assessed_twice",
                where=_cell(row),
                town=out.at[row, "town_id"],
                year=df.at[row, "year"],
            )
        )
    if problems:
        raise DataError(_problem_text(str(path), problems))
    out["year"] = out["year"].astype(int)
    if "synthetic" in df:
        out["synthetic"] = df["synthetic"].astype(str).str.strip().str.lower().isin(_TRUE)
    return out.reset_index(drop=True)


def _missing_columns(df: pd.DataFrame, required: tuple[str, ...]) -> list[str]:
    missing = [c for c in required if c not in df.columns]
    return [msg("table.missing_column", col=repr(c)) for c in missing]


def _quarter_problem(key: str, row, df: pd.DataFrame, out: pd.DataFrame) -> str:
    return msg(
        key, where=_cell(row, "quarter"), quarter=df.at[row, "quarter"], town=out.at[row, "town_id"]
    )


def _number_column(df: pd.DataFrame, col: str, problems: list[str], integer: bool) -> pd.Series:
    raw = df[col].map(lambda v: str(v).strip())
    num = pd.to_numeric(raw.str.replace(",", "", regex=False), errors="coerce").astype(float)
    for row in num.index[num.isna()]:
        problems.append(msg("table.not_number", where=_cell(row, col), value=show(df.at[row, col])))
    infinite = num.notna() & ~np.isfinite(num.to_numpy())
    for row in num.index[infinite]:
        problems.append(msg("table.not_finite", where=_cell(row, col), value=show(df.at[row, col])))
    num = num.where(~infinite)
    for row in num.index[num < 0]:
        problems.append(msg("table.negative", where=_cell(row, col), value=show(num.at[row])))
    if integer:
        for row in num.index[num.notna() & (num % 1 != 0)]:
            problems.append(msg("table.not_whole", where=_cell(row, col), value=show(num.at[row])))
    return num


def _bool_column(df: pd.DataFrame, col: str, problems: list[str]) -> pd.Series:
    raw = df[col].map(lambda v: str(v).strip().lower())
    bad = ~raw.isin(_TRUE | _FALSE)
    for row in raw.index[bad]:
        problems.append(msg("table.not_bool", where=_cell(row, col), value=show(df.at[row, col])))
    return raw.isin(_TRUE)


def load_progress(
    project,
    *,
    ruleset: str | None = None,
    quarter: str | None = None,
    n_stall: int = 4,
    indicators_path: str | Path | None = None,
    assessment_path: str | Path | None = None,
):
    """Load a project's layers, indicators, assessment and the rule set's ``[[target]]``
    tables, and compute the progress report (``townsgis.progress.build_report``)."""
    from townsgis.dataset import load_dataset
    from townsgis.errors import RulesetError
    from townsgis.progress import build_report
    from townsgis.ruleset import check_references

    rs = project.load_ruleset(ruleset)
    if not rs.targets:
        raise RulesetError.of("table.no_targets", path=str(rs.path))
    from townsgis.progress import check_targets

    check_targets(list(rs.targets), str(rs.path))
    ds = load_dataset(project, crs_override=rs.analysis_crs)
    check_references(rs, ds.towns.columns, ds.units["unit_id"])
    if ds.projects is None:
        from townsgis.store import missing_layer

        raise missing_layer(project.store.layer_source("projects"), "projects")
    ids = ds.towns["town_id"].astype(str).tolist()
    ind_src, ind_data = _table(project, "indicators", indicators_path)
    ass_src, ass_data = _table(project, "assessment", assessment_path)
    ind = load_indicators(ind_src, ids, ind_data)
    ass = load_assessment(ass_src, ids, ass_data)
    return build_report(
        ds,
        ind,
        ass,
        [dict(t) for t in rs.targets],
        quarter,
        n_stall,
        interpretation=rs.interpretation,
    )


def _table(project, name: str, given: str | Path | None) -> tuple[str | Path, bytes | None]:
    """A table given on the command line, or the project's own read through its store:
    (name for messages, bytes or None to read the named file)."""
    if given is not None:
        return given, None
    store = project.store
    data = store.read_document(name)
    source = store.document_source(name)
    if data is None:
        raise DataError.of("table.not_found", path=source)
    return source, data
