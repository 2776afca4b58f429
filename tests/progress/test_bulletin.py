"""The quarterly county bulletin (§4.2a): the composite score and the ranking."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.progress.conftest import flat_indicators
from townsgis.progress import bulletin_score, unit_summary

SHARES = {"specialty_share": 70.0, "nongov_share": 80.0, "tech_share": 8.0}


def units(**cols) -> pd.DataFrame:
    base = {
        "towns": [1, 1],
        "projects": [10, 10],
        "implemented": [5, 5],
        "stalled": [0, 0],
        "share": [0.5, 0.5],
        "specialty_share": [70.0, 70.0],
        "nongov_share": [80.0, 80.0],
        "tech_share": [8.0, 8.0],
    }
    base.update(cols)
    return pd.DataFrame(base, index=["A", "B"])


def test_score_is_the_mean_of_four_parts():
    s = bulletin_score(units(), SHARES).loc["A"]
    assert s["score_completion"] == 50 and s["score_implementation"] == 50
    assert s["score_compliance"] == 100  # exactly at all three targets counts as met
    assert s["score_momentum"] == 100
    assert s["score"] == pytest.approx((50 + 50 + 100 + 100) / 4)


def test_each_part_moves_the_rank():
    s = bulletin_score(units(stalled=[0, 2]), SHARES)
    assert s.at["B", "score_momentum"] == 80 and s.at["A", "rank"] == 1 and s.at["B", "rank"] == 2
    s = bulletin_score(units(tech_share=[8.0, 7.99]), SHARES)
    assert s.at["B", "score_compliance"] == pytest.approx(200 / 3) and s.at["B", "rank"] == 2
    s = bulletin_score(units(share=[0.4, 0.9]), SHARES)
    assert s.at["B", "rank"] == 1


def test_ties_share_a_rank_and_units_without_towns_are_not_ranked():
    s = bulletin_score(units(towns=[1, 0]), SHARES)
    assert s.at["A", "rank"] == 1 and pd.isna(s.at["B", "rank"]) and pd.isna(s.at["B", "score"])
    s = bulletin_score(units(), SHARES)
    assert s["rank"].tolist() == [1, 1]


def test_unit_summary_of_the_tiny_dataset(tiny):
    us = unit_summary(tiny, "2019Q4", flat_indicators()).set_index("unit_id")
    assert us.at["U1", "towns"] == 2 and us.at["U2", "towns"] == 1 and us.at["U3", "towns"] == 0
    assert us.at["U1", "invested_to_date"] == pytest.approx(18.0)
    assert us.at["U1", "fai_quarter"] == pytest.approx(4.0)  # two towns x 2
    assert us.at["U2", "fai_cumulative"] == pytest.approx(16.0)  # 8 quarters x 2
    assert us.at["U2", "stalled"] == 1  # P5 in approval since 2018Q1
    assert us.at["U1", "rank"] == 1 and pd.isna(us.at["U3", "rank"])
