"""Uploads: one verdict per row of a CSV/XLSX with Chinese headers, GeoJSON/KML/zipped
Shapefile, the size limit, content-vs-name checks, unsafe archives; nothing from a request
names a path on disk and no message shows a temporary path."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.web.points import PASS_POINT, gap_point

CSV = (
    "名称,经度,纬度,类别,级别\n"
    "新市候选,{p[0]},{p[1]},制造业,省级培育\n"
    "地信旁,{g[0]},{g[1]},制造业,市级\n"
)


def upload(client, csrf, name, data, **form):
    return client.post("/api/site/upload", files={"file": (name, data)}, data=form, headers=csrf)


def csv_bytes(encoding="utf-8") -> bytes:
    return CSV.format(p=PASS_POINT, g=gap_point()).encode(encoding)


def _geojson() -> bytes:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "甲", "category": "tourism", "level": "municipal"},
                "geometry": {"type": "Point", "coordinates": list(PASS_POINT)},
            },  # fmt: skip
        ],
    }
    return json.dumps(fc, ensure_ascii=False).encode()


def test_geojson_and_form_defaults(client, csrf):
    r = upload(client, csrf, "a.geojson", _geojson())
    assert r.status_code == 200 and r.json()["sites"][0]["name"] == "甲"
    # a file without category/level: the form's defaults fill them
    fc = json.loads(_geojson())
    fc["features"][0]["properties"] = {"name": "乙"}
    r = upload(client, csrf, "b.json", json.dumps(fc).encode(),
               default_category="制造业", default_level="市级")  # fmt: skip
    assert r.status_code == 200, r.text


def test_gcj02_choice_moves_the_point(client, csrf):
    a = upload(client, csrf, "a.geojson", _geojson()).json()["sites"][0]
    b = upload(client, csrf, "a.geojson", _geojson(), crs="gcj02").json()["sites"][0]
    assert abs(a["lon"] - b["lon"]) > 1e-3


def test_zipped_shapefile(client, csrf, tmp_path):
    import geopandas as gpd
    import shapely

    gdf = gpd.GeoDataFrame(
        {"name": ["丙"], "category": ["services"], "level": ["municipal"]},
        geometry=[shapely.Point(*PASS_POINT)],
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "sites.shp", engine="pyogrio")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in tmp_path.glob("sites.*"):
            z.write(p, f"folder/{p.name}")
    r = upload(client, csrf, "sites.zip", buf.getvalue())
    assert r.status_code == 200, r.text
    assert r.json()["sites"][0]["name"] == "丙"


def test_kml(client, csrf):
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>丁</name>
<Point><coordinates>{PASS_POINT[0]},{PASS_POINT[1]}</coordinates></Point></Placemark>
</Document></kml>"""
    r = upload(client, csrf, "d.kml", kml.encode(), default_category="制造业",
               default_level="市级")  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["sites"][0]["name"] == "丁"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "status", "word"),
    [
        ("a.csv", b"", 400, "文件为空"),
        ("a.csv", b"PK\x03\x04garbage", 400, "已损坏"),
        ("a.csv", _zip({"a.shp": b"x"}), 415, "不符"),
        ("a.geojson", b"\x00\x01\x02binary", 400, "无法识别文件格式"),
        ("a.exe", b"name,lon,lat\n", 415, "不符"),
        ("evil.zip", _zip({"../../etc/passwd.shp": b"x"}), 400, "不安全的路径"),
        ("evil.zip", _zip({"/abs/a.shp": b"x"}), 400, "不安全的路径"),
        ("bomb.zip", _zip({"a.shp": b"\x00" * (120 * 1024 * 1024)}), 413, "解压后过大"),
        (
            "two.zip",
            _zip({"a.shp": b"x", "b.shp": b"y", "a.shx": b"", "a.dbf": b""}),
            400,
            "2 个图层",
        ),  # fmt: skip
        ("none.zip", _zip({"readme.txt": b"hi"}), 400, "没有 Shapefile"),
        ("a.geojson", b'{"no": "type"}', 400, "无法识别文件格式"),
        ("a.csv", "名称,经度,纬度\n甲,abc,30\n".encode(), 400, "a.csv"),
    ],
)
def test_bad_uploads_are_4xx_naming_the_users_file(client, csrf, name, data, status, word):
    r = upload(client, csrf, name, data, default_category="制造业", default_level="市级")
    assert r.status_code == status, r.text
    msg = json.dumps(r.json(), ensure_ascii=False)
    assert word in msg
    assert "townsgis-upload-" not in msg and "/tmp" not in msg


def test_size_limit(project_copy):
    from fastapi.testclient import TestClient

    from townsgis.project import Project
    from townsgis.web import create_app

    app = create_app(Project.open(project_copy), max_upload_mb=0.1)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        csrf = {"X-CSRF-Token": app.state.settings.csrf_token}
        big = csv_bytes() + b"x" * 200_000
        r = upload(c, csrf, "big.csv", big)
        assert r.status_code == 413 and "文件过大" in r.json()["error"]["message"]


def test_upload_errors_in_english(client, csrf):
    r = client.post("/api/site/upload?lang=en", files={"file": ("a.csv", b"")}, headers=csrf)
    assert r.status_code == 400 and r.json()["error"]["message"] == "The file is empty"


def test_oversized_body_refused_before_it_is_read(project_copy):
    from fastapi.testclient import TestClient

    from townsgis.project import Project
    from townsgis.web import create_app

    app = create_app(Project.open(project_copy), max_upload_mb=0.1)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        csrf = {"X-CSRF-Token": app.state.settings.csrf_token}
        big = b"x" * (3 * 1024 * 1024)
        r = upload(c, csrf, "big.csv", big)  # Content-Length above the limit: refused at once
        assert r.status_code == 413 and "文件过大" in r.json()["error"]["message"]

        def chunks():  # no Content-Length: stopped once the limit has arrived
            yield (b'--zzz\r\nContent-Disposition: form-data; name="file"; '
                   b'filename="a.csv"\r\n\r\n')  # fmt: skip
            for _ in range(40):
                yield b"y" * 100_000

        r = c.post("/api/site/upload", content=chunks(), headers={**csrf,
                   "Content-Type": "multipart/form-data; boundary=zzz"})  # fmt: skip
        assert r.status_code == 413
