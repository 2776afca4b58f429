"""Rule parameters naming town fields or unit ids that do not exist: RulesetError naming the
rule and the key (exit 2), never a KeyError traceback nor a silent no-op."""

import pytest
from rules_fixtures import town

from townsgis.errors import RulesetError

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

ROWS = [town("T1", 10000, 10000), town("T2", 15000, 10000, category="tourism")]


def _err(run_kind, kind, **params) -> str:
    with pytest.raises(RulesetError) as exc:
        run_kind(ROWS, kind, **params)
    return str(exc.value)


def test_category_share_field_not_a_town_field(run_kind):
    # §3.1.3: the share is counted on `field`; a typo used to raise KeyError
    msg = _err(run_kind, "category-share", category="tourism", field="categroy", max_share=0.2)
    assert "rule R-1" in msg and "'field'" in msg and "'categroy'" in msg
    assert "did you mean 'category'" in msg


def test_area_range_category_field_and_source_checked(run_kind):
    msg = _err(
        run_kind,
        "area-range",
        max_km2=1,
        raised_max_km2=2,
        raised_categories=["tourism"],
        category_field="kind",
    )
    assert "rule R-1" in msg and "'category_field'" in msg and "'kind'" in msg
    msg = _err(run_kind, "area-range", max_km2=1, source="planed_area_km2")
    assert "'source'" in msg and "did you mean 'planned_area_km2'" in msg


def test_attribute_where_key_typo_is_an_error_not_a_silent_no_op(run_kind):
    msg = _err(run_kind, "attribute", field="investor", op="not-empty", where={"categry": "x"})
    assert "rule R-1" in msg and "'where'" in msg and "'categry'" in msg


def test_optional_schema_field_absent_from_layer_counts_as_empty(run_kind):
    # `industry` is an optional towns-schema column the fixture layer lacks: missing values
    found = run_kind(ROWS, "attribute", field="industry", op="not-empty")
    assert sorted(f.town_ids for f in found) == [("T1",), ("T2",)]


@pytest.mark.parametrize("key", ["overrides", "units"])
def test_unit_cap_unit_ids_checked_against_units_layer(run_kind, key):
    # §3.1.1c: a typo in an override key used to drop that unit's cap silently
    value = {"Zz": 2} if key == "overrides" else ["Zz"]
    msg = _err(run_kind, "unit-cap", max=3, **{key: value})
    assert "rule R-1" in msg and f"'{key}'" in msg and "unit 'Zz'" in msg
    assert "did you mean 'Z'" in msg


def test_unit_cap_known_override_keys_pass(run_kind):
    assert run_kind(ROWS, "unit-cap", max=3, overrides={"Z": 2, "B": 1}) == []
