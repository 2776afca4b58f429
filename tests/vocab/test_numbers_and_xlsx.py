"""Numbers as a reader expects them: counts as integers, money and percentages with fixed
decimals; XLSX with number formats, widths, frozen headers and a print setup."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from townsgis import numbers


def test_number_kinds():
    assert numbers.fmt(4.0, "count") == "4"
    assert numbers.fmt(12345.6, "count") == "12,346"
    assert numbers.fmt(100.996881, "yuan") == "101.00"
    assert numbers.fmt(42.857, "pct") == "42.9"
    assert numbers.fmt(0.42857, "share") == "42.9%"
    assert numbers.fmt(2019, "int") == "2019"
    assert numbers.fmt(None, "yuan") == "—" and numbers.fmt(float("nan"), "count") == "—"
    assert numbers.rounded(4.0, "count") == 4 and isinstance(numbers.rounded(4.0, "count"), int)
    assert numbers.kind_of_unit("亿元") == "yuan" and numbers.kind_of_unit("个") == "count"


@pytest.fixture(scope="module")
def progress_text():
    from typer.testing import CliRunner

    from townsgis.cli import app

    return CliRunner().invoke(app, ["progress", "--quarter", "2019Q4"]).output


def test_counts_print_as_integers_in_the_progress_text(progress_text):
    row = next(line for line in progress_text.splitlines() if line.startswith("T-NAMED-2020"))
    assert re.search(r"\s4\s+>=\s+8\s+个", row), row  # not "4.00 >= 8.00 个"
    assert not re.search(r"\d\.\d\d\s+个", progress_text)
    fai = next(line for line in progress_text.splitlines() if line.startswith("T-FAI"))
    assert re.search(r"\d+\.\d\d\s+>=\s+600\.00\s+亿元", fai), fai
    share = next(line for line in progress_text.splitlines() if line.startswith("T-TECH-SHARE"))
    assert re.search(r"\d+\.\d\s+>=\s+8\.0\s+%", share), share


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    from typer.testing import CliRunner

    from townsgis.cli import app

    out = tmp_path_factory.mktemp("x") / "progress.xlsx"
    r = CliRunner().invoke(
        app, ["progress", "--quarter", "2019Q4", "--format", "xlsx", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    return load_workbook(io.BytesIO(out.read_bytes()))


def _column(ws, header: str) -> int:
    return [c.value for c in ws[2]].index(header) + 1


def test_xlsx_number_formats_per_kind(workbook):
    ws = workbook["县区季度通报排名（§4.2a）"]
    projects = ws.cell(row=3, column=_column(ws, "项目数"))
    assert isinstance(projects.value, int) and projects.number_format == "#,##0"
    money = ws.cell(row=3, column=_column(ws, "计划总投资（亿元）"))
    assert money.number_format == "#,##0.00" and money.value == round(money.value, 2)
    pct = ws.cell(row=3, column=_column(ws, "投资完成率%"))
    assert pct.number_format == "0.0"
    name = ws.cell(row=3, column=_column(ws, "名称"))
    assert name.number_format == "General"
    sc = workbook["2020年目标记分卡"]
    named = [r for r in sc.iter_rows(min_row=3) if r[0].value == "T-NAMED-2020"][0]
    value = named[_column(sc, "现值") - 1]
    assert value.value == 4 and isinstance(value.value, int) and value.number_format == "#,##0"
    fai = [r for r in sc.iter_rows(min_row=3) if r[0].value == "T-FAI"][0]
    assert fai[_column(sc, "现值") - 1].number_format == "#,##0.00"


def test_xlsx_widths_frozen_headers_and_print_setup(workbook):
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A3"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$2"
        widths = [ws.column_dimensions[c].width for c in "AB"]
        assert all(w and w > 4 for w in widths)
    towns = workbook["小镇投资进度"]
    name_col = towns.cell(row=2, column=_column(towns, "名称")).column_letter
    assert towns.column_dimensions[name_col].width >= 2 * len("湖州开发区电动汽车小镇")
