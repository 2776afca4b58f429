"""Offline by default (issue 4): every JS/CSS asset is vendored with its licence and inlined;
no CDN reference remains in the HTML."""

from __future__ import annotations

import re

import pytest

from townsgis.webmap.assets import _VENDORED, VENDOR, check_offline, inline_assets

URL = re.compile(r"https?://[^\s\"'()<>\\]+")
# A comment in folium's own MeasureControl template (text, not a resource).
FOLIUM_COMMENTS = {"https://github.com/ljagis/leaflet-measure/issues/171"}


def _vendored_urls() -> set[str]:
    """URLs that occur inside the vendored files themselves (SVG namespace, comments, the
    Leaflet attribution link): text, not resources the page loads."""
    urls: set[str] = set()
    for p in VENDOR.rglob("*"):
        if p.suffix in (".js", ".css"):
            urls |= set(URL.findall(p.read_text(encoding="utf-8")))
    return urls


def test_every_vendored_folder_has_its_licence():
    folders = {rel.split("/")[0] for rel in _VENDORED.values()}
    for folder in folders:
        licence = VENDOR / folder / "LICENSE"
        assert licence.is_file(), folder
        assert "Permission" in licence.read_text() or "Redistribution" in licence.read_text()
    assert (VENDOR / "README.md").is_file()


def test_layout_html_has_no_external_reference(layout_page):
    html = layout_page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert not re.search(r"<link[^>]*\bhref=", html)
    stray = set(URL.findall(html)) - _vendored_urls() - FOLIUM_COMMENTS
    assert stray == set(), stray
    check_offline(html)


def test_progress_html_has_no_external_reference(progress_page):
    html = progress_page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert set(URL.findall(html)) - _vendored_urls() - FOLIUM_COMMENTS == set()


def test_css_images_are_data_uris(layout_page):
    html = layout_page.read_text(encoding="utf-8")
    urls = re.findall(r"url\(\s*[\"']?([^\"')]+)", html)
    assert urls, "leaflet.css has url() images"
    assert all(u.startswith(("data:", "#")) for u in urls), [u[:40] for u in urls]


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>',
        '<link rel="stylesheet" href="https://cdn.example.org/x.css"/>',
        "<style>.a{background:url(https://example.org/a.png)}</style>",
        '<img src="//example.org/a.png">',
        "<style>@import 'x.css';</style>",
    ],
)
def test_check_offline_rejects_external_resources(snippet):
    with pytest.raises(RuntimeError, match="external"):
        check_offline(f"<html><head>{snippet}</head></html>")


def test_unvendored_plugin_asset_is_refused():
    import folium
    from folium import plugins

    m = folium.Map(tiles=None)
    plugins.MarkerCluster().add_to(m)
    with pytest.raises(RuntimeError, match="not vendored"):
        inline_assets(m)


def test_chinese_measure_control_for_zh(layout_page):
    html = layout_page.read_text(encoding="utf-8")
    assert "leaflet-measure/leaflet-measure.cn.js" in html
    assert "测量距离和面积" in html
