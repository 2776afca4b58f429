"""Markdown report: user text is HTML-escaped, waivers shown, a sample waiver labelled."""

import datetime as dt

from rules_fixtures import make_ds, ruleset_text, town

from townsgis.engine import run_rules
from townsgis.report import render_markdown, render_text
from townsgis.ruleset import parse_ruleset
from townsgis.waivers import Waiver

RS = parse_ruleset(ruleset_text("min-spacing", "warning", rule_id="R-SP", min_m=5000))
EVIL = '<script>alert("x")</script>&|'


def _result(tmp_path, sample: bool):
    rows = [town("T1", 0, 0, name_zh=EVIL), town("T2", 3000, 0)]
    w = Waiver("R-SP", ("T1", "T2"), "理由 <b>", "文件", dt.date(2030, 1, 1), sample=sample)
    return run_rules(make_ds(rows, tmp_path), RS, waivers=[w], today=dt.date(2026, 1, 1))


def test_markdown_escapes_html_in_user_text(tmp_path):
    md = render_markdown(_result(tmp_path, False), "zh")
    assert "<script>" not in md and "<b>" not in md
    assert '&lt;script&gt;alert("x")&lt;/script&gt;&amp;\\|' in md


def test_sample_waiver_labelled_only_when_sample(tmp_path):
    for render in (render_markdown, render_text):
        assert "示例豁免" in render(_result(tmp_path, True), "zh")
        assert "示例豁免" not in render(_result(tmp_path, False), "zh")
        assert "sample waiver" in render(_result(tmp_path, True), "en")
    (f,) = _result(tmp_path, True).findings
    assert f.to_dict()["waiver"]["sample"] is True
