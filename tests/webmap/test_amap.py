"""--tiles amap: every layer is shifted to GCJ-02 so it lines up with Amap's basemap; a known
point must land within 5 m of its GCJ-02 position (issue 4). Tianditu needs its key."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from townsgis.crs import wgs84_to_gcj02
from townsgis.dataset import load_dataset
from townsgis.webmap.browser import open_offline

GEOD = Geod(ellps="WGS84")
TOLERANCE_M = 5.0


def _metres(lon1, lat1, lon2, lat2) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.fixture(scope="module")
def amap_pages(tmp_path_factory, bundled):
    from townsgis.webmap.api import layout_html, progress_html

    d = tmp_path_factory.mktemp("amap")
    (d / "layout.html").write_text(layout_html(bundled, tiles="amap"), encoding="utf-8")
    (d / "progress.html").write_text(progress_html(bundled, tiles="amap"), encoding="utf-8")
    return d


def test_town_vertex_lands_on_its_gcj02_position(browser, amap_pages, bundled):
    ds = load_dataset(bundled)
    lon, lat = ds.towns.geometry.iloc[0].exterior.coords[0]
    glon, glat = (float(v[0]) for v in wgs84_to_gcj02(np.array([lon]), np.array([lat])))
    visit = open_offline(browser, amap_pages / "layout.html")
    try:
        got = visit.page.evaluate(
            "(() => { const ll = window.townsgisMap.layers.towns.getLayers()[0]"
            ".getLatLngs()[0][0]; return [ll.lng, ll.lat]; })()"
        )
        # tiles were requested (and blocked: the tests stay offline) from Amap only
        assert visit.blocked and all("autonavi.com" in u for u in visit.blocked)
    finally:
        visit.page.close()
    assert _metres(got[0], got[1], glon, glat) <= TOLERANCE_M
    assert _metres(got[0], got[1], lon, lat) > 100  # really shifted (~0.5 km here)


def test_project_point_lands_on_its_gcj02_position(browser, amap_pages, bundled):
    ds = load_dataset(bundled)
    pt = ds.projects.geometry.iloc[0]
    glon, glat = (float(v[0]) for v in wgs84_to_gcj02(np.array([pt.x]), np.array([pt.y])))
    ready = "window.townsgisMap !== undefined && window.townsgisProgress !== undefined"
    visit = open_offline(browser, amap_pages / "progress.html", ready_js=ready)
    try:
        got = visit.page.evaluate(
            "(() => { const ll = window.townsgisProgress.latLng(0); return [ll.lng, ll.lat]; })()"
        )
    finally:
        visit.page.close()
    assert _metres(got[0], got[1], glon, glat) <= TOLERANCE_M
    assert _metres(got[0], got[1], pt.x, pt.y) > 100


def test_without_tiles_the_same_vertex_stays_in_wgs84(layout_page, bundled):
    ds = load_dataset(bundled)
    lon, lat = ds.towns.geometry.iloc[0].exterior.coords[0]
    html = layout_page.read_text(encoding="utf-8")
    assert (
        f"[{round(lon, 6)}, {round(lat, 6)}]" in html
        or f"[{round(lon, 6)},{round(lat, 6)}]" in html
    )


def test_tianditu_needs_its_key(bundled, monkeypatch):
    from townsgis.errors import TownsgisError
    from townsgis.webmap.api import layout_html

    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(TownsgisError, match="TIANDITU_KEY"):
        layout_html(bundled, tiles="tianditu")


def test_tianditu_key_goes_into_the_tile_url_only(bundled, monkeypatch):
    from townsgis.webmap.api import progress_html

    monkeypatch.setenv("TIANDITU_KEY", "k3y")
    html = progress_html(bundled, tiles="tianditu")
    assert "tianditu.gov.cn" in html and "tk=k3y" in html
