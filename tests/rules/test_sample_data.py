"""The bundled Huzhou data: check reports what the layer really shows (counts from the layer)."""

import json

import geopandas as gpd
import shapely

from townsgis.project import bundled_root


def test_manufacturing_share_finding_computed_from_the_layer(cli):
    towns = gpd.read_file(bundled_root() / "layers" / "towns.geojson")
    k, n = int((towns["category"] == "manufacturing").sum()), len(towns)
    doc = json.loads(cli("check", "--format", "json", "--lang", "en").out)
    mix = [f for f in doc["findings"] if f["rule"] == "HZ-MIX-MFG"]
    if k / n < 0.6:
        expected = f"share of manufacturing towns {k}/{n} = {k / n:.1%} < 60%"
        assert [f["message"] for f in mix] == [expected]
    else:
        assert mix == []


def test_spacing_findings_match_centroid_distances(cli):
    towns = gpd.read_file(bundled_root() / "layers" / "towns.geojson").to_crs(4549)
    c = towns.geometry.centroid.to_numpy()
    ids = towns["town_id"].to_numpy()
    close = {
        tuple(sorted((ids[i], ids[j])))
        for i in range(len(c))
        for j in range(i + 1, len(c))
        if shapely.distance(c[i], c[j]) < 5000
    }
    doc = json.loads(cli("check", "--format", "json").out)
    found = {
        tuple(sorted(t["id"] for t in f["towns"]))
        for f in doc["findings"]
        if f["rule"] == "HZ-SPACING"
    }
    assert found == close
