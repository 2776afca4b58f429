"""Coordinate systems: GCJ-02/BD-09 against published pairs, exact round trips over China,
the pass-through outside China, CRS names and the metric analysis CRS (EPSG:4549 for Huzhou)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from townsgis.crs import (
    analysis_crs,
    bd09_to_gcj02,
    bd09_to_wgs84,
    gauss_kruger_3deg_epsg,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    parse_crs,
    reproject,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from townsgis.errors import CRSError

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

GEOD = Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in metres between two coordinate arrays (WGS84 ellipsoid)."""
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


# Published reference values of the `coordtransform` library (wandergis/coordTransform).
def test_wgs84_to_gcj02_matches_reference_pair():
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-9)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9)


def test_gcj02_to_bd09_matches_reference_pair():
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.41036949371029, abs=1e-9)
    assert lat == pytest.approx(39.92133699351022, abs=1e-9)


def test_bd09_to_gcj02_close_to_reference_approximation():
    # coordtransform's inverse is a one-step approximation; ours iterates to convergence.
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.39762729119315, abs=1e-6)
    assert lat == pytest.approx(39.90865673957631, abs=1e-6)
    # ...and ours is the exact inverse of the forward transform
    fx, fy = gcj02_to_bd09(lon, lat)
    assert metres(fx, fy, 116.404, 39.915) < 0.001


def china_grid():
    lon, lat = np.meshgrid(np.arange(73.5, 135.0, 0.5), np.arange(18.0, 53.5, 0.5))
    return lon.ravel(), lat.ravel()


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (wgs84_to_gcj02, gcj02_to_wgs84),
        (gcj02_to_wgs84, wgs84_to_gcj02),
        (wgs84_to_bd09, bd09_to_wgs84),
        (gcj02_to_bd09, bd09_to_gcj02),
    ],
)
def test_round_trip_within_a_centimetre_over_china(forward, inverse):
    lon, lat = china_grid()
    back_lon, back_lat = inverse(*forward(lon, lat))
    err = metres(lon, lat, back_lon, back_lat)
    assert len(lon) > 8000
    assert err.max() <= 0.01, f"worst round trip {err.max():.4f} m"


def test_forward_shift_is_hundreds_of_metres_in_huzhou():
    # sanity: the obfuscation is really applied inside China (not a no-op)
    shift = metres(120.1, 30.86, *wgs84_to_gcj02(120.1, 30.86))
    assert 100 < shift < 1000


@pytest.mark.parametrize("fn", [wgs84_to_gcj02, gcj02_to_wgs84, wgs84_to_bd09, bd09_to_wgs84])
def test_points_outside_china_unchanged(fn):
    lon = np.array([-0.1276, 139.6917, 151.2093, 72.0, 100.0])
    lat = np.array([51.5072, 35.6895, -33.8688, 30.0, 56.0])
    out_lon, out_lat = fn(lon, lat)
    np.testing.assert_array_equal(out_lon, lon)
    np.testing.assert_array_equal(out_lat, lat)


def test_reproject_gcj02_geometry_to_wgs84():
    truth = shapely.Polygon([(120.0, 30.8), (120.1, 30.8), (120.1, 30.9), (120.0, 30.8)])
    gcj = shapely.transform(truth, lambda c: np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1])))
    out = reproject(gpd.GeoDataFrame(geometry=[gcj]), "gcj02", "EPSG:4326")
    assert out.crs.to_epsg() == 4326
    got = shapely.get_coordinates(out.geometry.iloc[0])
    want = shapely.get_coordinates(truth)
    assert metres(got[:, 0], got[:, 1], want[:, 0], want[:, 1]).max() <= 0.01


@pytest.mark.parametrize(
    ("name", "epsg"),
    [("wgs84", 4326), ("WGS84", 4326), ("cgcs2000", 4490), ("EPSG:4549", 4549)],
)
def test_parse_crs_names(name, epsg):
    assert parse_crs(name).to_epsg() == epsg


@pytest.mark.parametrize(
    ("name", "pseudo"), [("gcj02", "gcj02"), ("GCJ-02", "gcj02"), ("bd09", "bd09")]
)
def test_parse_crs_pseudo(name, pseudo):
    assert parse_crs(name) == pseudo


def test_parse_crs_unknown_names_choices():
    with pytest.raises(CRSError, match="gcj02, bd09, wgs84, cgcs2000"):
        parse_crs("mars-crs")


def test_analysis_crs_is_4549_for_huzhou():
    from townsgis.layers import read_layer
    from townsgis.project import Project

    units = read_layer(Project.open(None).layer_path("units"))
    assert analysis_crs(units).to_epsg() == 4549


@pytest.mark.parametrize(
    ("lon", "epsg"),
    [(118.49, 4548), (118.51, 4549), (120.0, 4549), (121.49, 4549), (121.51, 4550)],
)
def test_gauss_kruger_zone_boundaries(lon, epsg):
    # zones are 3° wide and centred on multiples of 3°: CM 120°E covers 118.5–121.5°E
    assert gauss_kruger_3deg_epsg(lon) == epsg


def test_analysis_crs_override_must_be_projected():
    assert analysis_crs(override="EPSG:32651").to_epsg() == 32651
    with pytest.raises(CRSError, match="not a projected"):
        analysis_crs(override="EPSG:4490")


@pytest.mark.parametrize("code", ["EPSG:3857", "EPSG:900913", "EPSG:3395"])
def test_analysis_crs_rejects_mercator(code):
    # Mercator scale is 1/cos(lat): ~+15% at Huzhou's 30.9°N, so distances would be wrong
    with pytest.raises(CRSError, match="Mercator.*15%"):
        analysis_crs(override=code)


def test_analysis_crs_must_be_in_metres():
    with pytest.raises(CRSError, match="not in metres.*foot"):
        analysis_crs(override="EPSG:2263")  # NY Long Island, US survey feet
    assert analysis_crs(override="EPSG:4549").to_epsg() == 4549
