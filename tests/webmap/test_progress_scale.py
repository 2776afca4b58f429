"""The progress map stays usable at 100,000 projects: the projects travel as one compact
columnar payload drawn by one canvas layer (no Leaflet object per project), the page is at
most 10 MB, and it opens in Chromium with the slider working (timing: the benchmark)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from townsgis.dataset import load_dataset
from townsgis.mapmodel.progress import progress_model
from townsgis.webmap.browser import open_offline
from townsgis.webmap.common import render_html
from townsgis.webmap.progress_map import DATA_ID, build_progress_map, encode_histories
from townsgis.webmap.synthetic import synthetic_projects

MAX_BYTES = 10_000_000
N = 100_000
READY = "window.townsgisMap !== undefined && window.townsgisProgress !== undefined"


@pytest.fixture(scope="module")
def big(bundled, tmp_path_factory):
    ds = load_dataset(bundled)
    projects = synthetic_projects(ds.towns, N, seed=1)
    html = render_html(
        build_progress_map(progress_model(dataclasses.replace(ds, projects=projects, _metric={}))),
        "zh",
    )
    path = tmp_path_factory.mktemp("big") / "progress.html"
    path.write_text(html, encoding="utf-8")
    return projects, html, path


def test_100k_projects_fit_in_10_mb_as_one_columnar_payload(big):
    projects, html, _ = big
    size = len(html.encode("utf-8"))
    assert size <= MAX_BYTES, f"{size / 1e6:.1f} MB"
    assert html.count('{"type":"Point"') == 0  # no GeoJSON feature per project
    start = html.index(f'id="{DATA_ID}">') + len(f'id="{DATA_ID}">')
    data = json.loads(html[start : html.index("</script>", start)])
    assert len(data["dx"]) == len(data["h"]) == len(data["name"]) == N
    assert data["towns"] and max(data["t"]) < len(data["towns"])  # towns named once
    lon = (data["x0"] + data["dx"][7]) / 10 ** data["decimals"]
    assert lon == pytest.approx(projects.geometry.x.iloc[7], abs=1e-5)


def test_100k_map_opens_and_the_slider_restyles_every_project(big, browser):
    from townsgis.progress import parse_history, stage_at

    projects, _, path = big
    hist = parse_history(projects)
    q0 = int(hist["quarter"].min())
    visit = open_offline(browser, path, ready_js=READY)
    try:
        page = visit.page
        assert visit.page_errors == [] and visit.external_requests == []
        assert page.evaluate("window.townsgisProgress.count()") == N
        for i in (0, 5):
            page.locator("#tg-slider input[type=range]").fill(str(i))
            got = page.evaluate("window.townsgisProgress.counts()")
            st = stage_at(projects, q0 + i, hist)
            assert got["shown"] == int(st.notna().sum())
            assert got["stages"][0] == int((st == "reserve").sum())
        drawn = page.evaluate("performance.getEntriesByName('tg-projects-drawn').length")
        assert drawn >= 1
    finally:
        visit.page.close()


def test_histories_encoded_in_time_order_without_repeats():
    import pandas as pd

    from townsgis.progress import parse_history, parse_quarter

    projects = pd.DataFrame(
        {
            "project_id": ["a", "b"],
            "stage_history": [
                "2018Q1:reserve;2018Q1:reserve;2018Q3:approval;2019Q2:construction",
                "2019Q4:approval;2020Q1:operation",
            ],
        }
    )
    hist = parse_history(projects)
    q0 = parse_quarter("2018Q1")
    assert encode_histories(hist, projects.index, q0) == ["0r2a5c", "7a8o"]


def test_synthetic_projects_lie_in_their_own_towns(bundled):
    """The generator's projects pass the schema's inside-its-own-town check (all of them)."""
    from townsgis.schema import validate_layer

    ds = load_dataset(bundled)
    big = synthetic_projects(ds.towns, 20_000, seed=2)
    clean, _ = validate_layer(big, "projects", source="synthetic", project=bundled, towns=ds.towns)
    assert len(clean) == 20_000
    assert big["synthetic"].all()
    assert big["name_zh"].str.contains("synthetic").all()
