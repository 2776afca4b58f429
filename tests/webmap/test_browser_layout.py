"""The layout map in headless Chromium, from file:// with the network blocked (issue 4)."""

from __future__ import annotations

import re

import pytest

from townsgis.webmap.browser import open_offline


@pytest.fixture(scope="module")
def model(bundled):
    from townsgis.mapmodel.layout import load_layout_model

    return load_layout_model(bundled, lang="zh")


@pytest.fixture(scope="module")
def expected(bundled, model):
    """What the map must show, computed from the data, the rule engine and the map model
    (not hard-coded)."""
    from townsgis.dataset import load_dataset
    from townsgis.engine import run_rules
    from townsgis.ruleset import load_ruleset
    from townsgis.webmap.api import proposal_verdicts

    rs = load_ruleset(bundled.ruleset_path(None))
    ds = load_dataset(bundled, crs_override=rs.analysis_crs)
    run_rules(ds, rs)
    verdicts = [v["status"] for v in proposal_verdicts(ds, rs)]
    drawn = model.layer("findings").features + model.layer("city_wide").features
    states = [f.data["state"] for f in drawn]
    return {
        "pass": verdicts.count("pass"),
        "fail": verdicts.count("fail"),
        "towns": len(ds.towns),
        "units": len(ds.units),
        "proposals": 0 if ds.proposals is None else len(ds.proposals),
        "findings": len(drawn),
        "city_wide": len(model.layer("city_wide").features),
        "waived": states.count("waived"),
        "errors": states.count("error"),
        "warnings": states.count("warning"),
        "town_findings": len({it.ref for it in model.findings if it.placement == "town"}),
    }


@pytest.fixture(scope="module")
def visit(browser, layout_page, artifacts):
    v = open_offline(browser, layout_page)
    v.page.screenshot(path=str(artifacts / "webmap-layout.png"))
    yield v
    v.page.close()


def count(page, selector: str) -> int:
    return page.evaluate(f"document.querySelectorAll({selector!r}).length")


def test_opens_offline_without_errors_or_requests(visit):
    assert visit.page_errors == []
    assert visit.console_errors == []
    assert visit.blocked == []
    assert visit.external_requests == []


def test_map_container_is_visible(visit):
    box = visit.page.locator(".folium-map").bounding_box()
    assert box is not None and box["width"] > 800 and box["height"] > 500
    assert visit.page.locator(".folium-map").is_visible()


def test_towns_units_and_proposals_are_drawn(visit, expected):
    assert count(visit.page, "path.tg-town") == expected["towns"]
    assert count(visit.page, "path.tg-unit") == expected["units"]
    assert count(visit.page, "path.tg-proposal") == expected["proposals"]
    assert count(visit.page, "path.tg-zone") >= 1  # functional zones hatched


def test_proposals_marked_pass_or_fail_as_siting_judges_them(visit, expected):
    assert expected["pass"] + expected["fail"] == expected["proposals"] > 0
    assert count(visit.page, "path.tg-proposal-pass") == expected["pass"]
    assert count(visit.page, "path.tg-proposal-fail") == expected["fail"]


def test_findings_drawn_and_styled_by_severity_and_waiver(visit, expected):
    assert expected["findings"] > 0
    assert count(visit.page, "path.tg-finding") == expected["findings"]
    assert count(visit.page, "path.tg-town-finding") == expected["town_findings"] > 0
    assert count(visit.page, "path.tg-finding.tg-sev-waived") == expected["waived"]
    assert count(visit.page, "path.tg-finding.tg-sev-error") == expected["errors"]
    assert count(visit.page, "path.tg-finding.tg-sev-warning") == expected["warnings"]
    styles = visit.page.evaluate(
        """() => ['error', 'warning', 'waived'].map(k => {
            const p = document.querySelector('path.tg-sev-' + k);
            return p ? p.getAttribute('stroke') + '|' + p.getAttribute('stroke-dasharray') : k;
        })"""
    )
    present = [s for s, k in zip(styles, ("error", "warning", "waived"), strict=True) if s != k]
    assert len(set(present)) == len(present), styles  # each kind looks different


def test_city_wide_findings_are_listed_and_take_no_clicks(visit, expected, model):
    page = visit.page
    assert count(page, "path.tg-city-wide") == expected["city_wide"] > 0
    events = page.evaluate(
        """() => Array.from(document.querySelectorAll('path.tg-city-wide'))
                     .map(p => getComputedStyle(p).pointerEvents)"""
    )
    assert set(events) == {"none"}
    title = page.inner_text("#tg-title")
    for it in model.listed_findings():
        assert it.line() in title


def test_distance_label_on_spacing_line(visit):
    labels = visit.page.evaluate(
        "Array.from(document.querySelectorAll('.tg-dist-label')).map(e => e.textContent)"
    )
    # "4.12 km [3]", or "4.12 km 示例豁免 [10]" on a pair waived by the sample waiver
    pattern = r"\d+\.\d\d km( 示例豁免)? \[\d+\]$"
    assert labels and all(re.match(pattern, lbl) for lbl in labels), labels


def test_controls_legend_and_title(visit):
    page = visit.page
    assert count(page, ".leaflet-control-layers") == 1
    assert count(page, ".leaflet-control-scale") == 1
    assert count(page, ".leaflet-control-zoom-fullscreen, .fullscreen-icon") >= 1
    assert count(page, ".leaflet-control-measure") == 1
    legend = page.inner_text("#tg-legend")
    assert "制造类" in legend and "已豁免" in legend
    scale = page.inner_text(".leaflet-control-scale")
    assert "km" in scale and "mi" not in scale and "ft" not in scale  # metric only
    title = page.inner_text("#tg-title")
    assert "huzhou-2018" in title and "小镇位置和边界为近似" in title and "合成" in title


def test_spacing_buffers_toggle_on(visit, expected):
    page = visit.page
    assert count(page, "path.tg-buffer") == 0  # off by default
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="间距缓冲区")
    toggle.click()
    assert count(page, "path.tg-buffer") >= expected["towns"]
    toggle.click()
    assert count(page, "path.tg-buffer") == 0


def test_town_popup_is_a_labelled_table(visit):
    text = visit.page.evaluate(
        """() => {
            const lyr = window.townsgisMap.layers.towns.getLayers()[0];
            lyr.openPopup();
            const t = lyr.getPopup().getElement().innerText;
            window.townsgisMap.map.closePopup();
            return t;
        }"""
    )
    for label in ("小镇编号", "级别", "类别", "投资主体", "位置近似"):
        assert label in text


def test_taihu_is_drawn_named_and_takes_no_clicks(visit):
    page = visit.page
    assert count(page, "path.tg-water") >= 1
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('.tg-water-label')).map(e => e.textContent)"
    )
    assert "太湖" in labels
    events = page.evaluate(
        "getComputedStyle(document.querySelector('path.tg-water')).pointerEvents"
    )
    assert events == "none"
    assert "水域" in page.inner_text("#tg-legend")
