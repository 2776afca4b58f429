"""Layout scenarios on both stores: a folder project and the same data in PostGIS give the
same output, byte for byte, for check, capacity, site, feasible and progress."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from townsgis.project import init_project
from townsgis.store.copy import copy_store
from townsgis.store.postgis import create_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))
from rules_fixtures import rule, rules_text, town, towns_frame, units_frame  # noqa: E402

RULES = [
    rule("min-spacing", "error", "SPACING", min_m=5000),
    rule("min-gap", "warning", "GAP", min_m=1000),
    rule("no-overlap", "error", "OVERLAP", tolerance_m2=1.0),
    rule("unit-cap", "error", "CAP", max=2, levels=["provincial_creation"]),
    rule("within-unit", "error", "WITHIN", min_share=0.95),
    rule("category-share", "warning", "MIX", category="manufacturing", min_share=0.6),
]

SCENARIOS = {
    # centroids exactly 5000 m apart: at the limit, not below it
    "spacing-at-limit": [town("T1", 10_000, 10_000), town("T2", 15_000, 10_000)],
    # 1 m short of the limit; and two towns overlapping
    "spacing-below": [
        town("T1", 10_000, 10_000),
        town("T2", 14_999, 10_000, category="tourism"),
        town("T3", 20_000, 20_000, unit="A"),
        town("T4", 20_500, 20_500, unit="A", category="services"),
    ],
    # three provincial towns in unit B (cap 2), one straddling A and B
    "cap-and-straddle": [
        town("T1", 35_000, 5_000, unit="B"),
        town("T2", 45_000, 5_000, unit="B"),
        town("T3", 55_000, 20_000, unit="B"),
        town("T4", 29_500, 15_000, unit="A"),
    ],
}

EXPECTED = {
    "spacing-at-limit": set(),
    "spacing-below": {"SPACING", "OVERLAP"},
    "cap-and-straddle": {"CAP", "WITHIN"},
}
ABSENT = {"spacing-at-limit": {"SPACING"}, "spacing-below": set(), "cap-and-straddle": set()}


def _folder_scenario(root: Path, rows: list[dict]) -> Path:
    project = init_project(root, name="场景")
    store = project.store
    store.write_layer("units", units_frame())
    store.write_layer("towns", towns_frame(rows))
    store.write_document("rules/fixture", rules_text(RULES).encode("utf-8"))
    return root


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_checks_the_same_on_both_stores(cli, tmp_path, pg_url, name):
    folder = _folder_scenario(tmp_path / name, SCENARIOS[name])
    copy_store(init_project_store(folder), create_store(pg_url))
    for args in (
        ("check", "--ruleset", "fixture", "--format", "json"),
        ("check", "--ruleset", "fixture", "--lang", "en"),
        ("capacity", "--ruleset", "fixture", "--format", "json"),
    ):
        a = cli(*args, "--project", folder)
        b = cli(*args, "--project", pg_url)
        assert a.code == b.code and a.code in (0, 1), a.text + b.text
        assert a.out == b.out, args
    check = ("check", "--ruleset", "fixture", "--format", "json", "--project", pg_url)
    rules = {f["rule"] for f in json.loads(cli(*check).out)["findings"]}
    assert rules >= EXPECTED[name] and not rules & ABSENT[name], rules


def init_project_store(folder: Path):
    from townsgis.project import Project

    return Project.open(folder).store


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--format", "json"),
        ("check", "--format", "markdown", "--lang", "en"),
        ("capacity", "--format", "json"),
        (
            "site",
            "--lon",
            "120.35",
            "--lat",
            "30.75",
            "--crs",
            "gcj02",
            "--category",
            "manufacturing",
            "--level",
            "provincial_cultivation",
            "--format",
            "json",
        ),
        ("progress", "--quarter", "2019Q4", "--format", "json"),
        ("layers", "--format", "json"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_bundled_sample_gives_the_same_output_on_both_stores(cli, pg_project, args):
    a = cli(*args)
    b = cli(*args, "--project", pg_project)
    assert a.code == b.code and a.code in (0, 1), a.text + b.text
    if args[0] == "layers":  # names the source of each layer: the file, or the table
        assert a.out.count('"kind"') == b.out.count('"kind"')
        return
    assert a.out == b.out
