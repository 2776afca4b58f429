"""Render a :class:`townsgis.progress.ProgressReport` as text, JSON, Markdown, HTML or XLSX.

All formats are built from the same tables (``report_tables``), so they show the same
numbers. User text (town and project names) is HTML-escaped in HTML. Sample figures are
labelled synthetic in every format.
"""

from __future__ import annotations

import html
import io
import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from townsgis import numbers, vocab
from townsgis.i18n import pick
from townsgis.messages import msg, register
from townsgis.progress import STAGES, ProgressReport

FORMATS = ("text", "json", "markdown", "xlsx", "html")
register(
    {
        "report.title": ("特色小镇建设进度报告", "Characteristic towns progress report"),
        "report.synthetic": (
            "示例数据（合成，非真实统计）",
            "SYNTHETIC sample data, not real statistics",
        ),
        "report.synthetic_what": (
            "：项目、指标与考核均为生成的示例",
            ": projects, indicators, assessments generated",
        ),
        "report.stretch": ("{title}（力争）", "{title} (stretch goal)"),
        "report.average": ("{title}（年均）", "{title} (average a year)"),
        "report.average_years": ("{title}（{a}—{b}年年均）", "{title} (average a year {a}–{b})"),
        "report.every_year": ("{title}（逐年考核）", "{title} (every year)"),
        "report.every_year_worst": (
            "{title}（逐年考核；最差 {y}年：{v}{u}）",
            "{title} (every year; worst {y}: {v} {u})",
        ),
        "report.city": ("全市", "city"),
    }
)

_L = {  # column labels: key → (zh, en)
    "id": ("编号", "id"),
    "clause": ("条款", "clause"),
    "title": ("指标", "indicator"),
    "value": ("现值", "value"),
    "comparison": ("比较", "comparison"),
    "target": ("目标", "target"),
    "unit": ("单位", "unit"),
    "met": ("达标", "met"),
    "share_done": ("完成度%", "done %"),
    "projected": ("按当前进度预计", "projected"),
    "projected_met": ("预计达标", "projected met"),
    "deadline": ("期限", "deadline"),
    "rank": ("排名", "rank"),
    "unit_id": ("县区编号", "unit id"),
    "category": ("类别", "category"),
    "name": ("名称", "name"),
    "towns": ("小镇数", "towns"),
    "projects": ("项目数", "projects"),
    "implemented": ("已实施", "implemented"),
    "stalled": ("停滞", "stalled"),
    "total_investment": ("计划总投资（亿元）", "planned (亿元)"),
    "invested_to_date": ("累计完成投资（亿元）", "invested (亿元)"),
    "share": ("投资完成率%", "invested %"),
    "fai_quarter": ("本季度投资（亿元）", "FAI this quarter (亿元)"),
    "fai_cumulative": ("累计固定资产投资（亿元）", "cumulative FAI (亿元)"),
    "specialty_share": ("特色产业投资占比%", "specialty %"),
    "nongov_share": ("非政府投资占比%", "non-government %"),
    "tech_share": ("科技投入占比%", "S&T %"),
    "specialty_share_met": ("特色产业占比达标", "specialty met"),
    "nongov_share_met": ("非政府占比达标", "non-gov met"),
    "tech_share_met": ("科技占比达标", "S&T met"),
    "score_completion": ("完成分", "completion"),
    "score_implementation": ("实施分", "implementation"),
    "score_compliance": ("结构分", "compliance"),
    "score_momentum": ("推进分", "momentum"),
    "score": ("综合得分", "score"),
    "town_id": ("小镇编号", "town id"),
    "quarter": ("季度", "quarter"),
    "total": ("合计", "total"),
    "project_id": ("项目编号", "project id"),
    "stage": ("阶段", "stage"),
    "since": ("阶段起始", "since"),
    "quarters_stalled": ("停滞季度数", "quarters stalled"),
    "year": ("年度", "year"),
    "assessed": ("参评小镇", "assessed"),
    "passed": ("合格及以上", "passed"),
    "pass_rate": ("合格率%", "pass rate %"),
    "excellent": ("优秀", "excellent"),
    "excellent_rate": ("优秀率%", "excellent rate %"),
    "named": ("已命名", "named"),
    "vetoed": ("一票否决县区（§4.3b）", "vetoed counties (§4.3b)"),
    "culture_revenue": ("文化产业营业收入（亿元）", "culture revenue (亿元)"),
    "growth_pct": ("同比增长%", "growth %"),
    "complete": ("全年数据", "full year"),
    "rule": ("规则", "rule"),
    "severity": ("级别", "severity"),
    "message": ("说明", "message"),
    "note": ("说明", "note"),
}
_SHEETS = {  # table key → (zh, en) title
    "scorecard": ("2020年目标记分卡", "Scorecard of the 2020 targets"),
    "units": ("县区季度通报排名（§4.2a）", "County bulletin ranking (§4.2a)"),
    "towns": ("小镇投资进度", "Town investment progress"),
    "shares": ("投资结构占比（§2.3、§3.2.1）", "Investment shares §2.3, §3.2.1"),
    "pipeline": ("四个一批项目库（§3.3.1）", "Four-batches pipeline (§3.3.1)"),
    "stalled": ("停滞项目", "Stalled projects"),
    "assessment": ("年度考核（§2.2、§4.3b）", "Annual assessment (§2.2, §4.3b)"),
    "culture": ("文化产业收入增长（§3.4.2）", "Culture revenue growth (§3.4.2)"),
    "findings": ("数据问题", "Data findings"),
    "notes": ("说明", "Notes"),
}
# the column labels and table titles are catalogue entries (report.col.*, report.sheet.*)
register({f"report.col.{k}": v for k, v in _L.items()})
register({f"report.sheet.{k}": v for k, v in _SHEETS.items()})
_L_KEYS = {f"report.col.{k}" for k in _L}


def _lab(key: str, lang: str) -> str:
    return msg(f"report.col.{key}", lang) if f"report.col.{key}" in _L_KEYS else key


def target_titles(sc: pd.DataFrame, lang: str = "zh") -> list[str]:
    """Each scorecard row's title as every output shows it: "every year" targets (§2.2,
    §3.4.2) with their worst year, stretch goals (力争) marked, average-growth targets with
    their years."""
    titles = list(pick(sc["title_zh"], sc["title_en"], lang))
    rows = _rows(sc)
    if "per_year" in sc:
        titles = [
            _per_year_title(t, r, lang) if r["per_year"] else t
            for t, r in zip(titles, rows, strict=True)
        ]
    if "state" in sc:
        titles = [
            msg("report.stretch", lang, title=t) if r["stretch"] else t
            for t, r in zip(titles, rows, strict=True)
        ]
        titles = [
            _average_title(t, r, lang) if r["judged_by"] == "average_annual" else t
            for t, r in zip(titles, rows, strict=True)
        ]
    return titles


def report_tables(r: ProgressReport, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The report as ordered tables with display headers in ``lang``; numbers stay numbers
    (percentages in %), yes/no as text."""
    yes, no = msg("yes", lang), msg("no", lang)

    def yn(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else (yes if v else no)

    sc = r.scorecard.copy()
    sc["title"] = target_titles(sc, lang)
    sc["share_done"] = sc["share_done"].map(lambda v: None if v is None else 100 * v)
    stretch_missed = vocab.label("target_state", "stretch_missed", lang)
    if "state" in sc:
        sc["met"] = [
            stretch_missed if st == "stretch_missed" else yn(m)
            for m, st in zip(sc["met"], sc["state"], strict=True)
        ]
    else:
        sc["met"] = sc["met"].map(yn)
    sc["projected_met"] = sc["projected_met"].map(yn)
    sc = sc[
        [
            "id",
            "clause",
            "title",
            "value",
            "comparison",
            "target",
            "unit",
            "met",
            "share_done",
            "projected",
            "projected_met",
            "deadline",
        ]
    ]

    u = r.units.copy()
    u["name"] = u["name_en"] if lang == "en" and "name_en" in u else u["name_zh"]
    u["share"] = 100 * u["share"]
    u = u.sort_values(["rank", "unit_id"], na_position="last")
    ucols = [
        "rank",
        "unit_id",
        "name",
        "towns",
        "projects",
        "implemented",
        "stalled",
        "total_investment",
        "invested_to_date",
        "share",
        "fai_quarter",
        "fai_cumulative",
        "specialty_share",
        "nongov_share",
        "tech_share",
        "score_completion",
        "score_implementation",
        "score_compliance",
        "score_momentum",
        "score",
    ]
    u = u[[c for c in ucols if c in u]]

    t = r.towns.copy()
    t["name"] = t["name_en"] if lang == "en" and "name_en" in t else t["name_zh"]
    t["share"] = 100 * t["share"]
    if "category" in t:  # the category's name, as on the maps (its colour in the XLSX)
        t["category"] = [vocab.label("category", c, lang) for c in t["category"]]
    t = t[
        [
            "town_id",
            "name",
            *(["category"] if "category" in t else []),
            "unit_id",
            "projects",
            "implemented",
            "total_investment",
            "invested_to_date",
            "share",
        ]
    ]

    sh = r.shares.copy().rename(columns={"name_zh": "name"})
    for c in [c for c in sh if c.endswith("_met")]:
        sh[c] = sh[c].map(yn)
    if lang == "en":
        en = dict(zip(r.towns["town_id"], r.towns.get("name_en", r.towns["name_zh"]), strict=False))
        sh["name"] = [en.get(t, msg("report.city", lang)) for t in sh["town_id"]]

    pl = r.pipeline.copy()
    pl = pl.rename(columns={s: vocab.label("stage", s, lang) for s in STAGES})

    st = r.stalled.copy().rename(columns={"name_zh": "name"})
    st["stage"] = st["stage"].map(lambda s: vocab.label("stage", s, lang))

    years = []
    for y in r.assessment["years"]:
        veto = "；".join(
            f"{v.get('name_zh', v['unit_id'])}（{v['unit_id']}）："
            + "、".join(f"{x['name_zh']}（{x['grade']}）" for x in v["reasons"])
            for v in y["vetoed"]
        )
        years.append(
            {
                k: y[k]
                for k in (
                    "year",
                    "assessed",
                    "passed",
                    "pass_rate",
                    "excellent",
                    "excellent_rate",
                    "named",
                )
            }
            | {"vetoed": veto or "—"}
        )
    ass = pd.DataFrame(
        years,
        columns=[
            "year",
            "assessed",
            "passed",
            "pass_rate",
            "excellent",
            "excellent_rate",
            "named",
            "vetoed",
        ],
    )

    cu = r.culture.copy()
    cu["complete"] = cu["complete"].map(yn)
    cu["met"] = cu["met"].map(yn)

    fi = pd.DataFrame(
        [
            {
                "rule": f.rule,
                "clause": f.clause,
                "severity": vocab.label("severity", str(f.severity), lang),
                "message": f.message(lang),
            }
            for f in r.findings
        ],
        columns=["rule", "clause", "severity", "message"],
    )
    tag = msg("report.synthetic", lang) + msg("report.synthetic_what", lang)
    notes = ([tag] if r.synthetic else []) + list(r.notes)
    no = pd.DataFrame({"note": notes})

    raw = {
        "scorecard": sc,
        "units": u,
        "towns": t,
        "shares": sh,
        "pipeline": pl,
        "stalled": st,
        "assessment": ass,
        "culture": cu,
        "findings": fi,
        "notes": no,
    }
    out = {}
    for k, v in raw.items():
        kinds = _kinds(v)  # from the units as data write them, before they are translated
        if "unit" in v.columns:
            v = v.assign(unit=[numbers.unit_label(x, lang) for x in v["unit"]])
        df = v.rename(columns=lambda c: _lab(c, lang)).reset_index(drop=True)
        df.attrs["kinds"] = kinds  # number kind of every cell (townsgis.numbers), None = text
        out[k] = df
    return out


# How each column's numbers are shown (townsgis.numbers): counts as integers, 亿元 with 2
# decimals, percentages with 1. The scorecard's value/target/projected follow the row's unit.
COLUMN_KINDS = {
    "rank": "int",
    "year": "int",
    "towns": "count",
    "projects": "count",
    "implemented": "count",
    "stalled": "count",
    "assessed": "count",
    "passed": "count",
    "excellent": "count",
    "named": "count",
    "quarters_stalled": "count",
    "total": "count",
    **{s: "count" for s in STAGES},
    "total_investment": "yuan",
    "invested_to_date": "yuan",
    "fai_quarter": "yuan",
    "fai_cumulative": "yuan",
    "culture_revenue": "yuan",
    "share": "pct",
    "share_done": "pct",
    "specialty_share": "pct",
    "nongov_share": "pct",
    "tech_share": "pct",
    "pass_rate": "pct",
    "excellent_rate": "pct",
    "growth_pct": "pct",
    "score_completion": "score",
    "score_implementation": "score",
    "score_compliance": "score",
    "score_momentum": "score",
    "score": "score",
}
BY_UNIT = ("value", "target", "projected")


def _kinds(df: pd.DataFrame) -> list[list[str | None]]:
    """The number kind of every cell of a table whose columns are still keys."""
    cols = list(df.columns)
    units = df["unit"].tolist() if "unit" in df else [None] * len(df)
    out = []
    for u in units:
        by_unit = numbers.kind_of_unit(u)
        out.append([by_unit if c in BY_UNIT else COLUMN_KINDS.get(c) for c in cols])
    return out


def _rows(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


def _average_title(title: str, row: dict, lang: str) -> str:
    """The indicator title of an average-annual-growth target with its years."""
    if not row.get("years"):
        return msg("report.average", lang, title=title)
    a, b = row["base_year"], max(row["years"])
    return msg("report.average_years", lang, title=title, a=a, b=b)


def _per_year_title(title: str, row: dict, lang: str) -> str:
    """The indicator title of an "every year" target with its worst completed year."""
    if row.get("worst_year") is None:
        return msg("report.every_year", lang, title=title)
    y, v, u = int(row["worst_year"]), row["worst_value"], row["unit"]
    return msg("report.every_year_worst", lang, title=title, y=y, v=f"{v:.1f}", u=u)


def title(r: ProgressReport, key: str, lang: str) -> str:
    base = msg(f"report.sheet.{key}", lang)
    tag = msg("report.synthetic", lang) if r.synthetic else ""
    return f"{base} · {r.quarter}" + (f" · {tag}" if tag else "")


# --- JSON -------------------------------------------------------------------------------
def to_dict(r: ProgressReport, lang: str = "zh") -> dict[str, Any]:
    """The JSON document: ``quarter``, ``targets``, ``units``, ``stalled``, ``assessment``
    first (the agreed shape), then ``towns``, ``shares``, ``pipeline``, ``culture``,
    ``findings``, ``synthetic`` and ``notes``."""
    keys = [
        "id",
        "clause",
        "metric",
        "value",
        "target",
        "comparison",
        "met",
        "share_done",
        "projected",
        "deadline",
    ]
    # how met was decided, so that a reader can recompute it (issue 12): the value compared
    # with the target, how it was obtained and the yearly figures behind it
    detail = [
        "state",
        "stretch",
        "judged_by",
        "judged_value",
        "years",
        "base_year",
        "worst_year",
        "failed_years",
    ]
    keys += [k for k in detail if k in r.scorecard]
    return {
        "quarter": r.quarter,
        "targets": _records(r.scorecard[keys]),
        "units": _records(r.units),
        "stalled": _records(r.stalled),
        "assessment": _clean(r.assessment),
        "towns": _records(r.towns),
        "shares": _records(r.shares),
        "pipeline": _records(r.pipeline),
        "culture": _records(r.culture),
        "findings": [f.to_dict(lang) | {"extra": _clean(f.extra)} for f in r.findings],
        "synthetic": r.synthetic,
        "stall_quarters": r.stall_quarters,
        "notes": r.notes,
        "readings": [
            x | {"text": x["text"] if lang == "en" else _reading_zh(x)} for x in r.readings
        ],
    }


def _reading_zh(x: dict) -> str:
    from townsgis.interpretation import READINGS

    return READINGS[x["key"]].text(x["value"], "zh")


def render_json(r: ProgressReport, lang: str = "zh") -> str:
    return json.dumps(to_dict(r, lang), ensure_ascii=False, indent=2) + "\n"


def _records(df: pd.DataFrame) -> list[dict]:
    return [_clean(rec) for rec in df.to_dict(orient="records")]


def _clean(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if v is None or v is pd.NA:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 6)
    return v


# --- text and Markdown -------------------------------------------------------------------
def _cell(v: Any, kind: str | None = None) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if kind is not None and isinstance(v, int | float) and not isinstance(v, bool):
        return numbers.fmt(v, kind)
    if isinstance(v, float):
        return numbers.fmt(v, "number")
    return str(v)


def _cells(df: pd.DataFrame) -> list[list[str]]:
    """Every cell of a report table as text, numbers with the decimals of their kind."""
    kinds = df.attrs.get("kinds") or [[None] * len(df.columns)] * len(df)
    return [
        [_cell(_plain(v), k) for v, k in zip(row, kr, strict=False)]
        for row, kr in zip(df.itertuples(index=False), kinds, strict=False)
    ]


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") and not isinstance(v, str | bytes) else v


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int, right: bool) -> str:
    fill = " " * (w - _width(s))
    return fill + s if right else s + fill


def _text_table(df: pd.DataFrame) -> str:
    if df.empty:
        return "  (none)"
    cells = _cells(df)
    heads = [str(c) for c in df.columns]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(heads)]
    num = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    lines = ["  ".join(_pad(h, widths[i], num[i]) for i, h in enumerate(heads))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, widths[i], num[i]) for i, c in enumerate(r)) for r in cells]
    return "\n".join(lines)


def render_text(r: ProgressReport, lang: str = "zh") -> str:
    parts = []
    if r.synthetic:
        parts.append(f"*** {msg('report.synthetic', lang)} ***")
    for key, df in report_tables(r, lang).items():
        parts.append(f"\n== {title(r, key, lang)} ==\n{_text_table(df)}")
    return "\n".join(parts) + "\n"


def _md_escape(s: str) -> str:
    """One Markdown table cell (townsgis.mdescape: HTML, link, image and table syntax)."""
    from townsgis.mdescape import md_escape

    return md_escape(s)


def render_markdown(r: ProgressReport, lang: str = "zh") -> str:
    head = msg("report.title", lang)
    parts = [f"# {head} · {r.quarter}\n"]
    if r.synthetic:
        parts.append(f"> **{msg('report.synthetic', lang)}**\n")
    for key, df in report_tables(r, lang).items():
        parts.append(f"## {_md_escape(title(r, key, lang))}\n")
        if df.empty:
            parts.append("(none)\n")
            continue
        cols = [_md_escape(str(c)) for c in df.columns]
        parts.append("| " + " | ".join(cols) + " |")
        parts.append("|" + "|".join("---" for _ in cols) + "|")
        for row in _cells(df):
            parts.append("| " + " | ".join(_md_escape(v) for v in row) + " |")
        parts.append("")
    return "\n".join(parts) + "\n"


# --- HTML --------------------------------------------------------------------------------
def render_html(r: ProgressReport, lang: str = "zh") -> str:
    """A standalone HTML page; every cell and title is escaped."""
    e = html.escape
    head = msg("report.title", lang)
    out = [
        "<!doctype html>",
        f'<html lang="{pick("zh-CN", "en", lang)}"><head><meta charset="utf-8">',
        f"<title>{e(head)} · {e(r.quarter)}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;"
        "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right}"
        ".syn{background:#fff3cd;padding:.5em;border:1px solid #e0c36c}</style></head><body>",
        f"<h1>{e(head)} · {e(r.quarter)}</h1>",
    ]
    if r.synthetic:
        out.append(f'<p class="syn">{e(msg("report.synthetic", lang))}</p>')
    for key, df in report_tables(r, lang).items():
        out.append(f"<h2>{e(title(r, key, lang))}</h2>")
        if df.empty:
            out.append("<p>—</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in df.columns))
        out.append("</tr></thead><tbody>")
        num = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
        for row in _cells(df):
            tds = "".join(
                f"<td{' class=n' if num[i] else ''}>{e(v)}</td>" for i, v in enumerate(row)
            )
            out.append(f"<tr>{tds}</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --- XLSX --------------------------------------------------------------------------------
def render_xlsx(r: ProgressReport, lang: str = "zh") -> bytes:
    """One sheet per table: row 1 the title (with the synthetic label), row 2 the headers
    (frozen, repeated on every printed page), numbers stored as numbers with the number
    format of their kind (counts ``#,##0``, 亿元 ``#,##0.00``, % ``0.0``), column widths
    from the content, landscape and fit to the page width; text never as a formula."""
    from openpyxl import Workbook

    from townsgis.xlsx import write_table

    wb = Workbook()
    wb.remove(wb.active)
    for key, df in report_tables(r, lang).items():
        ws = wb.create_sheet(_sheet_name(msg(f"report.sheet.{key}", lang)))
        rows = [[_xl(v) for v in row] for row in df.itertuples(index=False)]
        kinds = df.attrs.get("kinds") or [[None] * len(df.columns)] * len(df)
        write_table(ws, [str(c) for c in df.columns], rows, kinds, title=title(r, key, lang))
        if key == "towns":
            _colour_categories(ws, [str(c) for c in df.columns], lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _colour_categories(ws, headers: list[str], lang: str) -> None:
    """Fill each town's category cell with the category's map colour (vocabulary), so the
    sheet reads like the maps' legend."""
    from openpyxl.styles import PatternFill

    head = _lab("category", lang)
    if head not in headers:
        return
    col = headers.index(head) + 1
    by_label = {v: k for k, v in vocab.labels("category", lang).items()}
    for row in ws.iter_rows(min_row=3, min_col=col, max_col=col):
        cell = row[0]
        cat = by_label.get(str(cell.value))
        if cat is not None:
            rgb = vocab.colour("category", cat).lstrip("#").upper()
            cell.fill = PatternFill("solid", fgColor=rgb)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_formulas(cells) -> None:
    """Store text that a spreadsheet would run as a formula (starting with = + - @, tab or
    CR: e.g. a town named ``=HYPERLINK(...)``) as plain text, with Excel's quote prefix so
    that editing the cell does not turn it into a formula either (CSV/formula injection)."""
    for c in cells:
        if isinstance(c.value, str) and c.value.startswith(FORMULA_START):
            c.data_type = "s"
            c.quotePrefix = True


def _xl(v: Any) -> Any:
    v = _clean(v)
    return v


def _sheet_name(s: str) -> str:
    for ch in "[]:*?/\\":
        s = s.replace(ch, " ")
    return s[:31]


def render(r: ProgressReport, fmt: str, lang: str = "zh") -> str | bytes:
    """Render in ``fmt`` (text, json, markdown, html: str; xlsx: bytes)."""
    return {
        "text": render_text,
        "json": render_json,
        "markdown": render_markdown,
        "html": render_html,
        "xlsx": render_xlsx,
    }[fmt](r, lang)


def write(r: ProgressReport, fmt: str, path: str | Path, lang: str = "zh") -> Path:
    """Render and write atomically."""
    from townsgis.layers import write_text_atomic

    return write_text_atomic(render(r, fmt, lang), path)
