"""§3.5.1 公司化的投资建设主体 (issue 12): a type field decides when filled, else the company
form of the entity's name."""

from __future__ import annotations

import pytest
from rules_fixtures import town

from townsgis.checks.entity import is_company


@pytest.mark.parametrize(
    ("name", "kind", "ok"),
    [
        ("湖州丝绸小镇建设发展有限公司", None, True),
        ("长兴新能源股份有限公司", None, True),
        ("安吉两山集团", None, True),
        ("德清县城市建设发展公司", None, True),
        ("某镇人民政府", None, False),
        ("小镇管委会", None, False),
        ("", None, False),
        (None, None, False),
        ("小镇管委会", "company", True),  # the type decides when filled
        ("某某有限公司", "government", False),
        ("某某有限公司", "企业", True),
    ],
)
def test_company_form(name, kind, ok):
    from townsgis.checks.entity import COMPANY_MARKERS, COMPANY_TYPES

    assert is_company(name, kind, COMPANY_TYPES, COMPANY_MARKERS) is ok


def test_rule_flags_a_government_body_and_reports_an_empty_investor_as_not_checked(run_kind):
    rows = [
        town("T1", 0, 0, investor="某某建设发展有限公司"),
        town("T2", 5000, 0, investor="某镇人民政府"),
        town("T3", 10_000, 0, investor=""),
        town("T4", 15_000, 0, investor="小镇管委会", investor_type="公司"),
        town("T5", 20_000, 0, investor=None),
        town("T6", 25_000, 0, investor="", investor_type="政府"),  # the type decides
    ]
    found = run_kind(rows, "company")
    errors = [f for f in found if f.severity.value == "error"]
    assert [f.town_ids for f in errors] == [("T2",), ("T6",)]
    assert "不是公司化主体" in errors[0].message_zh and "not a company" in errors[0].message_en
    (info,) = [f for f in found if f.severity.value == "info"]
    assert info.town_ids == ("T3", "T5") and info.measured == 2
    assert info.message_zh == "2 个小镇缺少投资建设主体，未检查：T3镇、T5镇"  # names, not ids
    assert info.message_en == "2 towns lack an investing entity; not checked: T3镇, T5镇"
    assert "（空）" not in " ".join(f.message_zh for f in found)


def test_a_towns_layer_without_an_investor_column_is_not_checked_not_flagged(run_kind):
    rows = [town("T1", 0, 0), town("T2", 5000, 0)]
    for r in rows:
        r.pop("investor", None)
    found = run_kind(rows, "company")
    assert [f.severity.value for f in found] == ["info"]
    assert found[0].town_ids == ("T1", "T2")
    assert "未检查" in found[0].message_zh


def test_bundled_rule_set_checks_company_form():
    from townsgis.ruleset import load_ruleset

    rs = load_ruleset("rules/huzhou-2018.toml")
    assert rs.rule("HZ-INVESTOR").kind == "company"
