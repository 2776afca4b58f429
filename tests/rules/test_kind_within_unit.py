"""within-unit: at least 95% of a town's area in the unit it declares; names both units."""

import pytest
from rules_fixtures import town


def test_exactly_95_percent_passes(run_kind):
    # A/B border at x = 30 km; the square spans 29.05–30.05 km: 950 m of 1000 m in A
    assert run_kind([town("T1", 29050, 5000, unit="A")], "within-unit") == []


def test_below_95_percent_fails(run_kind):
    (f,) = run_kind([town("T1", 29060, 5000, unit="A")], "within-unit")
    assert f.measured == pytest.approx(0.94, abs=1e-6)
    assert f.unit == "A" and f.extra["declared_unit"] == "A"


def test_declared_unit_disagrees_with_geometry_names_both(run_kind):
    (f,) = run_kind([town("T1", 15000, 15000, unit="B")], "within-unit")
    assert f.extra == {"declared_unit": "B", "actual_unit": "A"}
    assert "乙县" in f.message_zh and "甲县" in f.message_zh
    assert "County B" in f.message_en and "County A" in f.message_en


def test_town_in_zone_declared_zone_passes_and_zone_named_when_wrong(run_kind):
    assert run_kind([town("T1", 3000, 3000, unit="Z")], "within-unit") == []
    (f,) = run_kind([town("T1", 3000, 3000, unit="B")], "within-unit")
    assert f.extra["actual_unit"] == "Z"  # the functional zone wins over its district


def test_unknown_declared_unit(run_kind):
    (f,) = run_kind([town("T1", 15000, 15000, unit="Q")], "within-unit")
    assert "'Q'" in f.message_en and f.extra["actual_unit"] == "A"


def test_min_share_parameter(run_kind):
    rows = [town("T1", 29500, 5000, unit="A")]  # 50% in A
    assert run_kind(rows, "within-unit", min_share=0.5) == []
    assert len(run_kind(rows, "within-unit", min_share=0.51)) == 1


def test_town_in_zone_declaring_parent_district_fails_naming_both(run_kind):
    # §3.1.1c: Z (2–8 km) lies inside county A but is capped on its own; declaring A escapes it
    (f,) = run_kind([town("T1", 3000, 3000, unit="A")], "within-unit")
    assert f.measured == 0
    assert f.extra == {"declared_unit": "A", "actual_unit": "Z"}
    assert "甲县" in f.message_zh and "丙区" in f.message_zh
    assert "County A" in f.message_en and "Zone Z" in f.message_en
    assert "functional zone" in f.message_en


@pytest.mark.parametrize(("x_m", "ok"), [(7950, True), (7940, False)])
def test_district_share_excludes_its_zones_at_the_bound(run_kind, x_m, ok):
    # Z's east edge is x = 8 km: from 7.95 km, 950 m of the 1000 m square lie in A outside Z
    found = run_kind([town("T1", x_m, 3000, unit="A")], "within-unit")
    assert (found == []) is ok
    if not ok:
        assert found[0].measured == pytest.approx(0.94, abs=1e-6)
