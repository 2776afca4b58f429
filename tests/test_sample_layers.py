"""The bundled sample layers (layers/): 14 approximate towns of their planned area, 209
synthetic projects totalling 1030 亿元 (§3.3.3) inside their towns with forward-only stage
histories, and candidate proposals whose note matches what they do. Areas and distances in
EPSG:4549."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from townsgis.dataset import assign_units
from townsgis.project import Project

METRIC = "EPSG:4549"
STAGES = ["reserve", "approval", "construction", "operation"]
QUARTERS = [f"{y}Q{q}" for y in (2018, 2019, 2020) for q in (1, 2, 3, 4)]
LEVELS = {"provincial_creation", "provincial_cultivation", "provincial_named", "municipal"}
CATEGORIES = {"manufacturing", "tourism", "services"}
GRADES = {"none", "A", "2A", "3A", "4A", "5A"}
RULE_IDS = {"HZ-OVERLAP", "HZ-GAP", "HZ-SPACING", "HZ-CAP-UNIT", "HZ-WITHIN-UNIT"}


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.open()


@pytest.fixture(scope="module")
def units(project) -> gpd.GeoDataFrame:
    return gpd.read_file(project.layer_path("units"))


@pytest.fixture(scope="module")
def towns(project) -> gpd.GeoDataFrame:
    return gpd.read_file(project.layer_path("towns"))


@pytest.fixture(scope="module")
def projects(project) -> gpd.GeoDataFrame:
    return gpd.read_file(project.layer_path("projects"))


@pytest.fixture(scope="module")
def proposals(project) -> gpd.GeoDataFrame:
    return gpd.read_file(project.layer_path("proposals"))


# --- towns ------------------------------------------------------------------------------
def test_fourteen_valid_town_polygons_with_stable_ids(towns):
    assert len(towns) == 14
    assert towns["town_id"].tolist() == [f"HZ-{i:02d}" for i in range(1, 15)]
    assert (towns.geom_type == "Polygon").all()
    assert towns.is_valid.all()
    assert towns["approximate"].all()


def test_town_areas_equal_planned_area(towns):
    km2 = towns.to_crs(METRIC).area / 1e6
    rel = (km2 / towns["planned_area_km2"] - 1).abs()
    assert (rel < 0.005).all(), rel.max()
    assert set(towns["planned_area_km2"]) == {3.0, 3.5, 3.55}  # published, else 3 km² assumed


def test_town_fields_use_the_declared_enums(towns, units):
    assert set(towns["level"]) <= LEVELS
    assert set(towns["category"]) <= CATEGORIES
    assert set(towns["scenic_grade"]) <= GRADES
    assert set(towns["unit_id"]) <= set(units["unit_id"])
    assert towns["investor"].str.endswith("（示例）").all()  # sample names, labelled
    ratio = towns["construction_area_km2"] / towns["planned_area_km2"]
    assert ratio.between(0.25, 0.40).all()
    assert (towns["location_note"].str.len() > 0).all()


def test_each_town_lies_inside_its_declared_unit(towns, units):
    """≥ 95 % of each polygon in its unit, a zone winning over its district (§3.1.1c)."""
    m = units.to_crs(METRIC).set_index("unit_id")
    zones = m[m["kind"] == "functional_zone"]
    t = towns.to_crs(METRIC)
    for row in t.itertuples():
        region = m.loc[row.unit_id, "geometry"]
        if m.loc[row.unit_id, "kind"] != "functional_zone":
            inner = zones[zones["parent_id"] == row.unit_id]
            region = region.difference(shapely.union_all(inner.geometry.values))
        share = row.geometry.intersection(region).area / row.geometry.area
        assert share >= 0.95, (row.town_id, share)
    assert assign_units(towns.representative_point(), units) == towns["unit_id"].tolist()


def test_nudged_towns_say_so(towns):
    nudged = towns[towns["location_note"].str.contains("nudged")]
    assert nudged["location_note"].str.contains(r"nudged \d+ m", regex=True).all()


def test_towns_do_not_overlap(towns):
    t = towns.to_crs(METRIC)
    left, right = t.sindex.query(t.geometry, predicate="intersects")
    assert [(a, b) for a, b in zip(left, right, strict=True) if a != b] == []


# --- projects ---------------------------------------------------------------------------
def test_209_projects_totalling_1030(projects):
    assert len(projects) == 209
    assert projects["project_id"].is_unique
    assert round(float(projects["total_investment"].sum()), 2) == 1030.00
    cents = projects["total_investment"] * 100
    assert ((cents - cents.round()).abs() < 1e-6).all()  # two decimals
    assert (projects["total_investment"] > 0).all()
    assert projects["synthetic"].all()
    assert projects["name_zh"].str.endswith("（示例）").all()


def test_each_project_lies_inside_its_town(projects, towns):
    j = gpd.sjoin(projects, towns[["town_id", "geometry"]], how="left", predicate="within")
    assert len(j) == len(projects)
    assert (j["town_id_left"] == j["town_id_right"]).all()


def _history(s: str) -> list[tuple[int, int]]:
    return [(QUARTERS.index(q), STAGES.index(st)) for q, st in (p.split(":") for p in s.split(";"))]


def test_stage_history_is_forward_only_and_consistent(projects):
    for row in projects.itertuples():
        h = _history(row.stage_history)
        quarters = [q for q, _ in h]
        stages = [s for _, s in h]
        assert quarters == sorted(set(quarters)), row.project_id
        assert all(b == a + 1 for a, b in zip(stages, stages[1:], strict=False)), row.project_id
        assert QUARTERS[quarters[0]] == row.start_quarter
        assert QUARTERS[quarters[-1]] == row.stage_since
        assert STAGES[stages[-1]] == row.stage


def test_history_parser_rejects_what_the_test_relies_on():
    # the helper must raise on an unknown stage or quarter, or the test above proves nothing
    with pytest.raises(ValueError):
        _history("2018Q1:reserve;2021Q1:approval")
    with pytest.raises(ValueError):
        _history("2018Q1:planning")


def test_pipeline_has_every_stage_and_stalled_projects(projects):
    assert set(projects["stage"]) == set(STAGES)
    since = projects["stage_since"].map(QUARTERS.index)
    stalled = (projects["stage"] != "operation") & (since <= len(QUARTERS) - 1 - 4)
    assert stalled.sum() >= 10


def test_investment_amounts_are_consistent(projects):
    p = projects
    assert (p["invested_to_date"] <= p["total_investment"]).all()
    early = p["stage"].isin(["reserve", "approval"])
    assert (p.loc[early, ["invested_to_date", "specialty_industry", "tech_investment"]] == 0).all(
        axis=None
    )
    assert (p.loc[p["stage"] == "construction", "invested_to_date"] > 0).all()
    op = p[p["stage"] == "operation"]
    assert (op["invested_to_date"] >= 0.9 * op["total_investment"]).all()
    assert (p["specialty_industry"] <= p["invested_to_date"]).all()
    assert (p["tech_investment"] <= p["invested_to_date"]).all()
    assert p["government_share"].between(0, 1).all()
    assert (p["government_share"] < 0.2).mean() > 0.7  # mostly below 0.2


# --- proposals --------------------------------------------------------------------------
def test_proposals_are_synthetic_and_their_notes_name_a_rule(proposals):
    assert 5 <= len(proposals) <= 8
    assert proposals["synthetic"].all()
    assert proposals["proposal_id"].is_unique
    assert proposals.is_valid.all()
    passing = proposals["note"].str.startswith(PASS_NOTE)
    assert 2 <= passing.sum() <= 3
    broken = [_intended(n) for n in proposals.loc[~passing, "note"]]
    assert None not in broken
    assert set(broken) <= RULE_IDS
    assert len(set(broken)) == len(broken) >= 3  # one named rule each, all different
    assert not proposals["note"].str.contains(r"HZ-|[a-z]_[a-z]").any()  # no raw ids


PASS_NOTE = "示例：设计为通过全部空间规则"


def _intended(note: str) -> str | None:
    """The rule a sample proposal's (Chinese) note says it is meant to break."""
    from townsgis.ruleset import load_ruleset

    for r in load_ruleset(Project.open().ruleset_path(None)).rules:
        if note.startswith(f"示例：设计为违反 {r.clause} {r.title_zh}"):
            return r.id
    return None


def _measure(proposals, towns, units):
    """Per proposal: min edge gap (m), min centroid distance (m), largest unit share, unit."""
    t = towns.to_crs(METRIC)
    pr = proposals.to_crs(METRIC)
    u = units.to_crs(METRIC).set_index("unit_id")
    zones = u[u["kind"] == "functional_zone"]
    out = {}
    for row in pr.itertuples():
        shares = {}
        for uid, urow in u.iterrows():
            region = urow.geometry
            if urow.kind != "functional_zone" and uid in set(zones["parent_id"]):
                region = region.difference(shapely.union_all(zones.geometry.values))
            shares[uid] = row.geometry.intersection(region).area / row.geometry.area
        home = max(shares, key=shares.get)
        out[row.proposal_id] = (
            float(t.distance(row.geometry).min()),
            float(t.centroid.distance(row.geometry.centroid).min()),
            shares[home],
            home,
        )
    return out


def test_proposals_do_what_their_note_says(proposals, towns, units):
    m = _measure(proposals, towns, units)
    prov = towns[towns["level"].isin(["provincial_creation", "provincial_cultivation"])]
    per_unit = prov["unit_id"].value_counts()
    for row in proposals.itertuples():
        gap, spacing, share, home = m[row.proposal_id]
        at_cap = per_unit.get(home, 0) >= 3 and row.level.startswith("provincial")
        rule = _intended(row.note)
        if row.note.startswith(PASS_NOTE):
            assert gap >= 1000 and spacing >= 5000 and share >= 0.95 and not at_cap
        elif rule == "HZ-OVERLAP":
            assert gap == 0 and share >= 0.95 and not at_cap
        elif rule == "HZ-SPACING":
            assert gap >= 1000 and spacing < 5000 and share >= 0.95 and not at_cap
        elif rule == "HZ-CAP-UNIT":
            assert gap >= 1000 and spacing >= 5000 and share >= 0.95 and at_cap
        elif rule == "HZ-WITHIN-UNIT":
            assert gap >= 1000 and spacing >= 5000 and share < 0.95
        else:
            pytest.fail(f"unexpected note: {row.note}")


def test_proposal_areas_match_area_km2(proposals):
    km2 = proposals.to_crs(METRIC).area / 1e6
    assert ((km2 / proposals["area_km2"] - 1).abs() < 0.005).all()


# --- regeneration -----------------------------------------------------------------------
def test_build_script_reproduces_the_committed_layers(tmp_path, project):
    script = Path(__file__).resolve().parent.parent / "scripts" / "build_sample_layers.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    for name in ("towns", "projects", "proposals"):
        assert (tmp_path / f"{name}.geojson").read_bytes() == project.layer_path(
            name
        ).read_bytes(), name
