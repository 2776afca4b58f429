"""The layout map in headless Chromium, from file:// with the network blocked (issue 4)."""

from __future__ import annotations

import re

import pytest

from townsgis.webmap.browser import open_offline


@pytest.fixture(scope="module")
def expected(bundled):
    """What the map must show, computed from the data and the rule engine (not hard-coded)."""
    from townsgis.dataset import load_dataset
    from townsgis.engine import run_rules
    from townsgis.ruleset import load_ruleset
    from townsgis.webmap.api import proposal_verdicts

    rs = load_ruleset(bundled.ruleset_path(None))
    ds = load_dataset(bundled, crs_override=rs.analysis_crs)
    findings = run_rules(ds, rs).findings
    drawn = [f for f in findings if f.geometry is not None and not f.geometry.is_empty]
    verdicts = [v["status"] for v in proposal_verdicts(ds, rs, bundled.layer_path("proposals"))]
    return {
        "pass": verdicts.count("pass"),
        "fail": verdicts.count("fail"),
        "towns": len(ds.towns),
        "units": len(ds.units),
        "proposals": 0 if ds.proposals is None else len(ds.proposals),
        "findings": len(drawn),
        "waived": sum(f.waived for f in drawn),
        "errors": sum((not f.waived) and f.severity == "error" for f in drawn),
        "warnings": sum((not f.waived) and f.severity == "warning" for f in drawn),
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
    assert expected["pass"] > 0 and expected["fail"] > 0  # the sample has both
    assert count(visit.page, "path.tg-proposal-pass") == expected["pass"]
    assert count(visit.page, "path.tg-proposal-fail") == expected["fail"]


def test_findings_drawn_and_styled_by_severity_and_waiver(visit, expected):
    assert expected["findings"] > 0
    assert count(visit.page, "path.tg-finding") == expected["findings"]
    assert count(visit.page, "path.tg-sev-waived") == expected["waived"]
    assert count(visit.page, "path.tg-sev-error") == expected["errors"]
    assert count(visit.page, "path.tg-sev-warning") == expected["warnings"]
    styles = visit.page.evaluate(
        """() => ['error', 'warning', 'waived'].map(k => {
            const p = document.querySelector('path.tg-sev-' + k);
            return p ? p.getAttribute('stroke') + '|' + p.getAttribute('stroke-dasharray') : k;
        })"""
    )
    present = [s for s, k in zip(styles, ("error", "warning", "waived"), strict=True) if s != k]
    assert len(set(present)) == len(present), styles  # each kind looks different


def test_distance_label_on_spacing_line(visit):
    labels = visit.page.evaluate(
        "Array.from(document.querySelectorAll('.tg-dist-label')).map(e => e.textContent)"
    )
    # "4.12 km", or "4.12 km 示例豁免" on a pair waived by the sample waiver (review item 7)
    assert labels and all(re.match(r"\d+\.\d\d km( 示例豁免)?$", lbl) for lbl in labels), labels


def test_controls_legend_and_title(visit):
    page = visit.page
    assert count(page, ".leaflet-control-layers") == 1
    assert count(page, ".leaflet-control-scale") == 1
    assert count(page, ".leaflet-control-zoom-fullscreen, .fullscreen-icon") >= 1
    assert count(page, ".leaflet-control-measure") == 1
    legend = page.inner_text("#tg-legend")
    assert "制造类" in legend and "已豁免" in legend
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


def test_town_popup_lists_every_attribute(visit):
    page = visit.page
    html = page.evaluate(
        """() => {
            const lyr = window.townsgisMap.layers.towns.getLayers()[0];
            lyr.openPopup();
            return lyr.getPopup().getElement().innerText;
        }"""
    )
    for key in ("town_id", "level", "category", "investor", "approximate"):
        assert key in html
    page.evaluate("window.townsgisMap.map.closePopup()")
