"""Loading the indicators and assessment tables: CSV and XLSX, every bad cell named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from townsgis.errors import DataError
from townsgis.indicators import INDICATOR_COLUMNS, load_assessment, load_indicators

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

TOWNS = {"T1", "T2"}


def good_rows() -> list[dict]:
    rows = []
    for t in ("T1", "T2"):
        for qs in ("2018Q1", "2018Q2", "2018Q3"):
            r = {c: "1" for c in INDICATOR_COLUMNS}
            r.update(town_id=t, quarter=qs, fai="2.5", guidance_station="false")
            rows.append(r)
    return rows


def write_csv(tmp_path: Path, rows: list[dict], name="ind.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_good_csv_loads_with_types(tmp_path):
    df = load_indicators(write_csv(tmp_path, good_rows()), TOWNS)
    assert len(df) == 6
    assert df["quarter"].tolist()[:3] == [2018 * 4, 2018 * 4 + 1, 2018 * 4 + 2]
    assert df["fai"].dtype.kind == "f" and df["guidance_station"].dtype == bool


def test_good_xlsx_loads_like_the_csv(tmp_path):
    rows = good_rows()
    xlsx = tmp_path / "ind.xlsx"
    frame = pd.DataFrame(rows)
    frame["fai"] = 2.5  # real numbers in the sheet
    frame.to_excel(xlsx, index=False)
    a = load_indicators(xlsx, TOWNS)
    b = load_indicators(write_csv(tmp_path, rows), TOWNS)
    pd.testing.assert_frame_equal(a, b)


def _error(tmp_path, rows, name="ind.csv") -> str:
    with pytest.raises(DataError) as exc:
        load_indicators(write_csv(tmp_path, rows, name), TOWNS)
    return str(exc.value)


def test_unknown_town_names_file_row_and_column(tmp_path):
    rows = good_rows()
    rows[4]["town_id"] = "T9"
    msg = _error(tmp_path, rows)
    assert "ind.csv" in msg and "row 6" in msg and "town_id" in msg and "'T9'" in msg


def test_duplicated_quarter(tmp_path):
    rows = good_rows()
    rows[1]["quarter"] = "2018Q1"
    rows[2]["quarter"] = "2018Q2"
    msg = _error(tmp_path, rows)
    assert "row 3, column quarter" in msg and "duplicated" in msg


def test_quarter_out_of_order(tmp_path):
    rows = good_rows()
    rows[1]["quarter"], rows[2]["quarter"] = "2018Q3", "2018Q2"
    msg = _error(tmp_path, rows)
    assert "row 4, column quarter" in msg and "out of order" in msg


def test_gap_in_a_towns_quarters(tmp_path):
    rows = good_rows()
    rows[2]["quarter"] = "2018Q4"
    assert "gap" in _error(tmp_path, rows)


def test_negative_investment(tmp_path):
    rows = good_rows()
    rows[3]["nongov_investment"] = "-0.5"
    msg = _error(tmp_path, rows)
    assert "row 5, column nongov_investment" in msg and "negative" in msg


def test_part_larger_than_fai(tmp_path):
    rows = good_rows()
    rows[0]["specialty_investment"] = "3"
    assert "row 2, column specialty_investment" in _error(tmp_path, rows)


def test_every_problem_is_reported_at_once(tmp_path):
    rows = good_rows()
    rows[0]["quarter"] = "2018-1"
    rows[1]["teams"] = "many"
    rows[2]["guidance_station"] = "maybe"
    msg = _error(tmp_path, rows)
    assert "3 problems" in msg
    assert "column quarter" in msg and "column teams" in msg and "column guidance_station" in msg


def test_missing_column(tmp_path):
    rows = [{k: v for k, v in r.items() if k != "tax"} for r in good_rows()]
    assert "missing column 'tax'" in _error(tmp_path, rows)


def test_xlsx_errors_name_the_sheet_row(tmp_path):
    rows = good_rows()
    rows[5]["fai"] = "-1"
    xlsx = tmp_path / "bad.xlsx"
    pd.DataFrame(rows).to_excel(xlsx, index=False)
    with pytest.raises(DataError) as exc:
        load_indicators(xlsx, TOWNS)
    assert "bad.xlsx" in str(exc.value) and "row 7, column fai" in str(exc.value)


def test_input_file_is_not_modified(tmp_path):
    path = write_csv(tmp_path, good_rows())
    before = path.read_bytes()
    load_indicators(path, TOWNS)
    assert path.read_bytes() == before


# --- assessment ---------------------------------------------------------------------------
def write_assessment(tmp_path, rows) -> Path:
    path = tmp_path / "ass.csv"
    pd.DataFrame(rows, columns=["town_id", "year", "grade", "named", "high_tech"]).to_csv(
        path, index=False
    )
    return path


def test_assessment_loads_and_reads_降格_as_降级(tmp_path):
    path = write_assessment(
        tmp_path, [("T1", 2018, "优秀", "true", "false"), ("T2", 2018, "降格", "false", "false")]
    )
    df = load_assessment(path, TOWNS)
    assert df["grade"].tolist() == ["优秀", "降级"]
    assert df["named"].tolist() == [True, False]


@pytest.mark.parametrize(
    "row, needle",
    [
        (("T9", 2018, "优秀", "true", "false"), "column town_id"),
        (("T1", "20x8", "优秀", "true", "false"), "column year"),
        (("T1", 2018, "很好", "true", "false"), "column grade"),
        (("T1", 2018, "优秀", "perhaps", "false"), "column named"),
    ],
)
def test_assessment_bad_cells(tmp_path, row, needle):
    path = write_assessment(tmp_path, [("T2", 2018, "合格", "false", "false"), row])
    with pytest.raises(DataError) as exc:
        load_assessment(path, TOWNS)
    assert "ass.csv" in str(exc.value) and f"row 3, {needle}" in str(exc.value)


def test_assessment_twice_in_a_year(tmp_path):
    path = write_assessment(
        tmp_path, [("T1", 2018, "合格", "false", "false"), ("T1", 2018, "优秀", "false", "false")]
    )
    with pytest.raises(DataError, match="row 3: town T1 is assessed twice in 2018"):
        load_assessment(path, TOWNS)
