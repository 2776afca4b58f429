"""Layer I/O: every input format into WGS84, Shapefile/CSV encodings, CRS, atomic writes."""

from __future__ import annotations

import json
import os

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from townsgis.crs import bd09_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02
from townsgis.errors import CRSError, LayerIOError, SchemaError
from townsgis.layers import read_layer, shapefile_encoding, write_layer

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")

NAMES = ["湖州丝绸小镇", "吴兴美妆小镇", "南浔善琏湖笔小镇"]
GEOD = Geod(ellps="WGS84")


def sample(crs="EPSG:4326") -> gpd.GeoDataFrame:
    pts = [shapely.Point(120.15, 30.86), shapely.Point(120.04, 30.70), shapely.Point(120.2, 30.75)]
    return gpd.GeoDataFrame({"name_zh": NAMES, "n": [1, 2, 3]}, geometry=pts, crs=crs)


def metres(a: gpd.GeoSeries, b: gpd.GeoSeries) -> np.ndarray:
    return GEOD.inv(a.x.to_numpy(), a.y.to_numpy(), b.x.to_numpy(), b.y.to_numpy())[2]


# --- Shapefile encodings ---------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["GBK", "GB18030"])
def test_gbk_shapefile_without_cpg_reads_chinese(tmp_path, encoding):
    shp = tmp_path / "towns.shp"
    sample().to_file(shp, engine="pyogrio", encoding=encoding)
    assert (tmp_path / "towns.cpg").exists()
    (tmp_path / "towns.cpg").unlink()
    raw = (tmp_path / "towns.dbf").read_bytes()
    assert NAMES[0].encode("gbk") in raw  # the file really is GBK
    assert shapefile_encoding(shp) == "GB18030"
    gdf = read_layer(shp)
    assert gdf["name_zh"].tolist() == NAMES
    assert any("GB18030" in n for n in gdf.attrs["notes"])


def test_utf8_shapefile_without_cpg_reads_chinese(tmp_path):
    shp = tmp_path / "towns.shp"
    sample().to_file(shp, engine="pyogrio", encoding="UTF-8")
    (tmp_path / "towns.cpg").unlink(missing_ok=True)
    assert shapefile_encoding(shp) == "UTF-8"
    assert read_layer(shp)["name_zh"].tolist() == NAMES


def test_cpg_is_honoured_and_encoding_overrides(tmp_path):
    shp = tmp_path / "towns.shp"
    sample().to_file(shp, engine="pyogrio", encoding="GBK")
    (tmp_path / "towns.cpg").write_text("GBK")
    assert read_layer(shp)["name_zh"].tolist() == NAMES
    # an explicit (wrong) encoding wins over the .cpg: the names come out different
    assert read_layer(shp, encoding="ISO-8859-1")["name_zh"].tolist() != NAMES


def test_shapefile_without_prj_is_missing_crs_unless_named(tmp_path):
    shp = tmp_path / "towns.shp"
    sample().to_crs("EPSG:4549").to_file(shp, engine="pyogrio", encoding="UTF-8")
    (tmp_path / "towns.prj").unlink()
    with pytest.raises(CRSError, match=r"towns\.shp: missing CRS"):
        read_layer(shp)
    assert read_layer(shp, require_crs=False).crs is None
    got = read_layer(shp, crs="EPSG:4549")
    assert got.crs.to_epsg() == 4326
    assert metres(got.geometry, sample().geometry).max() < 0.01


# --- other vector formats ---------------------------------------------------------------
@pytest.mark.parametrize(("suffix", "driver"), [(".gpkg", "GPKG"), (".kml", "KML")])
def test_gpkg_and_kml(tmp_path, suffix, driver):
    path = tmp_path / f"towns{suffix}"
    sample().to_file(path, driver=driver, engine="pyogrio")
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 4326
    assert gdf["name_zh"].tolist() == NAMES
    assert not gdf.geometry.has_z.any()
    assert metres(gdf.geometry, sample().geometry).max() < 0.01


def test_geojson_without_crs_member_is_wgs84(tmp_path):
    path = tmp_path / "t.geojson"
    feats = [
        {
            "type": "Feature",
            "properties": {"name_zh": NAMES[0]},
            "geometry": {"type": "Point", "coordinates": [120.15, 30.86]},
        }
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 4326 and gdf.geometry.iloc[0].x == 120.15


def test_projected_file_comes_back_in_wgs84(tmp_path):
    path = tmp_path / "t.gpkg"
    sample().to_crs("EPSG:4549").to_file(path, engine="pyogrio")
    gdf = read_layer(path)
    assert gdf.crs.to_epsg() == 4326
    assert metres(gdf.geometry, sample().geometry).max() < 0.01


# --- tables -----------------------------------------------------------------------------
def test_gcj02_csv_within_a_centimetre_of_truth(tmp_path):
    truth = sample()
    lon, lat = wgs84_to_gcj02(truth.geometry.x, truth.geometry.y)
    path = tmp_path / "amap.csv"
    pd.DataFrame({"name_zh": NAMES, "lng": lon, "lat": lat}).to_csv(path, index=False)
    gdf = read_layer(path, crs="gcj02")
    assert gdf.crs.to_epsg() == 4326
    assert gdf["name_zh"].tolist() == NAMES
    assert metres(gdf.geometry, truth.geometry).max() <= 0.01
    # read as WGS84 instead, the points are hundreds of metres off: the CRS matters
    assert metres(read_layer(path).geometry, truth.geometry).min() > 100


def test_bd09_xlsx_with_chinese_headers(tmp_path):
    truth = sample()
    lon, lat = wgs84_to_bd09(truth.geometry.x, truth.geometry.y)
    path = tmp_path / "baidu.xlsx"
    pd.DataFrame({"名称": NAMES, "经度": lon, "纬度": lat}).to_excel(path, index=False)
    gdf = read_layer(path, crs="bd09")
    assert gdf["名称"].tolist() == NAMES
    assert metres(gdf.geometry, truth.geometry).max() <= 0.01
    assert np.allclose(bd09_to_wgs84(lon, lat)[0], gdf.geometry.x)


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize("headers", [("LON", "LAT"), ("Longitude", "Latitude"), ("经度", "纬度")])
def test_csv_column_detection_case_insensitive(tmp_path, headers):
    path = tmp_path / "p.csv"
    pd.DataFrame({"name_zh": NAMES[:1], headers[0]: [120.1], headers[1]: [30.8]}).to_csv(
        path, index=False
    )
    gdf = read_layer(path)
    assert (gdf.geometry.x.iloc[0], gdf.geometry.y.iloc[0]) == (120.1, 30.8)
    assert any("按 WGS84 经纬度读取" in n for n in gdf.attrs["notes"])
    assert gdf.attrs["row_word"] == "row" and gdf.attrs["row_base"] == 2


def test_gbk_csv_is_decoded(tmp_path):
    path = tmp_path / "p.csv"
    df = pd.DataFrame({"name_zh": NAMES, "lon": [120.1] * 3, "lat": [30.8] * 3})
    df.to_csv(path, index=False, encoding="gbk")
    assert read_layer(path)["name_zh"].tolist() == NAMES


def test_csv_without_lon_lat_names_file_and_columns(tmp_path):
    path = tmp_path / "p.csv"
    pd.DataFrame({"name_zh": NAMES[:1], "x坐标": [120.1], "lat": [30.8]}).to_csv(path, index=False)
    with pytest.raises(LayerIOError) as exc:
        read_layer(path)
    msg = str(exc.value)
    assert "p.csv" in msg and "no longitude column" in msg and "x坐标" in msg


def test_csv_non_numeric_coordinates_name_the_row(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name_zh,lon,lat\na,120.1,30.8\nb,东经120,30.8\n", encoding="utf-8")
    with pytest.raises(SchemaError) as exc:
        read_layer(path)
    assert "p.csv" in str(exc.value) and "row 3" in str(exc.value)


# --- files that are not layers -----------------------------------------------------------
def test_missing_empty_and_unsupported_files(tmp_path):
    from townsgis.i18n import using

    with using("en"), pytest.raises(LayerIOError, match="nope.geojson: file not found"):
        read_layer(tmp_path / "nope.geojson")
    (tmp_path / "e.geojson").write_bytes(b"")
    with pytest.raises(LayerIOError, match="e.geojson: file is empty"):
        read_layer(tmp_path / "e.geojson")
    (tmp_path / "r.toml").write_text('[rule]\nid = "x"\n')
    with pytest.raises(LayerIOError, match="unsupported file type '.toml'"):
        read_layer(tmp_path / "r.toml")
    (tmp_path / "r.geojson").write_text('[rule]\nid = "x"\n')
    with pytest.raises(LayerIOError, match="r.geojson: cannot read"):
        read_layer(tmp_path / "r.geojson")


def test_unknown_crs_names_the_file(tmp_path):
    path = tmp_path / "p.csv"
    pd.DataFrame({"lon": [120.1], "lat": [30.8]}).to_csv(path, index=False)
    with pytest.raises(CRSError, match=r"p\.csv: unknown CRS 'mars'"):
        read_layer(path, crs="mars")


# --- writing ----------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_write_layer_round_trip_leaves_no_temp_files(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    write_layer(sample(), path)
    assert os.listdir(tmp_path) == [path.name]
    back = read_layer(path)
    assert back["name_zh"].tolist() == NAMES
    assert metres(back.geometry, sample().geometry).max() < 0.001


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "out.geojson"
    write_layer(sample(), path)
    before = path.read_bytes()

    def half_write(self, filename, *args, **kwargs):  # a crash halfway through writing
        with open(filename, "w") as fh:
            fh.write('{"type": "FeatureCollection", "feat')
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", half_write)
    with pytest.raises(LayerIOError, match="out.geojson: cannot write: disk full"):
        write_layer(sample(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]


def test_write_layer_refuses_unknown_suffix(tmp_path):
    with pytest.raises(LayerIOError, match="use .geojson, .gpkg or .parquet"):
        write_layer(sample(), tmp_path / "out.shp")


@pytest.mark.parametrize(("suffix", "sep"), [(".csv", ";"), (".tsv", "\t"), (".txt", "|")])
def test_table_delimiters(tmp_path, suffix, sep):
    path = tmp_path / f"p{suffix}"
    path.write_text(sep.join(["name_zh", "lon", "lat"]) + "\n" + sep.join(["甲", "120.1", "30.8"]))
    gdf = read_layer(path)
    assert gdf["name_zh"].tolist() == ["甲"] and gdf.geometry.x.iloc[0] == 120.1


def test_row_numbers_count_blank_lines_and_ignore_trailing_ones(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name_zh,lon,lat\na,120.1,30.8\n\nc,120.1,x\n\n\n", encoding="utf-8")
    with pytest.raises(SchemaError) as exc:
        read_layer(path)
    assert exc.value.problems[0] == "row 3: blank row"
    assert exc.value.problems[1].startswith("row 4:")  # c: lat 'x'
    assert len(exc.value.problems) == 2


def test_atomic_text_write_gets_normal_permissions(tmp_path):
    import os
    import stat

    from townsgis.layers import write_text_atomic

    umask = os.umask(0o022)
    try:
        out = write_text_atomic("湖州", tmp_path / "a.txt")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert out.read_text(encoding="utf-8") == "湖州"


def _write_text(text, path):
    from townsgis.layers import write_text_atomic

    return write_text_atomic(text, path)


WRITERS = {"layer": lambda p: write_layer(sample(), p), "text": lambda p: _write_text("湖州", p)}


@pytest.mark.parametrize("writer", WRITERS)
def test_writing_onto_a_folder_names_the_path(tmp_path, writer):
    folder = tmp_path / "out.geojson"
    folder.mkdir()
    with pytest.raises(LayerIOError, match=f"{folder}: is a folder"):
        WRITERS[writer](folder)
    assert folder.is_dir() and os.listdir(folder) == []
    assert os.listdir(tmp_path) == [folder.name]  # no temporary file left behind


@pytest.mark.parametrize("writer", WRITERS)
def test_parent_that_cannot_be_created_names_the_path(tmp_path, writer):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    path = blocker / "sub" / "out.geojson"  # its parent would have to be inside a file
    with pytest.raises(LayerIOError, match=f"{path}: cannot write: Not a directory"):
        WRITERS[writer](path)
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("writer", WRITERS)
def test_failed_rename_is_a_layer_io_error(tmp_path, monkeypatch, writer):
    """Permission denied (or any OSError) at the final rename: LayerIOError, no temp file."""

    def denied(src, dst):
        raise PermissionError(13, "Permission denied", src)

    monkeypatch.setattr(os, "replace", denied)
    path = tmp_path / "out.geojson"
    with pytest.raises(LayerIOError, match=f"{path}: cannot write: Permission denied$"):
        WRITERS[writer](path)
    assert os.listdir(tmp_path) == []
