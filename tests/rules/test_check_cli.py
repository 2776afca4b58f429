"""`townsgis check`: exit codes, JSON shape, formats, -o, broken rule sets and waivers."""

import json
from pathlib import Path

import geopandas as gpd
import pytest
from rules_fixtures import ruleset_text


def digest_tree(root: Path) -> dict[str, bytes]:
    """Every file of the project but its cache of derived data (.cache/, not an input)."""
    return {
        str(p): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cache" not in p.relative_to(root).parts
    }


def test_bundled_data_fails_on_errors_with_exact_json_shape(cli):
    r = cli("check", "--format", "json")
    assert r.code == 1
    doc = json.loads(r.out)
    assert list(doc) == ["ruleset", "summary", "findings", "readings"]
    # the readings of open clauses the check used (issue 12)
    assert [x["key"] for x in doc["readings"]] == ["named_in_caps", "in_principle_scope"]
    assert doc["ruleset"] == {"id": "huzhou-2018", "version": "1.0"}
    assert list(doc["summary"]) == ["errors", "warnings", "waived", "verdict"]
    assert doc["summary"]["verdict"] == "fail" and doc["summary"]["errors"] >= 1
    assert "制造类小镇" in doc["findings"][0]["message"]  # Chinese shown as is


def test_text_report_groups_by_severity_with_rule_and_clause(cli):
    r = cli("check", "--lang", "en")
    assert r.code == 1
    assert "== Errors" in r.out and "[HZ-MIX-MFG §3.1.3] share of manufacturing towns" in r.out
    assert r.out.index("== Errors") < r.out.index("== Warnings") < r.out.index("== Waived")
    assert "approximate" in r.out


def _ruleset(tmp_path: Path, kind: str, severity: str, **params) -> Path:
    p = tmp_path / "one.toml"
    p.write_text(ruleset_text(kind, severity, **params), encoding="utf-8")
    return p


def test_exit_zero_when_nothing_reaches_fail_on(cli, tmp_path):
    ok = _ruleset(tmp_path, "count-cap", "error", max=20)
    assert cli("check", "--ruleset", ok).code == 0
    warn = _ruleset(tmp_path, "count-cap", "warning", max=1)
    assert cli("check", "--ruleset", warn).code == 0
    r = cli("check", "--ruleset", warn, "--fail-on", "warning", "--format", "json")
    assert r.code == 1 and json.loads(r.out)["summary"]["verdict"] == "fail"


def test_broken_ruleset_exits_2_naming_file_rule_key_and_allowed(cli, tmp_path):
    bad = _ruleset(tmp_path, "min-gap", "error", min_m="far")
    r = cli("check", "--ruleset", bad)
    assert r.code == 2
    assert (
        str(bad) in r.err and "规则 R-1" in r.err and "'min_m'" in r.err and "应为：数字" in r.err
    )
    assert "Traceback" not in r.err
    r = cli("check", "--ruleset", bad, "--lang", "en")
    assert "rule R-1" in r.err and "'min_m'" in r.err and "a number" in r.err


def test_output_file_geojson_in_wgs84(cli, tmp_path):
    out = tmp_path / "findings.geojson"
    r = cli("check", "--format", "geojson", "-o", out)
    assert r.code == 1 and r.out == ""
    gdf = gpd.read_file(out)
    assert len(gdf) >= 3
    minx, miny, maxx, maxy = gdf.total_bounds
    assert 119 < minx < maxx < 121 and 30 < miny < maxy < 31.5


def test_markdown(cli):
    r = cli("check", "--format", "markdown", "--lang", "en")
    assert r.out.startswith("# ") and "| HZ-MIX-MFG | §3.1.3 |" in r.out


def test_expired_waiver_reported_in_project(cli, project_copy):
    w = project_copy / "layers" / "waivers.toml"
    w.write_text(
        w.read_text(encoding="utf-8").replace("2027-06-30", "2020-01-01"), encoding="utf-8"
    )
    r = cli("check", "--project", project_copy, "--lang", "en")
    assert "waiver for HZ-SPACING HZ-09,HZ-14 expired 2020-01-01" in r.out
    doc = json.loads(cli("check", "--project", project_copy, "--format", "json").out)
    assert doc["summary"]["waived"] == 0


def test_bad_waivers_file_exits_2(cli, project_copy):
    (project_copy / "layers" / "waivers.toml").write_text(
        "[[waiver]]\nrule = 1\n", encoding="utf-8"
    )
    r = cli("check", "--project", project_copy)
    assert r.code == 2 and "waivers.toml" in r.err and "第 1 条豁免" in r.err


@pytest.mark.parametrize("fmt", ["text", "json", "geojson", "markdown"])
def test_inputs_unchanged(cli, project_copy, fmt):
    before = digest_tree(project_copy)
    cli("check", "--project", project_copy, "--format", fmt)
    assert digest_tree(project_copy) == before


def test_rule_naming_a_missing_town_field_exits_2_naming_rule_and_key(cli, tmp_path):
    bad = _ruleset(tmp_path, "category-share", "error", category="x", field="nope", max_share=1)
    r = cli("check", "--ruleset", bad)
    assert r.code == 2 and "规则 R-1" in r.err and "'field'" in r.err and "'nope'" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ('[[waiver]]\nrule = "HZ-SPACING"\nreason = "理由"\n'.encode("gbk"), "不是 UTF-8"),
        (b'waiver = ["x"]\n', "第 1 条豁免：须为表"),
        (b'waiver = "x"\n', "须为表数组"),
    ],
)
def test_unusable_waivers_file_exits_2_naming_file_and_entry(cli, project_copy, content, expect):
    path = project_copy / "layers" / "waivers.toml"
    path.write_bytes(content)
    r = cli("check", "--project", project_copy)
    assert r.code == 2 and str(path) in r.err and expect in r.err
    assert "Traceback" not in r.err


def test_sample_waiver_flagged_in_json_geojson_text_and_markdown(cli, tmp_path):
    doc = json.loads(cli("check", "--format", "json").out)
    assert list(doc) == ["ruleset", "summary", "findings", "readings"]
    (w,) = [f["waiver"] for f in doc["findings"] if f["waived"]]
    assert w["sample"] is True and "示例" in w["document"]
    out = tmp_path / "f.geojson"
    cli("check", "--format", "geojson", "-o", out)
    waived = [
        f for f in json.loads(out.read_text("utf-8"))["features"] if f["properties"]["waived"]
    ]
    assert [f["properties"]["waiver"]["sample"] for f in waived] == [True]
    assert "示例豁免" in cli("check").out
    assert "sample waiver" in cli("check", "--lang", "en").out
    assert "sample waiver" in cli("check", "--format", "markdown", "--lang", "en").out
