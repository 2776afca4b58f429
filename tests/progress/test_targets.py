"""The §2/§3 targets as rule-set data and the city scorecard: values, share done, projection."""

from __future__ import annotations

import pytest

from tests.progress.conftest import (
    QUARTERS,
    assessment_frame,
    flat_indicators,
    tiny_projects,
    tiny_towns,
)
from townsgis.errors import RulesetError
from townsgis.progress import METRICS, Context, parse_history, parse_quarter, scorecard
from townsgis.ruleset import load_ruleset

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")


def ctx(indicators=None, assessment=None) -> Context:
    p = tiny_projects()
    return Context(
        tiny_towns(),
        p,
        parse_history(p),
        flat_indicators() if indicators is None else indicators,
        assessment_frame([]) if assessment is None else assessment,
        QUARTERS,
    )


def target(metric, value, comparison=">=", deadline="2020", **kw):
    return {
        "id": f"T-{metric}",
        "clause": "§x",
        "metric": metric,
        "comparison": comparison,
        "value": value,
        "unit": "",
        "deadline": deadline,
        **kw,
    }


def row(metric, value, quarter="2019Q2", comparison=">=", deadline="2020", c=None):
    sc = scorecard(c or ctx(), [target(metric, value, comparison, deadline)], quarter)
    return sc.to_dict(orient="records")[0]


def test_bundled_ruleset_has_every_target_clause():
    rs = load_ruleset("rules/huzhou-2018.toml")
    clauses = {t["clause"] for t in rs.targets}
    want = {
        "§2.1",
        "§2.2",
        "§2.3",
        "§2.4",
        "§2.5",
        "§3.2.1",
        "§3.2.2",
        "§3.2.3",
        "§3.3.2",
        "§3.4.2",
        "§3.4.3",
    }
    assert want <= clauses
    assert all(t["metric"] in METRICS for t in rs.targets)
    # every figure of §2, by its value
    figures = {(t["clause"], t["value"]) for t in rs.targets}
    for fig in [
        ("§2.1", 8),
        ("§2.1", 1),
        ("§2.2", 100),
        ("§2.2", 20),
        ("§2.3", 400),
        ("§2.3", 600),
        ("§2.3", 70),
        ("§2.3", 80),
        ("§2.4", 200),
        ("§2.4", 600),
        ("§2.4", 20),
        ("§2.4", 5),
        ("§2.5", 25),
        ("§2.5", 300),
        ("§2.5", 500),
        ("§2.5", 600),
        ("§3.2.1", 8),
        ("§3.2.2", 15),
        ("§3.2.3", 2),
        ("§3.3.2", 800),
        ("§3.4.2", 20),
    ]:
        assert fig in figures, fig


def test_cumulative_value_and_linear_projection():
    # 3 towns x 2 亿元 a quarter: 6 quarters to 2019Q2 -> 36; pace 6/quarter; 6 quarters left
    r = row("fai_cumulative", 72)
    assert r["value"] == pytest.approx(36.0)
    assert r["share_done"] == pytest.approx(0.5)
    assert r["projected"] == pytest.approx(72.0)
    assert r["met"] is False and r["projected_met"] is True  # exactly at the target


def test_strict_comparison_at_exactly_the_target():
    assert row("fai_cumulative", 72, comparison=">")["projected_met"] is False
    assert row("fai_cumulative", 36, comparison=">=")["met"] is True
    assert row("fai_cumulative", 36, comparison=">")["met"] is False


def test_pace_uses_the_last_four_quarters():
    ind = flat_indicators()
    ind.loc[ind["quarter"] >= parse_quarter("2019Q1"), "fai"] = 4.0  # speeds up in 2019
    ind["specialty_investment"] = ind["nongov_investment"] = ind["tech_investment"] = 0.0
    r = row("fai_cumulative", 100, quarter="2019Q2", c=ctx(ind))
    # cumulative: 2018: 4 quarters x 6 = 24; 2019Q1-Q2: 2 x 12 = 24 -> 48
    # pace over 2018Q2..2019Q2 = (48 - 12) / 4 = 9 a quarter; 6 quarters to 2020Q4 -> 102
    assert r["value"] == pytest.approx(48.0) and r["projected"] == pytest.approx(102.0)


def test_share_metric_value_and_ratio_projection():
    r = row("specialty_share", 70)
    assert r["value"] == pytest.approx(75.0) and r["projected"] == pytest.approx(75.0)
    assert row("tech_share", 10)["met"] is True  # exactly 10% of FAI
    assert row("tech_share", 10, comparison=">")["met"] is False


def test_stock_metric_sums_the_towns_latest_levels():
    r = row("teams", 100)  # each town 6 by 2019Q2 (1 + 1 a quarter)
    assert r["value"] == pytest.approx(18.0)
    assert r["projected"] == pytest.approx(18 + 3 * 6)


def test_annual_metric_is_the_last_four_quarters():
    assert row("tax_annual", 12)["value"] == pytest.approx(12.0)  # 3 towns x 4 quarters x 1
    # at 2018Q2 only two quarters exist: annualised x 4/2
    assert row("tax_annual", 12, quarter="2018Q2")["value"] == pytest.approx(12.0)


def test_guidance_station_coverage_and_scenic_shares():
    assert row("guidance_station_coverage", 100, quarter="2018Q4")["value"] == 0
    assert row("guidance_station_coverage", 100, quarter="2019Q1")["value"] == 100
    assert row("towns_3a_pct", 100)["value"] == pytest.approx(200 / 3)
    assert row("tourism_towns_4a_pct", 100)["value"] == 100


def test_implemented_projects_counts_construction_and_operation():
    assert row("implemented_projects", 400, quarter="2018Q4")["value"] == 3
    assert row("implemented_projects", 400, quarter="2018Q2")["value"] == 0


def test_culture_growth_needs_eight_quarters():
    ind = flat_indicators()
    ind["culture_revenue"] = ind["quarter"].map(
        lambda q: 1.0 if q < parse_quarter("2019Q1") else 1.2
    )
    assert row("culture_revenue_growth", 20, quarter="2019Q3", c=ctx(ind))["value"] is None
    r = row("culture_revenue_growth", 20, quarter="2019Q4", c=ctx(ind))
    assert r["value"] == pytest.approx(20.0) and r["met"] is True


def test_assessment_metrics_count_a_year_from_its_fourth_quarter():
    a = assessment_frame(
        [
            ("T1", 2018, "优秀", True, False),
            ("T2", 2018, "合格", False, True),
            ("T3", 2018, "警告", False, False),
            ("T1", 2019, "良好", True, True),
        ]
    )
    c = ctx(assessment=a)
    assert row("named_towns", 1, quarter="2018Q3", c=c)["value"] == 0
    assert row("named_towns", 1, quarter="2018Q4", c=c)["value"] == 1
    assert row("assessment_pass_rate", 100, quarter="2018Q4", c=c)["value"] == pytest.approx(
        200 / 3
    )
    assert row("assessment_excellent_rate", 20, quarter="2018Q4", c=c)["value"] == pytest.approx(
        100 / 3
    )
    assert row("assessment_pass_rate", 100, quarter="2019Q4", c=c)["value"] == 100
    assert row("high_tech_towns", 2, quarter="2019Q4", c=c)["value"] == 2


def test_a_past_deadline_is_judged_at_the_deadline():
    a = assessment_frame([("T1", 2018, "优秀", True, False), ("T2", 2019, "优秀", True, False)])
    r = row("named_towns", 2, quarter="2019Q4", deadline="2018", c=ctx(assessment=a))
    assert r["value"] == 1 and r["met"] is False


def test_value_not_available_gives_none_not_zero():
    r = row("assessment_pass_rate", 100, quarter="2018Q2")
    assert r["value"] is None and r["met"] is None and r["share_done"] is None


def test_unknown_metric_is_a_ruleset_error():
    with pytest.raises(RulesetError, match="unknown metric 'gdp'"):
        scorecard(ctx(), [target("gdp", 1)], "2019Q2")
