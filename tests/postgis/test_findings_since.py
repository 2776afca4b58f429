"""Findings across runs, on both stores: stable keys; `check --since last|FILE` says which
findings are new, resolved or persisting."""

from __future__ import annotations

import json

from townsgis.findings import Finding, Severity
from townsgis.fingerprint import finding_keys, verdict_fingerprint
from townsgis.project import Project


def _check(cli, spec, *args):
    r = cli("check", "--format", "json", "--project", spec, *args)
    assert r.code in (0, 1), r.text
    return json.loads(r.out)


def test_since_last_new_then_persisting_then_resolved(cli, both_stores, tmp_path):
    spec = both_stores
    first = _check(cli, spec, "--since", "last")
    n = len(first["findings"])
    assert first["changes"]["new"] == n and first["changes"]["resolved"] == []
    assert {f["change"] for f in first["findings"]} == {"new"}
    second = _check(cli, spec, "--since", "last")
    assert second["changes"]["persisting"] == n and second["changes"]["new"] == 0
    assert [f["key"] for f in second["findings"]] == [f["key"] for f in first["findings"]]
    # HZ-07 reaches 3A: its scenic finding is resolved, nothing else moves
    store = Project.open(spec).store
    towns = store.read_layer("towns")
    towns.loc[towns["town_id"] == "HZ-07", "scenic_grade"] = "3A"
    store.write_layer("towns", towns)
    third = _check(cli, spec, "--since", "last")
    (gone,) = third["changes"]["resolved"]
    assert gone["rule"] == "HZ-SCENIC" and gone["towns"] == ["HZ-07"]
    assert third["changes"]["persisting"] == n - 1 and third["changes"]["new"] == 0
    text = cli("check", "--since", "last", "--lang", "en", "--project", spec).out
    assert "0 new, 0 resolved" in text


def test_since_a_json_file_of_an_earlier_run(cli, both_stores, tmp_path):
    spec = both_stores
    earlier = tmp_path / "earlier.json"
    earlier.write_text(cli("check", "--format", "json", "--project", spec).out, encoding="utf-8")
    store = Project.open(spec).store
    towns = store.read_layer("towns")
    towns.loc[towns["town_id"] == "HZ-01", "scenic_grade"] = "none"
    store.write_layer("towns", towns)
    doc = _check(cli, spec, "--since", str(earlier))
    (new,) = [f for f in doc["findings"] if f["change"] == "new"]
    assert new["rule"] == "HZ-SCENIC" and new["towns"][0]["id"] == "HZ-01"
    text = cli("check", "--since", str(earlier), "--project", spec).out
    assert "新增 1，已解决 0" in text and "[新增] HZ-SCENIC" in text
    assert not store.read_log("runs")  # a file comparison records nothing
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    r = cli("check", "--since", str(bad), "--project", spec, "--lang", "en")
    assert r.code == 2 and "not the output of `townsgis check --format json`" in r.err


def _f(rule, towns, measured=1.0, unit=None):
    return Finding(
        rule=rule,
        clause="§0",
        severity=Severity.ERROR,
        towns=[{"id": t, "name_zh": t} for t in towns],
        message_zh="m",
        message_en="m",
        measured=measured,
        unit=unit,
    )


def test_keys_ignore_measured_values_and_order_of_towns():
    a = finding_keys([_f("R", ["B", "A"], 1.0)])
    b = finding_keys([_f("R", ["A", "B"], 2.5)])
    assert a == b
    assert (
        finding_keys([_f("R", ["A"]), _f("R", ["A"])])[0]
        != finding_keys([_f("R", ["A"]), _f("R", ["A"])])[1]
    )
    assert verdict_fingerprint([_f("R", ["A"], 1.0)]) != verdict_fingerprint([_f("R", ["A"], 1.5)])
    assert verdict_fingerprint([_f("R", ["A"]), _f("S", ["B"])]) == verdict_fingerprint(
        [_f("S", ["B"]), _f("R", ["A"])]
    )
