"""Rendering the progress report: JSON shape, XLSX types and frozen headers, HTML escaping,
the synthetic label, data findings in the report."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from tests.progress.conftest import assessment_frame, flat_indicators
from townsgis.progress import build_report
from townsgis.progress_report import render, to_dict

XSS = '<img src=x onerror="window.__xss=1">'
TARGETS = [
    {
        "id": "T-FAI",
        "clause": "§2.3",
        "metric": "fai_cumulative",
        "comparison": ">=",
        "value": 600,
        "unit": "亿元",
        "deadline": "2020",
    },
    {
        "id": "T-SPEC",
        "clause": "§2.3",
        "metric": "specialty_share",
        "comparison": ">=",
        "value": 70,
        "unit": "%",
        "deadline": "2020",
    },
]


@pytest.fixture
def report(tiny):
    tiny.projects.loc[4, "name_zh"] = XSS + "示例项目"  # P5 is stalled: shown in a table
    tiny.towns.loc[0, "name_zh"] = "<script>alert(1)</script>甲镇"
    ind = flat_indicators()
    ind["synthetic"] = True
    a = assessment_frame([("T1", 2018, "优秀", True, False), ("T2", 2018, "警告", False, False)])
    return build_report(tiny, ind, a, TARGETS, "2019Q4", 4)


def test_json_shape(report):
    d = json.loads(render(report, "json"))
    assert list(d)[:5] == ["quarter", "targets", "units", "stalled", "assessment"]
    assert d["quarter"] == "2019Q4"
    assert set(d["targets"][0]) == {
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
        # how met was decided (issue 12)
        "state",
        "stretch",
        "judged_by",
        "judged_value",
        "years",
        "base_year",
        "worst_year",
        "failed_years",
    }
    assert d["targets"][0]["value"] == pytest.approx(48.0)
    assert [s["project_id"] for s in d["stalled"]] == ["P5", "P2"]
    veto = d["assessment"]["years"][0]["vetoed"]
    assert veto[0]["unit_id"] == "U1" and veto[0]["reasons"][0]["grade"] == "警告"
    assert d["synthetic"] is True


def test_indicators_disagreeing_with_projects_is_a_finding(report):
    d = to_dict(report)
    rules = {f["rule"] for f in d["findings"]}
    assert rules == {"PROGRESS-FAI-CONSISTENCY"}  # flat 2 亿元 a quarter is not the projects'


def test_backward_stage_shows_up_in_the_report(tiny):
    tiny.projects.loc[0, "stage_history"] = "2018Q1:construction;2018Q3:reserve"
    tiny.projects.loc[0, "stage"], tiny.projects.loc[0, "stage_since"] = "reserve", "2018Q3"
    r = build_report(tiny, flat_indicators(), assessment_frame([]), TARGETS, "2019Q4", 4)
    assert "PROGRESS-STAGE-ORDER" in [f.rule for f in r.findings]
    assert "PROGRESS-STAGE-ORDER" in render(r, "text", "en")


def test_html_escapes_user_text(report):
    page = render(report, "html")
    assert XSS not in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;示例项目" in page
    assert "示例数据" in page


def test_markdown_escapes_html_and_table_syntax(report):
    md = render(report, "markdown")
    assert "<img" not in md and "<script" not in md
    assert '&lt;img src=x onerror="window.__xss=1"&gt;示例项目' in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;甲镇" in md


def test_markdown_cell_keeps_the_table_intact(tiny):
    tiny.projects.loc[4, "name_zh"] = "a|b\n[x](javascript:alert(1)) `c` & d"
    r = build_report(tiny, flat_indicators(), assessment_frame([]), TARGETS, "2019Q4", 4)
    md = render(r, "markdown")
    line = next(ln for ln in md.splitlines() if "P5" in ln and ln.startswith("|"))
    assert "a\\|b \\[x\\](javascript:alert(1)) \\`c\\` &amp; d" in line
    head = md.splitlines()[md.splitlines().index(line) - 1]
    # the same number of unescaped cell separators as the row above it
    assert line.replace("\\|", "").count("|") == head.replace("\\|", "").count("|")


EVIL = {
    "T2": '=HYPERLINK("http://evil.example/","点击")',
    "P5": "+cmd|' /C calc'!A0",
    "P2": "@SUM(1+1)*cmd|' /C calc'!A0",
    "P4": "-2+3+cmd|' /C calc'!A0",
}


def test_xlsx_stores_formula_like_user_text_as_text(tiny):
    tiny.towns.loc[1, "name_zh"] = EVIL["T2"]
    tiny.projects.loc[4, "name_zh"] = EVIL["P5"]  # stalled: shown in a sheet
    tiny.projects.loc[1, "name_zh"] = EVIL["P2"]  # stalled too
    tiny.towns.loc[2, "name_zh"] = EVIL["P4"]
    tiny.towns.loc[0, "name_zh"] = "\t=1+1"
    r = build_report(tiny, flat_indicators(), assessment_frame([]), TARGETS, "2019Q4", 4)
    data = render(r, "xlsx", "zh")
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    seen = {c.value for c in cells if isinstance(c.value, str)}
    assert set(EVIL.values()) | {"\t=1+1"} <= seen  # the text itself is kept
    for c in cells:
        if c.value in EVIL.values():
            assert c.data_type == "s" and c.quotePrefix
    # plain text and numbers are untouched
    sc = wb.worksheets[0]
    assert sc.cell(row=3, column=4).data_type == "n" and not sc.cell(row=3, column=1).quotePrefix


def test_xlsx_sheets_types_and_frozen_headers(report):
    wb = load_workbook(io.BytesIO(render(report, "xlsx", "zh")))
    assert len(wb.sheetnames) == 10 and wb.sheetnames[0] == "2020年目标记分卡"
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"
        assert "示例数据" in ws["A1"].value  # every sheet carries the synthetic label
    sc = wb["2020年目标记分卡"]
    heads = [c.value for c in sc[2]]
    assert heads[:4] == ["编号", "条款", "指标", "现值"]
    value = sc.cell(row=3, column=4).value
    assert isinstance(value, (int, float)) and value == pytest.approx(48.0)  # a number cell
    assert sc.cell(row=3, column=4).data_type == "n"
    units = wb.worksheets[1]
    uheads = [c.value for c in units[2]]
    assert isinstance(units.cell(row=3, column=uheads.index("项目数") + 1).value, int)


def test_english_headers(report):
    wb = load_workbook(io.BytesIO(render(report, "xlsx", "en")))
    assert [c.value for c in wb.worksheets[0][2]][:2] == ["id", "clause"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_carries_the_synthetic_label(report, fmt):
    assert "示例数据" in render(report, fmt, "zh")
    assert "SYNTHETIC" in render(report, fmt, "en")
