"""Fixtures for the web-map tests: maps of the bundled project built once, a headless system
Chromium (the tests FAIL, never skip, when it is missing: CI installs it), an XSS project."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from townsgis.project import Project

XSS = '<img src=x onerror="window.__xss=1">'
# folium/branca re-parse rendered scripts as Jinja templates: text like this must stay text.
JINJA = "{{ 7*7 }}{% if 1 %}x{% endif %}"


@pytest.fixture(scope="session")
def bundled() -> Project:
    return Project.open(None)


@pytest.fixture(scope="session")
def layout_page(tmp_path_factory, bundled) -> Path:
    """The bundled project's layout map (zh, no tiles) written to a temporary file."""
    from townsgis.webmap.api import layout_html

    path = tmp_path_factory.mktemp("maps") / "layout.html"
    path.write_text(layout_html(bundled, lang="zh"), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def progress_page(tmp_path_factory, bundled) -> Path:
    """The bundled project's progress map (zh, no tiles, latest quarter)."""
    from townsgis.webmap.api import progress_html

    path = tmp_path_factory.mktemp("maps") / "progress.html"
    path.write_text(progress_html(bundled, lang="zh"), encoding="utf-8")
    return path


def _edit_geojson(path: Path, fn) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    fn(data["features"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def xss_project(project_copy: Path) -> Path:
    """A copy of the bundled project whose user text carries an XSS payload: a town's name
    (the waived spacing pair's HZ-09), a project's name, a proposal's name and note, and the
    waiver reason; and another town (HZ-01) named with Jinja template syntax."""

    def town(features):
        for f in features:
            if f["properties"]["town_id"] == "HZ-09":
                f["properties"]["name_zh"] = XSS
                f["properties"]["name_en"] = XSS
            if f["properties"]["town_id"] == "HZ-01":
                f["properties"]["name_zh"] = JINJA

    def project(features):
        features[0]["properties"]["name_zh"] = XSS

    def proposal(features):
        features[0]["properties"]["note"] = XSS
        key = "name_zh" if "name_zh" in features[0]["properties"] else "name"
        features[0]["properties"][key] = XSS

    _edit_geojson(project_copy / "layers" / "towns.geojson", town)
    _edit_geojson(project_copy / "layers" / "projects.geojson", project)
    _edit_geojson(project_copy / "layers" / "proposals.geojson", proposal)
    w = project_copy / "layers" / "waivers.toml"
    text = w.read_text(encoding="utf-8")
    w.write_text(
        re.sub(r'(?m)^reason = ".*"$', "reason = " + json.dumps(XSS), text), encoding="utf-8"
    )
    return project_copy
