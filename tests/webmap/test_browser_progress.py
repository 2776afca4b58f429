"""The progress map in headless Chromium: canvas project layer, quarter slider, stalled
projects (issue 4). Expected numbers come from ``townsgis.progress``, not constants."""

from __future__ import annotations

import pytest

from townsgis.vocab import STAGES
from townsgis.webmap.browser import open_offline

READY = "window.townsgisMap !== undefined && window.townsgisProgress !== undefined"


@pytest.fixture(scope="module")
def data(bundled):
    from townsgis.dataset import load_dataset
    from townsgis.progress import parse_history

    ds = load_dataset(bundled)
    hist = parse_history(ds.projects)
    return ds, hist


def expected_counts(ds, hist, quarter: int) -> dict:
    from townsgis.progress import stage_at, stalled

    st = stage_at(ds.projects, quarter, hist)
    return {
        "stages": [int((st == s).sum()) for s in STAGES],
        "stalled": len(stalled(ds.projects, quarter, hist=hist)),
        "shown": int(st.notna().sum()),
    }


@pytest.fixture(scope="module")
def visit(browser, progress_page, artifacts):
    v = open_offline(browser, progress_page, ready_js=READY)
    v.page.screenshot(path=str(artifacts / "webmap-progress.png"))
    v.page.evaluate(
        """() => { const m = window.townsgisMap;
                   window.__view = [m.map.getCenter(), m.map.getZoom()];
                   m.map.fitBounds(m.layers.towns.getLayers()[0].getBounds(), {maxZoom: 14,
                                   animate: false}); return 0; }"""
    )
    v.page.wait_for_timeout(300)
    v.page.screenshot(path=str(artifacts / "webmap-progress-town.png"))
    v.page.evaluate(  # back to the default extent
        "() => { window.townsgisMap.map.setView(window.__view[0], window.__view[1], "
        "{animate: false}); return 0; }"
    )
    v.page.wait_for_timeout(300)
    yield v
    v.page.close()


def test_opens_offline_without_errors_or_requests(visit):
    assert visit.page_errors == []
    assert visit.console_errors == []
    assert visit.blocked == [] and visit.external_requests == []
    assert visit.page.locator(".folium-map").is_visible()


def test_every_project_is_on_one_canvas_layer(visit, data):
    ds, _ = data
    page = visit.page
    assert page.evaluate("window.townsgisProgress.count()") == len(ds.projects)
    assert page.evaluate("document.querySelectorAll('canvas.leaflet-zoom-animated').length") >= 1
    assert page.evaluate("document.querySelectorAll('path.tg-town').length") == len(ds.towns)


def test_initial_quarter_counts_match_progress_module(visit, data):
    from townsgis.progress import as_of_quarter, format_quarter

    ds, hist = data
    q = as_of_quarter(hist)
    assert visit.page.evaluate("window.townsgisProgress.quarter()") == format_quarter(q)
    got = visit.page.evaluate("window.townsgisProgress.counts()")
    assert got == expected_counts(ds, hist, q)
    assert got["stalled"] > 0  # the sample has stalled projects to mark


@pytest.mark.parametrize("offset", [0, 4, 9])
def test_slider_moves_projects_through_the_stages(visit, data, offset):
    from townsgis.progress import format_quarter

    ds, hist = data
    quarters = visit.page.evaluate("window.townsgisProgress.quarters")
    assert quarters[0] == format_quarter(int(hist["quarter"].min()))
    i = min(offset, len(quarters) - 1)
    slider = visit.page.locator("#tg-slider input[type=range]")
    slider.fill(str(i))  # fires input, as a user dragging the slider would
    got = visit.page.evaluate("window.townsgisProgress.counts()")
    assert got == expected_counts(ds, hist, int(hist["quarter"].min()) + i)
    assert format_quarter(int(hist["quarter"].min()) + i) in visit.page.inner_text("#tg-slider")
    # the title's project count is the pipeline at that quarter, as the slider panel's sum
    n = visit.page.inner_text("#tg-title .tg-n").replace(",", "")
    assert int(n) == got["shown"] == sum(got["stages"])


def test_unit_popup_summarises_the_unit(visit):
    text = visit.page.evaluate(
        """() => {
            const lyr = window.townsgisMap.layers.units.getLayers()[0];
            lyr.openPopup();
            const t = lyr.getPopup().getElement().innerText;
            window.townsgisMap.map.closePopup();
            return t;
        }"""
    )
    assert "项目数" in text and "已完成投资" in text and "%" in text


def test_clicking_a_project_opens_its_popup(visit, data):
    """A real click on a project's circle (drawn on a canvas that takes no clicks) opens
    that project's popup, built from the page's data."""
    ds, _ = data
    page = visit.page
    page.evaluate("() => { window.townsgisMap.map.closePopup(); return 0; }")
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')", timeout=5000)
    n_q = len(page.evaluate("window.townsgisProgress.quarters"))
    page.locator("#tg-slider input[type=range]").fill(str(n_q - 1))
    i = page.evaluate(
        """() => { const p = window.townsgisProgress, s = window.townsgisMap.map.getSize();
            for (let i = 0; i < p.count(); i++) {
              const xy = p.point(i);
              if (p.style(i).fill && xy.x > 50 && xy.y > 150 && xy.x < s.x - 250
                  && xy.y < s.y - 200 && p.projectAt(p.latLng(i).lat, p.latLng(i).lng) === i)
                return i; }
            return -1; }"""
    )
    assert i >= 0
    xy = page.evaluate(f"window.townsgisProgress.point({i})")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    text = popup.inner_text()
    page.evaluate("() => { window.townsgisMap.map.closePopup(); return 0; }")
    row = ds.projects.iloc[i]
    assert text.startswith(row["name_zh"])
    assert "项目编号" in text and row["project_id"] in text and "总投资" in text


@pytest.mark.parametrize("offset", [2, 12])
def test_each_project_coloured_by_its_stage_and_stalled_ones_marked(visit, data, offset):
    from townsgis.mapmodel.progress import STALLED_COLOUR as STALLED_COLOR
    from townsgis.progress import stage_at, stalled
    from townsgis.vocab import colours

    STAGE_COLORS = colours("stage")

    ds, hist = data
    n_q = len(visit.page.evaluate("window.townsgisProgress.quarters"))
    i = min(offset, n_q - 1)
    q = int(hist["quarter"].min()) + i
    styles = visit.page.evaluate(
        f"""() => {{
            const p = window.townsgisProgress;
            p.setQuarter({i});
            const out = [];
            for (let i = 0; i < p.count(); i++) {{
                const s = p.style(i);
                out.push([i, s.fill, s.fillColor, s.stroke, s.color]);
            }}
            return out;
        }}"""
    )
    stage = stage_at(ds.projects, q, hist).tolist()
    stuck = set(stalled(ds.projects, q, hist=hist)["project_id"])
    ids = ds.projects["project_id"].tolist()
    for idx, fill, fill_color, stroke, color in styles:
        if stage[idx] is None:
            assert fill is False and stroke is False  # not yet in the library: hidden
            continue
        assert fill is True and fill_color == STAGE_COLORS[stage[idx]]
        assert (color == STALLED_COLOR and stroke) == (ids[idx] in stuck)


def test_slider_to_2018q1_changes_the_title(visit):
    page = visit.page
    quarters = page.evaluate("window.townsgisProgress.quarters")
    assert "2018Q1" in quarters
    page.locator("#tg-slider input[type=range]").fill(str(quarters.index("2018Q1")))
    title = page.inner_text("#tg-title h1")
    assert "2018Q1" in title
    assert "2018Q1" in page.inner_text("#tg-title")
    page.locator("#tg-slider input[type=range]").fill(str(len(quarters) - 1))
    assert quarters[-1] in page.inner_text("#tg-title h1")


def test_clicking_a_county_shows_its_summary_at_the_slider_quarter(visit, data):
    from townsgis.progress import parse_quarter, stage_at

    ds, hist = data
    page = visit.page
    quarters = page.evaluate("window.townsgisProgress.quarters")
    page.locator("#tg-slider input[type=range]").fill(str(quarters.index("2018Q1")))
    row = ds.units[ds.units["unit_id"] == "330523"].iloc[0]  # 安吉县
    pt = row.geometry.representative_point()
    box = page.locator(".folium-map").bounding_box()
    xy = page.evaluate(
        f"() => {{ const p = window.townsgisMap.map.latLngToContainerPoint([{pt.y}, {pt.x}]);"
        " return [p.x, p.y]; }"
    )
    # popups closed by earlier tests fade out for 200 ms before Leaflet removes them
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')", timeout=5000)
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    text = popup.inner_text()
    page.evaluate("() => { window.townsgisMap.map.closePopup(); return 0; }")
    assert text.startswith(row["name_zh"])
    for word in ("季度", "小镇数", "项目数", "谋划储备", "停滞项目", "总投资", "已完成投资"):
        assert word in text, word
    assert "2018Q1" in text
    towns = ds.towns[ds.towns["unit_id"] == "330523"]["town_id"]
    st = stage_at(ds.projects, parse_quarter("2018Q1"), hist)
    n = int((st.notna() & ds.projects["town_id"].isin(towns)).sum())
    assert f"项目数\t{n}" in text


def test_slider_panel_covers_no_land(visit):
    page = visit.page
    page.evaluate("() => { window.townsgisMap.map.closePopup(); return 0; }")
    hits = page.evaluate(
        """() => { const r = document.getElementById('tg-slider').getBoundingClientRect();
            let n = 0;
            for (let x = r.left + 2; x < r.right; x += 8)
              for (let y = r.top + 2; y < r.bottom; y += 8)
                for (const el of document.elementsFromPoint(x, y))
                  if (el.matches && el.matches('path.tg-unit')) n++;
            return n; }"""
    )
    assert hits == 0
