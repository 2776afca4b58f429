"""English progress tables speak English units (个 reads as nothing, 亿元 as 100M yuan) with
the same number formats; sheet titles fit Excel's 31 characters whole."""

from __future__ import annotations

import re

from townsgis.indicators import load_progress
from townsgis.progress_report import _SHEETS, report_tables
from townsgis.project import Project


def test_english_tables_have_no_chinese_units():
    r = load_progress(Project.open(None), quarter="2019Q4")
    en, zh = report_tables(r, "en"), report_tables(r, "zh")
    for key, df in en.items():
        for col in df.columns:
            if col == "unit":
                vals = {v for v in df[col] if isinstance(v, str)}
                assert not any(re.search(r"[\u4e00-\u9fff]", v) for v in vals), (key, vals)
        assert df.attrs["kinds"] == zh[key].attrs["kinds"], key  # same number formats
    sc = en["scorecard"].set_index("id")
    assert sc.loc["T-FAI", "unit"] == "100M yuan" and sc.loc["T-PROJECTS", "unit"] == ""
    assert report_tables(r, "zh")["scorecard"].set_index("编号").loc["T-FAI", "单位"] == "亿元"


def test_sheet_titles_fit_excel_whole():
    assert all(len(zh) <= 31 and len(en) <= 31 for zh, en in _SHEETS.values())
