"""§3.4.2 年均增长 as compound average annual growth, and 力争 stretch goals (issue 12)."""

from __future__ import annotations

import json

import pytest

from tests.progress.conftest import assessment_frame, tiny_projects, tiny_towns
from tests.progress.test_targets_per_year import three_years
from townsgis.errors import RulesetError
from townsgis.progress import Context, build_report, parse_history, scorecard
from townsgis.progress_report import render
from townsgis.ruleset import load_ruleset, parse_ruleset

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")


def culture_target(value=20, **kw):
    return {
        "id": "T-CULTURE-GROWTH",
        "clause": "§3.4.2",
        "metric": "culture_revenue_growth",
        "comparison": ">=",
        "value": value,
        "unit": "%",
        "deadline": "2020",
        "average_annual": True,
    } | kw


def row(t, ind, quarter="2020Q4"):
    p = tiny_projects()
    qs = sorted(ind["quarter"].unique().tolist())
    ctx = Context(tiny_towns(), p, parse_history(p), ind, assessment_frame([]), qs)
    return scorecard(ctx, [t], quarter).to_dict(orient="records")[0]


def test_plus_15_then_plus_26_meets_the_average_of_20_percent():
    # the audit's case: +15% in 2019, +26% in 2020 is about 20.4% a year on average
    ind = three_years({2018: 100.0, 2019: 115.0, 2020: 115.0 * 1.26})
    r = row(culture_target(), ind)
    avg = 100 * ((1.15 * 1.26) ** 0.5 - 1)
    assert r["value"] == pytest.approx(avg) and avg == pytest.approx(20.37, abs=0.01)
    assert r["met"] is True and r["state"] == "met"
    assert r["judged_by"] == "average_annual" and r["judged_value"] == pytest.approx(avg)
    assert r["years"] == {2019: pytest.approx(15.0), 2020: pytest.approx(26.0)}
    assert r["base_year"] == 2018


def test_average_exactly_at_the_target_is_met_and_just_below_is_not():
    ind = three_years({2018: 100.0, 2019: 110.0, 2020: 144.0})  # (144/100)^(1/2) = 1.2
    assert row(culture_target(), ind)["met"] is True
    ind = three_years({2018: 100.0, 2019: 110.0, 2020: 143.99})
    assert row(culture_target(), ind)["met"] is False


def test_base_year_limits_the_years_counted():
    ind = three_years({2018: 100.0, 2019: 105.0, 2020: 105.0 * 1.21})
    assert row(culture_target(), ind)["met"] is False  # (1.05 × 1.21)^(1/2) = 12.7%
    r = row(culture_target(base_year=2019), ind)
    assert r["met"] is True and r["years"] == {2020: pytest.approx(21.0)}
    assert r["base_year"] == 2019


def test_no_completed_growth_year_is_unknown():
    ind = three_years({2018: 100.0, 2019: 120.0, 2020: 144.0})
    r = row(culture_target(), ind, quarter="2019Q3")
    assert r["value"] is None and r["met"] is None and r["state"] == "unknown"


def test_stretch_goal_not_reached_is_its_own_state():
    ind = three_years({2018: 100.0, 2019: 110.0, 2020: 121.0})
    r = row(culture_target(stretch=True), ind)
    assert r["met"] is False and r["state"] == "stretch_missed" and r["stretch"] is True
    r = row(culture_target(), ind)
    assert r["state"] == "missed"


def test_json_and_text_show_the_average_and_the_stretch_state(tiny):
    ind = three_years({2018: 100.0, 2019: 115.0, 2020: 115.0 * 1.26})
    targets = [culture_target(stretch=True), culture_target(30, id="T-HIGH", stretch=True)]
    r = build_report(tiny, ind, assessment_frame([]), targets, "2020Q4", 4)
    d = json.loads(render(r, "json"))
    t = {x["id"]: x for x in d["targets"]}
    assert t["T-CULTURE-GROWTH"]["judged_value"] == pytest.approx(20.3744, abs=1e-3)
    assert t["T-CULTURE-GROWTH"]["years"] == {"2019": 15.0, "2020": 26.0}
    assert t["T-HIGH"]["state"] == "stretch_missed"
    text = render(r, "text", "zh")
    assert "力争未达" in text and "2018—2020年年均" in text
    assert "stretch goal not reached" in render(r, "markdown", "en")
    assert "not counted as a missed target" in render(r, "markdown", "en")


def test_bundled_stretch_goals_follow_the_notice():
    rs = load_ruleset("rules/huzhou-2018.toml")
    stretch = {t["id"] for t in rs.targets if t.get("stretch")}
    # 力争 in the notice: §2.1 力争2个, §2.2 每年力争, §3.2.2 力争3年内, §3.2.3 力争创建2个,
    # §3.3.2 力争新引进, §3.4.2 力争…年均增长
    assert stretch == {
        "T-NAMED-2018-STRETCH",
        "T-PASS-RATE",
        "T-EXCELLENT-RATE",
        "T-GUIDANCE",
        "T-HIGH-TECH",
        "T-NEW-PROJECTS",
        "T-CULTURE-GROWTH",
    }
    assert {"T-NAMED-2018", "T-NAMED-2020", "T-FAI"}.isdisjoint(stretch)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("per_year = true\naverage_annual = true", "not both"),
        ("base_year = 2017", "needs average_annual"),
        ('stretch = "yes"', "'stretch' has wrong type"),
        ("average_annual = true\nbase_year = true", "'base_year' has wrong type"),
    ],
)
def test_target_keys_are_checked_at_load(extra, needle):
    text = f"""
[ruleset]
id = "x"
version = "1"
title_zh = "x"
title_en = "x"

[[target]]
id = "T"
clause = "§3.4.2"
metric = "culture_revenue_growth"
comparison = ">="
value = 20
unit = "%"
deadline = "2020"
{extra}
"""
    with pytest.raises(RulesetError, match=needle):
        parse_ruleset(text)
