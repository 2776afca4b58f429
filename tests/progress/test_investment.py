"""Investment implied by stage histories, and totals that must equal the layers' sums."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.progress.conftest import QUARTERS, tiny_projects
from townsgis.progress import (
    implied_indicators,
    investment_paths,
    parse_quarter,
    pipeline,
    town_progress,
    unit_summary,
)


def q(s):
    return parse_quarter(s)


def test_investment_is_spread_evenly_over_the_construction_quarters():
    p = tiny_projects().set_index("project_id", drop=False)
    fai = investment_paths(p, QUARTERS)["fai"]
    # P1: 9 亿元 over 2018Q3, 2018Q4, 2019Q1 (operation from 2019Q2)
    assert fai.at["P1", q("2018Q2")] == 0
    assert fai.at["P1", q("2018Q3")] == pytest.approx(3.0)
    assert fai.at["P1", q("2019Q1")] == pytest.approx(9.0)
    assert fai.at["P1", q("2019Q4")] == pytest.approx(9.0)
    # P2: still building: 4 亿元 over 2018Q3..2019Q4 (the as-of quarter), 6 quarters
    assert fai.at["P2", q("2018Q3")] == pytest.approx(4 / 6)
    assert fai.at["P2", q("2019Q4")] == pytest.approx(4.0)
    # P3 jumped straight to operation in 2018Q4: all of it in that quarter
    assert fai.at["P3", q("2018Q3")] == 0 and fai.at["P3", q("2018Q4")] == pytest.approx(5.0)


def test_parts_keep_the_project_ratios():
    p = tiny_projects().set_index("project_id", drop=False)
    paths = investment_paths(p, [q("2018Q3")])
    assert paths["specialty_investment"].at["P1", q("2018Q3")] == pytest.approx(3 * 7.2 / 9)
    assert paths["nongov_investment"].at["P1", q("2018Q3")] == pytest.approx(3 * 0.9)
    assert paths["tech_investment"].at["P2", q("2018Q3")] == pytest.approx(4 / 6 * 0.2 / 4)


def test_implied_flows_add_up_to_invested_to_date_per_town():
    p = tiny_projects()
    flows = implied_indicators(p, QUARTERS)
    got = flows.groupby("town_id")["fai"].sum()
    want = p.groupby("town_id")["invested_to_date"].sum()
    pd.testing.assert_series_equal(got, want, check_names=False)


def test_town_progress_at_a_quarter(tiny):
    tp = town_progress(tiny, "2018Q4").set_index("town_id")
    assert tp.at["T1", "invested_to_date"] == pytest.approx(6.0 + 2 * 4 / 6)
    assert tp.at["T1", "total_investment"] == pytest.approx(18.0)
    assert tp.at["T1", "share"] == pytest.approx((6.0 + 8 / 6) / 18)
    assert tp.at["T2", "implemented"] == 1 and tp.at["T3", "implemented"] == 0
    assert tp.at["T3", "projects"] == 2


# --- the bundled sample: totals equal the layers' sums, computed here with plain pandas ---
def test_sample_indicators_fai_equals_projects_invested_to_date(sample):
    projects = pd.DataFrame(sample.ds.projects.drop(columns="geometry"))
    want = projects.groupby("town_id")["invested_to_date"].sum()
    got = sample.indicators.groupby("town_id")["fai"].sum()
    pd.testing.assert_series_equal(
        got.sort_index(), want.sort_index(), check_names=False, atol=0.01
    )
    assert got.sum() == pytest.approx(projects["invested_to_date"].sum(), abs=0.01)


def test_sample_town_and_unit_totals_equal_the_layer_sums(sample):
    projects = pd.DataFrame(sample.ds.projects.drop(columns="geometry"))
    last = sample.indicators["quarter"].max()
    tp = town_progress(sample.ds, last).set_index("town_id")
    want = projects.groupby("town_id")["invested_to_date"].sum()
    assert (tp.loc[want.index, "invested_to_date"] - want).abs().max() < 1e-9
    assert tp["total_investment"].sum() == pytest.approx(projects["total_investment"].sum())
    assert tp["total_investment"].sum() == pytest.approx(1030.0)  # §3.3.3

    us = unit_summary(sample.ds, last, sample.indicators).set_index("unit_id")
    unit_of = sample.ds.towns.set_index("town_id")["unit_id"]
    by_unit = projects.assign(u=projects["town_id"].map(unit_of)).groupby("u")
    for u, g in by_unit:
        assert us.at[u, "invested_to_date"] == pytest.approx(g["invested_to_date"].sum())
        assert us.at[u, "projects"] == len(g)
    assert us["towns"].sum() == len(sample.ds.towns)


def test_sample_pipeline_last_quarter_equals_the_stage_column(sample):
    projects = pd.DataFrame(sample.ds.projects.drop(columns="geometry"))
    last = int(sample.indicators["quarter"].max())
    row = pipeline(projects, [last]).iloc[0]
    counts = projects["stage"].value_counts()
    for stage in ("reserve", "approval", "construction", "operation"):
        assert row[stage] == counts.get(stage, 0)
    assert row["total"] == len(projects)


def test_shares_per_town_and_city_with_met_flags():
    from tests.progress.conftest import flat_indicators, tiny_towns
    from townsgis.progress import shares

    ind = flat_indicators()
    ind.loc[ind["town_id"] == "T3", "tech_investment"] = 0.16  # exactly 8% of 2 亿元
    ind.loc[ind["town_id"] == "T2", "nongov_investment"] = 1.58  # 79% < 80%
    sh = shares(ind, tiny_towns(), "2019Q4").set_index("town_id")
    assert sh.at["T3", "tech_share"] == pytest.approx(8.0) and sh.at["T3", "tech_share_met"]
    assert not sh.at["T2", "nongov_share_met"] and sh.at["T1", "nongov_share_met"]
    assert sh.at["city", "fai_cumulative"] == pytest.approx(48.0)
    assert sh.at["city", "nongov_share"] == pytest.approx((1.7 * 2 + 1.58) / 6 * 100)
