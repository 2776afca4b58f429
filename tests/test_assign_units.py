"""assign_units: a functional zone wins over the district it was carved from (§3.1.1c caps
zones separately); points outside every unit get None. Real boundaries plus a tiny fixture."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from townsgis.dataset import assign_units
from townsgis.project import Project

METRIC = "EPSG:4549"


@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    return gpd.read_file(Project.open().layer_path("units"))


def _pts(*lonlat: tuple[float, float], index=None) -> gpd.GeoSeries:
    return gpd.GeoSeries([Point(x, y) for x, y in lonlat], crs="EPSG:4326", index=index)


def _geom(units: gpd.GeoDataFrame, unit_id: str):
    return units.loc[units["unit_id"] == unit_id, "geometry"].iloc[0]


def test_point_in_taihu_resort_goes_to_the_zone_not_wuxing(units):
    p = Point(120.12, 30.92)
    assert _geom(units, "330502").contains(p)  # geometrically in both: precedence decides
    assert _geom(units, "taihu-resort").contains(p)
    assert assign_units(_pts((120.12, 30.92)), units) == ["taihu-resort"]


def test_point_in_development_zone_goes_to_the_zone(units):
    assert assign_units(_pts((120.03, 30.86)), units) == ["huzhou-dz"]


def test_zone_precedence_does_not_depend_on_row_order(units):
    reversed_units = units.iloc[::-1].reset_index(drop=True)
    pts = _pts((120.12, 30.92), (120.03, 30.86))
    assert assign_units(pts, reversed_units) == ["taihu-resort", "huzhou-dz"]


@pytest.mark.parametrize(
    ("lonlat", "unit_id"),
    [
        ((119.68, 30.64), "330523"),  # Anji county seat
        ((120.04, 30.70), "330502"),  # Daixi, Wuxing outside both zones
        ((120.40, 30.87), "330503"),  # Nanxun
        ((119.91, 31.00), "330522"),  # Changxing
        ((120.07, 30.51), "330521"),  # Deqing
    ],
)
def test_points_in_counties_and_districts(units, lonlat, unit_id):
    assert assign_units(_pts(lonlat), units) == [unit_id]


@pytest.mark.parametrize(
    "lonlat",
    [
        (121.47, 31.23),  # Shanghai
        (122.50, 30.00),  # East China Sea
        (120.30, 31.10),  # Taihu lake water: the boundaries are land boundaries
    ],
)
def test_points_outside_every_unit_get_none(units, lonlat):
    assert assign_units(_pts(lonlat), units) == [None]


def test_order_preserved_and_index_ignored(units):
    pts = _pts((121.47, 31.23), (119.68, 30.64), (120.12, 30.92), index=[30, 10, 20])
    assert assign_units(pts, units) == [None, "330523", "taihu-resort"]


def _fixture_units() -> gpd.GeoDataFrame:
    """Two 10 km districts side by side and a 2 km zone inside the first, built in EPSG:4549."""
    x0, y0 = 500_000.0, 3_400_000.0
    rows = [
        ("D1", "district", None, box(x0, y0, x0 + 10_000, y0 + 10_000)),
        ("D2", "district", None, box(x0 + 10_000, y0, x0 + 20_000, y0 + 10_000)),
        ("Z1", "functional_zone", "D1", box(x0 + 4_000, y0 + 4_000, x0 + 6_000, y0 + 6_000)),
    ]
    gdf = gpd.GeoDataFrame(
        [{"unit_id": r[0], "kind": r[1], "parent_id": r[2]} for r in rows],
        geometry=[r[3] for r in rows],
        crs=METRIC,
    )
    return gdf.to_crs("EPSG:4326")


def _metric_pts(*xy: tuple[float, float]) -> gpd.GeoSeries:
    x0, y0 = 500_000.0, 3_400_000.0
    return gpd.GeoSeries([Point(x0 + dx, y0 + dy) for dx, dy in xy], crs=METRIC).to_crs(4326)


def test_fixture_zone_wins_and_neighbours_are_separate():
    got = assign_units(
        _metric_pts((5_000, 5_000), (1_000, 1_000), (15_000, 5_000)), _fixture_units()
    )
    assert got == ["Z1", "D1", "D2"]


def test_fixture_just_outside_the_zone_is_the_district():
    # 10 m outside the zone's east edge (at 6 km) but inside D1
    assert assign_units(_metric_pts((6_010, 5_000)), _fixture_units()) == ["D1"]


def test_fixture_outside_everything_is_none():
    assert assign_units(_metric_pts((25_000, 5_000), (5_000, -10)), _fixture_units()) == [
        None,
        None,
    ]


def _degree_units() -> gpd.GeoDataFrame:
    """The same layout in degrees, so that points can sit exactly on an edge."""
    rows = [
        ("D1", "district", box(120.0, 30.0, 120.1, 30.1)),
        ("D2", "district", box(120.1, 30.0, 120.2, 30.1)),
        ("Z1", "functional_zone", box(120.04, 30.04, 120.06, 30.06)),
    ]
    return gpd.GeoDataFrame(
        [{"unit_id": r[0], "kind": r[1]} for r in rows],
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )


def test_point_exactly_on_the_zone_edge_belongs_to_the_zone():
    assert assign_units(_pts((120.06, 30.05), (120.05, 30.04)), _degree_units()) == ["Z1", "Z1"]


def test_point_exactly_on_a_shared_district_border_is_not_lost():
    units = _degree_units()
    assert assign_units(_pts((120.1, 30.05)), units) == ["D1"]  # first in layer order
    assert assign_units(_pts((120.1, 30.05)), units.iloc[::-1]) == ["D2"]


def test_point_exactly_on_the_outer_edge_is_inside():
    assert assign_units(_pts((120.2, 30.05), (120.2000001, 30.05)), _degree_units()) == ["D2", None]
