"""Acceptance (issue 9): on `map layout` in Chromium, a click in the interior of each of the
14 towns opens that town's own popup (not a city-wide finding's), and no popup in Chinese
mode shows a raw field key or enum value; labels do not overlap at the default zoom."""

from __future__ import annotations

import re

import pytest

from townsgis import vocab
from townsgis.webmap.browser import open_offline

SNAKE = re.compile(r"\\b[a-z]+(?:_[a-z0-9]+)+\\b")


@pytest.fixture(scope="module")
def visit(browser, layout_page):
    v = open_offline(browser, layout_page)
    yield v
    v.page.close()


@pytest.fixture(scope="module")
def towns(bundled):
    """(name_zh, interior point lon/lat) of every town, from the data."""
    from townsgis.dataset import load_dataset

    ds = load_dataset(bundled)
    pts = ds.towns.geometry.representative_point()
    return list(zip(ds.towns["name_zh"], pts.x, pts.y, strict=True))


def _raw_words() -> set[str]:
    out = {"True", "False", "None", "nan"}
    for domain in ("level", "category", "unit_kind", "stage", "severity", "verdict"):
        out |= set(vocab.ids(domain))
    return out


def test_every_town_interior_click_opens_its_own_popup(visit, towns):
    page = visit.page
    assert len(towns) == 14
    box = page.locator(".folium-map").bounding_box()
    for name, lon, lat in towns:
        xy = page.evaluate(
            f"() => {{ const p = window.townsgisMap.map.latLngToContainerPoint([{lat}, {lon}]);"
            " return [p.x, p.y]; }"
        )
        page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5000)
        title = popup.locator("b").first.inner_text()
        assert title == name, f"clicked {name}, got the popup of {title!r}"
        page.evaluate("() => { window.townsgisMap.map.closePopup(); return 0; }")
        page.wait_for_function("!document.querySelector('.leaflet-popup')")  # faded out


def test_no_popup_shows_a_raw_key_or_value(visit):
    """Every popup of every layer, opened in Chinese mode: each row's label is Chinese (no
    raw key), no cell is a raw enum value, nothing is a snake_case identifier."""
    popups = visit.page.evaluate(
        """() => {
            const out = [];
            for (const layer of Object.values(window.townsgisMap.layers)) {
                layer.eachLayer(l => {
                    if (!l.getPopup()) return;
                    l.openPopup();
                    const el = l.getPopup().getElement();
                    out.push(Array.from(el.querySelectorAll('tr')).map(
                        tr => [tr.querySelector('th').innerText,
                               tr.querySelector('td').innerText]));
                    window.townsgisMap.map.closePopup();
                });
            }
            return out;
        }"""
    )
    assert len(popups) >= 14
    raw = _raw_words()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for rows in popups:
        for key, value in rows:
            assert cjk.search(key), f"raw key {key!r}"
            assert value.strip() not in raw, (key, value)
            assert not SNAKE.search(key + " " + value), (key, value)


def test_visible_labels_do_not_overlap_at_the_default_zoom(visit):
    boxes = visit.page.evaluate(
        """() => { window.townsgisDeclutter();
            return Array.from(document.querySelectorAll('.leaflet-tooltip.tg-label'))
                .filter(e => getComputedStyle(e).visibility !== 'hidden')
                .map(e => { const r = e.getBoundingClientRect();
                            return [r.left, r.top, r.right, r.bottom, e.innerText]; }); }"""
    )
    assert len(boxes) >= 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]
            assert not overlap, (a[4], b[4])
