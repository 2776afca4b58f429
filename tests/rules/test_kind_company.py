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


def test_rule_flags_a_government_body_and_an_empty_investor(run_kind):
    rows = [
        town("T1", 0, 0, investor="某某建设发展有限公司"),
        town("T2", 5000, 0, investor="某镇人民政府"),
        town("T3", 10_000, 0, investor=""),
        town("T4", 15_000, 0, investor="小镇管委会", investor_type="公司"),
    ]
    found = run_kind(rows, "company")
    assert [f.town_ids for f in found] == [("T2",), ("T3",)]
    assert "不是公司化主体" in found[0].message_zh and "not a company" in found[0].message_en


def test_bundled_rule_set_checks_company_form():
    from townsgis.ruleset import load_ruleset

    rs = load_ruleset("rules/huzhou-2018.toml")
    assert rs.rule("HZ-INVESTOR").kind == "company"
