"""attribute (§3.4.3 scenic grade, §3.5.1 investor): declarative conditions with `where`."""

import pytest
from rules_fixtures import town

ORDER = ["none", "A", "2A", "3A", "4A", "5A"]


def _ids(found):
    return sorted(f.towns[0]["id"] for f in found)


def test_ordinal_at_least_3a(run_kind):
    rows = [
        town("T1", 0, 0, scenic_grade="3A"),
        town("T2", 3000, 0, scenic_grade="5A"),
        town("T3", 6000, 0, scenic_grade="2A"),
        town("T4", 9000, 0, scenic_grade="none"),
        town("T5", 12000, 0, scenic_grade=None),
    ]
    found = run_kind(rows, "attribute", field="scenic_grade", op=">=", value="3A", order=ORDER)
    assert _ids(found) == ["T3", "T4", "T5"]


def test_where_filter_tourism_needs_4a(run_kind):
    rows = [
        town("T1", 0, 0, category="tourism", scenic_grade="4A"),
        town("T2", 3000, 0, category="tourism", scenic_grade="3A"),
        town("T3", 6000, 0, category="manufacturing", scenic_grade="3A"),
    ]
    found = run_kind(
        rows,
        "attribute",
        field="scenic_grade",
        op=">=",
        value="4A",
        order=ORDER,
        where={"category": "tourism"},
    )
    assert _ids(found) == ["T2"]
    assert "scenic grade = 3A" in found[0].message_en


def test_not_empty(run_kind):
    rows = [
        town("T1", 0, 0, investor="湖州某公司"),
        town("T2", 3000, 0, investor="  "),
        town("T3", 6000, 0, investor=None),
    ]
    assert _ids(run_kind(rows, "attribute", field="investor", op="not-empty")) == ["T2", "T3"]


@pytest.mark.parametrize(
    ("op", "value", "failing"),
    [
        (">=", 2.0, ["T1"]),
        (">", 2.0, ["T1", "T2"]),
        ("<=", 2.0, ["T3"]),
        ("<", 2.0, ["T2", "T3"]),
        ("==", 2.0, ["T1", "T3"]),
        ("!=", 2.0, ["T2"]),
    ],
)
def test_numeric_comparisons_at_the_boundary(run_kind, op, value, failing):
    rows = [
        town("T1", 0, 0, planned_area_km2=1.0),
        town("T2", 3000, 0, planned_area_km2=2.0),
        town("T3", 6000, 0, planned_area_km2=3.0),
    ]
    assert (
        _ids(run_kind(rows, "attribute", field="planned_area_km2", op=op, value=value)) == failing
    )


def test_in_and_not_in(run_kind):
    rows = [town("T1", 0, 0, level="municipal"), town("T2", 3000, 0)]
    found = run_kind(rows, "attribute", field="level", op="in", value=["provincial_creation"])
    assert _ids(found) == ["T1"]
    found = run_kind(rows, "attribute", field="level", op="not-in", value=["municipal"])
    assert _ids(found) == ["T1"]
