"""`caused_findings`: which findings a site is to blame for (new, or an aggregate got worse)."""

from __future__ import annotations

from townsgis.findings import Finding, Severity
from townsgis.siting import caused_findings

KINDS = {"CAP": "unit-cap", "MIX": "category-share", "GAP": "min-gap", "CL": "clustering"}


def f(rule, towns=(), measured=None, limit=None, unit=None, category=None):
    return Finding(
        rule=rule,
        clause="§3.1",
        severity=Severity.ERROR,
        towns=[{"id": t, "name_zh": t} for t in towns],
        message_zh="",
        message_en="",
        measured=measured,
        limit=limit,
        unit=unit,
        extra={"category": category} if category else {},
    )


def test_pair_finding_naming_the_site_is_caused():
    after = [f("GAP", ["T1", "SITE-1"]), f("GAP", ["T1", "T2"])]
    got = caused_findings([f("GAP", ["T1", "T2"])], after, {"SITE-1"}, KINDS)
    assert got == [after[0]]


def test_new_aggregate_finding_is_caused():
    after = [f("CAP", ["T1", "T2", "T3", "SITE-1"], 4, 3, unit="A")]
    assert caused_findings([], after, {"SITE-1"}, KINDS) == after


def test_aggregate_that_got_worse_is_caused_and_better_is_not():
    before = [f("MIX", [], 0.5, 0.6, category="manufacturing")]
    worse = [f("MIX", [], 0.4, 0.6, category="manufacturing")]
    better = [f("MIX", ["SITE-1"], 0.55, 0.6, category="manufacturing")]
    same = [f("MIX", [], 0.5, 0.6, category="manufacturing")]
    assert caused_findings(before, worse, {"SITE-1"}, KINDS) == worse
    # naming the site does not blame it for an aggregate it improved
    assert caused_findings(before, better, {"SITE-1"}, KINDS) == []
    assert caused_findings(before, same, {"SITE-1"}, KINDS) == []


def test_cap_over_in_another_unit_is_not_caused_unless_worse():
    before = [f("CAP", ["T1"], 4, 3, unit="A")]
    after_same = [f("CAP", ["T1"], 4, 3, unit="A")]
    after_b = after_same + [f("CAP", ["SITE-1"], 4, 3, unit="B")]
    assert caused_findings(before, after_same, {"SITE-1"}, KINDS) == []
    assert caused_findings(before, after_b, {"SITE-1"}, KINDS) == [after_b[1]]


def test_shares_of_different_categories_are_not_confused():
    before = [f("MIX", [], 0.25, 0.2, category="tourism")]
    after = [f("MIX", [], 0.25, 0.2, category="services")]
    assert caused_findings(before, after, {"SITE-1"}, KINDS) == after


def test_clustering_r_falling_is_worse():
    before = [f("CL", [], 0.80, 1.0)]
    assert caused_findings(before, [f("CL", [], 0.79, 1.0)], {"S"}, KINDS)
    assert not caused_findings(before, [f("CL", [], 0.81, 1.0)], {"S"}, KINDS)
