"""Waivers: a matching finding is waived; an expired waiver stops applying and says so."""

import datetime as dt

import pytest
from rules_fixtures import make_ds, ruleset_text, town

from townsgis.engine import run_rules
from townsgis.errors import DataError
from townsgis.i18n import using
from townsgis.ruleset import parse_ruleset
from townsgis.waivers import Waiver, load_waivers

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

RS = parse_ruleset(ruleset_text("min-spacing", "warning", rule_id="HZ-SPACING", min_m=5000))
ROWS = [town("HZ-03", 0, 0), town("HZ-11", 3000, 0), town("HZ-20", 20000, 0)]


def _w(expires="2027-06-30", towns=("HZ-11", "HZ-03"), rule="HZ-SPACING"):
    return Waiver(rule, tuple(towns), "理由", "文件", dt.date.fromisoformat(expires))


def test_matching_waiver_waives_the_finding(tmp_path):
    res = run_rules(make_ds(ROWS, tmp_path), RS, waivers=[_w()], today=dt.date(2026, 1, 1))
    (f,) = res.findings
    assert f.waived and f.waiver["document"] == "文件"
    assert res.summary() == {"errors": 0, "warnings": 0, "waived": 1, "verdict": "pass"}
    assert f.to_dict()["waived"] is True


def test_waiver_valid_through_its_expiry_day(tmp_path):
    res = run_rules(
        make_ds(ROWS, tmp_path), RS, waivers=[_w("2026-01-01")], today=dt.date(2026, 1, 1)
    )
    assert res.findings[0].waived


def test_expired_waiver_does_not_apply_and_output_says_so(tmp_path):
    with using("zh"):
        res = run_rules(
            make_ds(ROWS, tmp_path), RS, waivers=[_w("2025-12-31")], today=dt.date(2026, 1, 1)
        )
    assert res.waiver_notes[0].startswith("HZ-SPACING HZ-03,HZ-11 的豁免已于 2025-12-31 到期")
    with using("en"):
        res = run_rules(
            make_ds(ROWS, tmp_path), RS, waivers=[_w("2025-12-31")], today=dt.date(2026, 1, 1)
        )
    (f,) = res.findings
    assert not f.waived and f.waiver["expired"] is True
    assert res.summary()["warnings"] == 1
    assert any(
        n.startswith("waiver for HZ-SPACING HZ-03,HZ-11 expired 2025-12-31")
        for n in res.waiver_notes
    )


@pytest.mark.usefixtures("chinese")
def test_waiver_must_name_exactly_the_findings_towns(tmp_path):
    res = run_rules(make_ds(ROWS, tmp_path), RS, waivers=[_w(towns=("HZ-03",))])
    assert not res.findings[0].waived
    assert "没有对应的检查问题" in res.waiver_notes[0]


def test_load_waivers_file_and_errors(tmp_path):
    p = tmp_path / "waivers.toml"
    p.write_text(
        '[[waiver]]\nrule = "HZ-SPACING"\ntowns = ["HZ-03", "HZ-11"]\nreason = "r"\n'
        'document = "d"\nexpires = 2027-06-30\n',
        encoding="utf-8",
    )
    (w,) = load_waivers(p)
    assert w.expires == dt.date(2027, 6, 30) and w.towns == ("HZ-03", "HZ-11")
    p.write_text(
        '[[waiver]]\nrule = "X"\ntowns = "HZ-03"\nexpires = "soon"\nwhy = 1\n', encoding="utf-8"
    )
    with pytest.raises(DataError) as exc:
        load_waivers(p)
    msg = str(exc.value)
    assert str(p) in msg and "waiver #1" in msg
    for part in (
        "'towns' must be a list",
        "'expires' must be a date",
        "unknown key 'why'",
        "'reason'",
    ):
        assert part in msg
    assert load_waivers(tmp_path / "none.toml") == []


def test_bundled_sample_waiver_is_labelled_and_applies():
    from townsgis.project import bundled_root

    path = bundled_root() / "layers" / "waivers.toml"
    (w,) = load_waivers(path)
    assert w.sample and "示例" in w.reason and w.rule == "HZ-SPACING"
