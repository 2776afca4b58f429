"""Transformers from remembered PROJ pipelines (townsgis.transformers): the same coordinates,
bit for bit, as ``Transformer.from_crs``; nothing remembered that PROJ chooses per point."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

from townsgis import transformers
from townsgis.transformers import transformer

PAIRS = [
    ("EPSG:4326", "EPSG:4549"),  # WGS84 -> CGCS2000 3° GK CM 120°E (Huzhou's metric CRS)
    ("EPSG:4549", "EPSG:4326"),
    ("EPSG:4490", "EPSG:4326"),
    ("EPSG:4326", "EPSG:3857"),
    ("EPSG:4326", "EPSG:32651"),
]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty user cache, and no transformer memoised in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TOWNSGIS_NO_CACHE", raising=False)
    transformer.cache_clear()
    yield tmp_path / "xdg" / "townsgis" / "proj"
    transformer.cache_clear()


def _points(src: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(73, 135, 500), rng.uniform(18, 53, 500)
    if CRS(src).is_geographic:
        return lon, lat
    return Transformer.from_crs("EPSG:4326", src, always_xy=True).transform(lon, lat)


@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_a_remembered_pipeline_gives_the_same_coordinates(fresh, src, dst):
    x, y = _points(src)
    want = Transformer.from_crs(src, dst, always_xy=True).transform(x, y)
    first = transformer(CRS(src), CRS(dst), always_xy=True)  # asks PROJ, remembers
    assert len(list(fresh.glob("*.json"))) == 1
    transformer.cache_clear()  # as a new process: built from the remembered pipeline
    again = transformer(CRS(src), CRS(dst), always_xy=True)
    assert again is not first
    for got in (first.transform(x, y), again.transform(x, y)):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


def test_geopandas_to_crs_uses_it_with_the_same_result(fresh):
    import geopandas.array as ga

    import townsgis.dataset  # noqa: F401  (installs the hook)

    assert ga.TransformerFromCRS is transformer
    towns = gpd.read_file(transformers.__file__.rsplit("/", 2)[0] + "/layers/towns.geojson")
    plain = shapely.transform(
        towns.geometry.values,
        lambda c: np.column_stack(
            Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(
                c[:, 0], c[:, 1]
            )
        ),
    )
    for _ in range(2):
        got = towns.to_crs("EPSG:4549")
        assert shapely.equals_exact(got.geometry.values, plain, tolerance=0).all()
        transformer.cache_clear()
    assert list(fresh.glob("*.json"))


def test_a_choice_among_operations_is_left_to_proj(fresh):
    """WGS84 -> British National Grid: PROJ picks an operation per point (grids, areas of
    use); its definition is not one pipeline, so nothing is remembered."""
    made = transformer("EPSG:4326", "EPSG:27700", always_xy=True)
    assert not transformers._rememberable(made.definition)
    assert not fresh.exists() or not list(fresh.glob("*.json"))


def test_grids_are_never_remembered():
    assert not transformers._rememberable("proj=pipeline step proj=hgridshift grids=x.tif")
    assert transformers._rememberable("proj=pipeline step proj=unitconvert xy_in=deg")


def test_no_cache_turns_it_off(fresh, monkeypatch):
    monkeypatch.setenv("TOWNSGIS_NO_CACHE", "1")
    transformer("EPSG:4326", "EPSG:4549", always_xy=True)
    assert not fresh.exists()


def test_a_damaged_record_asks_proj_again(fresh):
    transformer("EPSG:4326", "EPSG:4549", always_xy=True)
    (record,) = fresh.glob("*.json")
    record.write_text('{"pipeline": "proj=nonsense"}', encoding="utf-8")
    transformer.cache_clear()
    t = transformer("EPSG:4326", "EPSG:4549", always_xy=True)
    assert t.transform(120.35, 30.75) == Transformer.from_crs(
        "EPSG:4326", "EPSG:4549", always_xy=True
    ).transform(120.35, 30.75)


def test_proj_string_options_the_wkt_leaves_out_are_keyed(fresh):
    """``+approx`` picks another Transverse Mercator algorithm (centimetres apart) but leaves
    the WKT unchanged: a run without it never gets the approximate pipeline."""
    base = "+proj=tmerc +lon_0=120 +datum=WGS84"
    approx = CRS(f"{base} +approx")
    exact = CRS(base)
    assert approx.to_wkt() == exact.to_wkt()
    lon, lat = np.array([127.5, 112.0]), np.array([30.0, 41.0])
    want = Transformer.from_crs("EPSG:4326", exact, always_xy=True).transform(lon, lat)
    transformer(CRS("EPSG:4326"), approx, always_xy=True)  # remembered
    for clear in (False, True):  # in this process (pyproj's CRS == ignores it), then a new one
        if clear:
            transformer.cache_clear()
        got = transformer(CRS("EPSG:4326"), exact, always_xy=True).transform(lon, lat)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


def test_proj_only_best_default_is_keyed(fresh, monkeypatch):
    transformer(CRS("EPSG:4326"), CRS("EPSG:4549"), always_xy=True)
    transformer.cache_clear()
    monkeypatch.setenv("PROJ_ONLY_BEST_DEFAULT", "YES")
    transformer(CRS("EPSG:4326"), CRS("EPSG:4549"), always_xy=True)
    assert len(list(fresh.glob("*.json"))) == 2


def test_the_remembered_pipelines_are_bounded(fresh, monkeypatch):
    monkeypatch.setattr(transformers, "KEEP", 3)
    for zone in range(4534, 4554):  # CGCS2000 3° GK zones: one conversion each
        transformer(CRS("EPSG:4490"), CRS(f"EPSG:{zone}"), always_xy=True)
    assert len(list(fresh.glob("*.json"))) == 3
