"""field-share (national guideline 2021: residential land ≤ about 1/3 of construction land)."""

from __future__ import annotations

from rules_fixtures import town

from townsgis.findings import Severity


def rows():
    return [
        town("T1", 0, 0, construction_area_km2=0.9, residential_area_km2=0.3),  # exactly 1/3
        town("T2", 5000, 0, construction_area_km2=0.9, residential_area_km2=0.31),
        town("T3", 10_000, 0, construction_area_km2=1.0),  # no residential figure
    ]


def test_share_above_the_bound_is_flagged_at_the_bound_passes(run_kind):
    found = run_kind(
        rows(),
        "field-share",
        severity="warning",
        part="residential_area_km2",
        whole="construction_area_km2",
        max_share=1 / 3,
    )
    warn = [f for f in found if f.severity == Severity.WARNING]
    assert [f.town_ids for f in warn] == [("T2",)]
    assert warn[0].measured == round(0.31 / 0.9, 4)
    (info,) = [f for f in found if f.severity == Severity.INFO]
    assert info.town_ids == ("T3",) and "not checked" in info.message_en


def test_unknown_field_is_a_rule_set_error(run_kind):
    import pytest

    from townsgis.errors import RulesetError

    with pytest.raises(RulesetError, match="residental_area_km2"):
        run_kind(
            rows(),
            "field-share",
            part="residental_area_km2",
            whole="construction_area_km2",
            max_share=0.3,
        )
