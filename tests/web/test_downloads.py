"""Downloads: print maps (PDF, PNG, SVG) of the layout, a site and the feasible area, made
as `townsgis export` makes them; findings as GeoJSON, GeoPackage and XLSX. Nothing written
into the (read-only) sample project."""

from __future__ import annotations

import io
import subprocess

import pytest

from tests.web.points import GAP_TOWN_NAME, gap_point


def test_findings_files(client, tmp_path):
    import geopandas as gpd
    from openpyxl import load_workbook

    n = len(client.get("/api/check").json()["findings"])
    g = client.get("/download/findings.geojson")
    assert g.status_code == 200 and len(g.json()["features"]) == n
    assert "attachment" in g.headers["content-disposition"]
    p = client.get("/download/findings.gpkg")
    assert p.status_code == 200
    (tmp_path / "f.gpkg").write_bytes(p.content)
    gdf = gpd.read_file(tmp_path / "f.gpkg", layer="findings")
    assert len(gdf) == n and gdf.crs.to_epsg() == 4326
    x = client.get("/download/findings.xlsx")
    ws = load_workbook(io.BytesIO(x.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["规则", "条款", "严重程度"] and ws.max_row == n + 1
    assert {ws.cell(r, 3).value for r in range(2, n + 2)} <= {"错误", "警告", "提示"}
    en = load_workbook(io.BytesIO(client.get("/download/findings.xlsx?lang=en").content)).active
    assert en.cell(1, 3).value == "severity"
    assert client.get("/download/findings.shp").status_code == 422


def test_site_print_map_pdf_names_the_finding(client, tmp_path):
    lon, lat = gap_point()
    r = client.get("/download/site.pdf", params={"lon": lon, "lat": lat,
                   "category": "制造业", "level": "市级", "name": "候选"})  # fmt: skip
    assert r.status_code == 200, r.text[:300]
    assert r.content[:5] == b"%PDF-" and r.headers["content-type"] == "application/pdf"
    (tmp_path / "s.pdf").write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "§3.1.2a" in text and GAP_TOWN_NAME in text


@pytest.mark.parametrize(
    ("path", "params", "magic"),
    [
        ("/download/layout.svg", {}, b"<?xml"),
        ("/download/feasible.png", {"category": "制造业", "dpi": 50}, b"\x89PNG"),
    ],
)
def test_print_maps(client, path, params, magic):
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text[:300]
    assert r.content.startswith(magic)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/download/layout.bmp", {}, 422),
        ("/download/layout.png", {"dpi": 5000}, 422),
        ("/download/site.png", {"lon": 100, "lat": 30, "category": "制造业"}, 400),
        ("/download/feasible.svg", {"category": "制造业", "unit": "火星区"}, 400),
    ],
)
def test_bad_download_requests(client, path, params, status):
    r = client.get(path, params=params)
    assert r.status_code == status and r.json()["error"]["message"]


def test_nothing_written_into_the_sample(client, sample_app):
    from townsgis.project import bundled_root

    maps = bundled_root() / "maps"
    before = sorted(p.name for p in maps.iterdir()) if maps.is_dir() else []
    client.get("/download/layout.svg")
    after = sorted(p.name for p in maps.iterdir()) if maps.is_dir() else []
    assert before == after
