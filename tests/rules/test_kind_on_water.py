"""on-water: a town with more than max_water_share of its area on water is flagged (the
project's water layer, else the bundled lakes); parameters checked at load."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from rules_fixtures import METRIC, WGS84, km_box, make_ds, ruleset_text, town

from townsgis.engine import run_rules
from townsgis.errors import RulesetError
from townsgis.ruleset import parse_ruleset


def _with_water(tmp_path) -> None:
    """A 10 km lake (10–20 km × 10–20 km of the fixture grid) as the project's water."""
    lake = gpd.GeoSeries([km_box(10, 10, 20, 20)], crs=METRIC).to_crs(WGS84).iloc[0]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name_zh": "测试湖"},
                "geometry": json.loads(gpd.GeoSeries([lake]).to_json())["features"][0]["geometry"],
            }
        ],
    }
    d = tmp_path / "data" / "boundaries"
    d.mkdir(parents=True)
    (d / "water.geojson").write_text(json.dumps(fc), encoding="utf-8")


def _run(tmp_path, rows, **params):
    rs = parse_ruleset(ruleset_text("on-water", "warning", **params), source="fixture.toml")
    return run_rules(make_ds(rows, tmp_path), rs, waivers=[]).findings


def test_town_mostly_on_water_is_flagged_by_name(tmp_path):
    _with_water(tmp_path)
    rows = [
        town("T1", 12000, 12000),  # wholly on the lake
        town("T2", 9600, 12000),  # 60% on it
        town("T3", 9500, 12000 + 2000),  # half: the bound passes
        town("T4", 3000, 25000),  # on land
    ]
    found = _run(tmp_path, rows)
    assert [f.town_ids for f in found] == [("T1",), ("T2",)]
    t1, t2 = found
    assert t1.measured == pytest.approx(1.0, abs=1e-4) and t1.limit == 0.5
    assert t2.measured == pytest.approx(0.6, abs=1e-4)
    assert t1.severity == "warning"
    assert "T1镇" in t1.message_zh and "T1镇" in t1.message_en  # the name, never the id alone
    assert "水域" in t1.message_zh and "on water" in t1.message_en


def test_max_water_share_parameter(tmp_path):
    _with_water(tmp_path)
    rows = [town("T2", 9600, 12000)]  # 60% on water
    assert _run(tmp_path, rows, max_water_share=0.6) == []
    assert len(_run(tmp_path, rows, max_water_share=0.59)) == 1


def test_no_water_known_flags_nothing(tmp_path):
    # the fixture grid (~119.8–120.4°E, 30.5–30.8°N) reaches no bundled lake
    assert _run(tmp_path, [town("T1", 12000, 12000)]) == []


@pytest.mark.parametrize("bad", [1.5, -0.1, "half", True])
def test_bad_max_water_share_is_refused_at_load(bad):
    with pytest.raises(RulesetError, match="max_water_share"):
        parse_ruleset(ruleset_text("on-water", max_water_share=bad), source="fixture.toml")
