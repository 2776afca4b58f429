"""Annual assessment summary (§2.2) and the one-vote veto of counties (§4.3b)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.progress.conftest import assessment_frame, tiny_towns
from townsgis.progress import assessment_summary, assessment_visible, parse_quarter


def summary(rows):
    return {y["year"]: y for y in assessment_summary(assessment_frame(rows), tiny_towns())["years"]}


@pytest.mark.parametrize("grade", ["警告", "降级", "淘汰"])
def test_any_failing_town_vetoes_its_county(grade):
    y = summary(
        [
            ("T1", 2019, "优秀", True, False),
            ("T2", 2019, grade, False, False),
            ("T3", 2019, "合格", False, False),
        ]
    )[2019]
    assert [v["unit_id"] for v in y["vetoed"]] == ["U1"]  # T2 is in U1; U2 is clean
    assert y["vetoed"][0]["reasons"] == [{"town_id": "T2", "name_zh": "乙镇", "grade": grade}]


@pytest.mark.parametrize("grade", ["优秀", "良好", "合格"])
def test_passing_grades_veto_nobody(grade):
    y = summary([("T1", 2019, grade, False, False), ("T3", 2019, "合格", False, False)])[2019]
    assert y["vetoed"] == [] and y["pass_rate"] == 100


def test_veto_is_per_year():
    s = summary([("T3", 2018, "警告", False, False), ("T3", 2019, "合格", False, False)])
    assert [v["unit_id"] for v in s[2018]["vetoed"]] == ["U2"]
    assert s[2019]["vetoed"] == []


def test_pass_and_excellent_rates():
    y = summary(
        [
            ("T1", 2018, "优秀", True, False),
            ("T2", 2018, "良好", False, False),
            ("T3", 2018, "淘汰", False, False),
        ]
    )[2018]
    assert y["assessed"] == 3 and y["passed"] == 2
    assert y["pass_rate"] == pytest.approx(200 / 3)
    assert y["excellent_rate"] == pytest.approx(100 / 3)
    assert y["named"] == 1


def test_excellent_rate_exactly_20_percent_is_not_above_it():
    rows = [("T1", 2018, "优秀", False, False)] + [
        (f"T{i}", 2018, "合格", False, False) for i in range(2, 6)
    ]
    towns = tiny_towns()
    extra = pd.DataFrame(
        [{"town_id": f"T{i}", "name_zh": f"镇{i}", "unit_id": "U2"} for i in (4, 5)]
    )
    towns = pd.concat([towns, extra], ignore_index=True)
    y = assessment_summary(assessment_frame(rows), towns)["years"][0]
    assert y["excellent_rate"] == pytest.approx(20.0)
    assert not y["excellent_rate"] > 20  # §2.2 asks for more than 20%


def test_a_years_results_are_visible_from_its_fourth_quarter():
    a = assessment_frame([("T1", 2019, "警告", False, False)])
    assert assessment_visible(a, parse_quarter("2019Q3")).empty
    assert len(assessment_visible(a, parse_quarter("2019Q4"))) == 1
