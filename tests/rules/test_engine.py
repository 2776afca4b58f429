"""run_rules: towns override, unit resolution from location, ordering, summary and JSON shape."""

import datetime as dt

from rules_fixtures import make_ds, town, towns_frame

from townsgis.engine import run_rules
from townsgis.ruleset import parse_ruleset

RULES = """
[ruleset]
id = "t"
version = "2"
title_zh = "t"
title_en = "t"

[[rule]]
id = "CAP"
clause = "§3.1.1c"
title_zh = "c"
title_en = "c"
severity = "error"
kind = "unit-cap"
max = 1

[[rule]]
id = "SPACE"
clause = "§3.1.2c"
title_zh = "s"
title_en = "s"
severity = "warning"
kind = "min-spacing"
min_m = 5000
"""


def test_towns_override_and_unit_resolved_from_location(tmp_path):
    rs = parse_ruleset(RULES)
    ds = make_ds([town("T1", 10000, 10000)], tmp_path)
    assert run_rules(ds, rs, waivers=[]).findings == []
    extra = towns_frame([town("T1", 10000, 10000), town("S1", 12000, 10000, unit=None)])
    res = run_rules(ds, rs, towns=extra, waivers=[], today=dt.date(2026, 1, 1))
    assert [f.rule for f in res.findings] == ["CAP", "SPACE"]  # errors first
    assert res.findings[0].unit == "A"  # S1 got unit A from its location
    assert res.metric_crs.to_epsg() == 4549  # from the units (no analysis_crs in the set)


def test_summary_verdict_and_json_shape(tmp_path):
    rs = parse_ruleset(RULES)
    ds = make_ds([town("T1", 10000, 10000), town("T2", 12000, 10000, unit="B")], tmp_path)
    res = run_rules(ds, rs, waivers=[])
    assert res.summary() == {"errors": 0, "warnings": 1, "waived": 0, "verdict": "pass"}
    assert res.summary("warning")["verdict"] == "fail"
    assert (res.exit_code(), res.exit_code("warning")) == (0, 1)
    doc = res.to_json("en")
    assert list(doc) == ["ruleset", "summary", "findings", "readings"]
    assert doc["ruleset"] == {"id": "t", "version": "2"}
    assert list(doc["summary"]) == ["errors", "warnings", "waived", "verdict"]
    f = doc["findings"][0]
    for key in (
        "rule",
        "clause",
        "severity",
        "towns",
        "unit",
        "message",
        "measured",
        "limit",
        "waived",
    ):
        assert key in f
    assert f["towns"] == [{"id": "T1", "name_zh": "T1镇"}, {"id": "T2", "name_zh": "T2镇"}]
