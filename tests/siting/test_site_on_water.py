"""HZ-WATER on the bundled Huzhou project: a site in 太湖 (inside Huzhou's units and inside
the bundled lake) gets the on-water warning; a site on land is judged as without the rule."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
import shapely

from townsgis.dataset import load_dataset
from townsgis.mapmodel.context import LAKES
from townsgis.project import Project
from townsgis.ruleset import load_ruleset
from townsgis.siting import evaluate_sites, make_sites

# WGS84: in 太湖 within 吴兴区 (the deepest point of the lake inside the district: the disc
# of a 3 km² site reaches the lake beyond the boundary), and on land in 德清县
IN_TAIHU = (120.17277, 30.92942)
ON_LAND = (119.97, 30.54)


@pytest.fixture(scope="module")
def hz():
    proj = Project.open(None)
    rs = load_ruleset(proj.ruleset_path("huzhou-2018"))
    return load_dataset(proj, crs_override=rs.analysis_crs), rs


def judge(ds, rs, lonlat, fail_on="error"):
    g = gpd.GeoSeries([shapely.Point(lonlat)], crs=4326)
    attrs = {"name": "候选", "category": "manufacturing", "level": "municipal", "area_km2": 3.0}
    return evaluate_sites(ds, rs, make_sites(ds, g, [attrs]), fail_on=fail_on).sites[0]


def test_the_lake_point_is_in_huzhou_and_in_taihu(hz):
    ds, _ = hz
    pt = shapely.Point(IN_TAIHU)
    assert ds.units[ds.units.contains(pt)]["unit_id"].tolist() == ["330502"]
    lakes = gpd.read_file(LAKES)
    assert lakes[lakes.contains(pt)]["name_zh"].tolist() == ["太湖"]


def test_site_in_taihu_gets_the_water_warning(hz):
    ds, rs = hz
    s = judge(ds, rs, IN_TAIHU, fail_on="warning")
    (f,) = [f for f in s.findings if f.rule == "HZ-WATER"]
    assert f.severity == "warning" and f.clause == "§3.1.2a"
    assert f.measured > 0.9 and f.limit == 0.5
    assert "候选" in f.message_zh and "水域" in f.message_zh
    assert s.verdict == "fail"


def test_site_on_land_is_unchanged(hz):
    ds, rs = hz
    without = dataclasses.replace(rs, rules=tuple(r for r in rs.rules if r.kind != "on-water"))
    for fail_on in ("error", "warning"):
        a, b = judge(ds, rs, ON_LAND, fail_on), judge(ds, without, ON_LAND, fail_on)
        assert not [f for f in a.findings if f.rule == "HZ-WATER"]
        assert a.verdict == b.verdict
        assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_feasible_says_when_it_keeps_footprints_off_water(cli, lang):
    """The conditions line and the JSON name the on-water limit exactly when it bounds the
    area: at --fail-on warning (HZ-WATER is a warning), not at error."""
    import json

    words = {"zh": "占地在水域上不超过 50%", "en": "at most 50% of the footprint on water"}
    for fail_on, said in (("warning", True), ("error", False)):
        r = cli("feasible", "--category", "manufacturing", "--fail-on", fail_on, "--lang", lang)
        assert r.code == 0, r.err
        assert (words[lang] in r.out) is said
    r = cli("feasible", "--category", "manufacturing", "--fail-on", "warning", "--format", "json")
    assert json.loads(r.out)["max_water_share"] == 0.5
