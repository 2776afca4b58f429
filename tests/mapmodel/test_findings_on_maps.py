"""Where findings show on a map (one definition for web and print): numbered in order
(errors, warnings, waived last), city-wide ones listed only, town findings on their town,
unit findings on their unit, spacing lines labelled with their distance (issue 9)."""

from __future__ import annotations

import pytest
import shapely

from townsgis.findings import Finding
from townsgis.mapmodel.findings import CITY_WIDE_SHARE, distance_label, is_city_wide
from townsgis.mapmodel.layout import LayoutInputs, layout_model


def _model(ds, findings, lang="zh"):
    inp = LayoutInputs(units=ds.units, towns=ds.towns, crs=ds.metric_crs, findings=findings)
    return layout_model(inp, lang=lang)


def _f(geometry=None, *, rule="R", clause="§3.1.3", severity="error", towns=(), **kw):
    return Finding(
        rule, clause, severity, [{"id": t, "name_zh": t} for t in towns], "问题", "problem",
        geometry=geometry, **kw,
    )  # fmt: skip


def test_city_wide_is_one_share_of_the_mapped_area_exactly_at_the_edge():
    assert is_city_wide(CITY_WIDE_SHARE * 1000.0, 1000.0)
    assert not is_city_wide(CITY_WIDE_SHARE * 1000.0 - 1e-6, 1000.0)
    assert not is_city_wide(5.0, 0.0)


def test_a_polygon_at_the_share_is_listed_and_just_below_is_drawn(ds):
    city = ds.metric("units").union_all()
    minx, miny, maxx, maxy = city.bounds
    # cut the city at the x where exactly CITY_WIDE_SHARE of its area lies west of it
    lo, hi = minx, maxx
    for _ in range(60):
        mid = (lo + hi) / 2
        share = city.intersection(shapely.box(minx, miny, mid, maxy)).area / city.area
        lo, hi = (mid, hi) if share < CITY_WIDE_SHARE else (lo, mid)
    at = city.intersection(shapely.box(minx, miny, hi, maxy))
    below = city.intersection(shapely.box(minx, miny, lo - 200, maxy))
    m = _model(ds, [_f(at), _f(below)])
    assert [(it.placement, it.city_wide) for it in m.findings] == [
        ("listed", True),
        ("area", False),
    ]
    wide = m.layer("city_wide")
    assert wide is not None and not wide.interactive  # outline only, no click target
    assert [f.ref for f in m.layer("findings").features] == ["2"]


def test_numbers_order_and_placements(ds):
    towns = ds.metric("towns")
    t1 = towns.geometry.iloc[0]
    a, b = towns.geometry.centroid.iloc[:2]
    line = shapely.LineString([a, b])
    findings = [
        _f(line, rule="SP", severity="warning", measured=line.length, extra={"unit": "m"}),
        _f(None, rule="COUNT", clause="§3.1.1a"),
        _f(t1, rule="SCENIC", severity="warning", towns=[towns["town_id"].iloc[0]]),
        _f(None, rule="CAP", clause="§3.1.1c", unit="330502"),
        _f(line, rule="SP2", waived=True, waiver={"reason": "r"}),
    ]
    m = _model(ds, findings)
    got = [(it.number, it.finding.rule, it.placement, it.state) for it in m.findings]
    assert got == [
        (1, "COUNT", "listed", "error"),
        (2, "CAP", "unit", "error"),
        (3, "SP", "line", "warning"),
        (4, "SCENIC", "town", "warning"),
        (5, "SP2", "line", "waived"),
    ]
    town = m.layer("towns").features[0]
    assert town.numbers == [4] and town.label_text().endswith("[4]")
    assert "tg-sev-warning" in town.style.css
    unit = next(f for f in m.layer("units").features if f.ref == "330502")
    assert unit.numbers == [2]
    lines = [f for f in m.layer("findings").features if f.data["placement"] == "line"]
    assert lines[0].label == f"{line.length / 1000:.2f} km"
    assert lines[1].style.stroke != lines[0].style.stroke  # waived looks different
    assert [it.number for it in m.listed_findings()] == [1]


@pytest.mark.parametrize(
    ("measured", "unit", "label"),
    [(4999.5, "m", "5.00 km"), (5000, "m", "5.00 km"), (3.2, "km", "3.20 km"), ("x", "m", None)],
)
def test_distance_label(measured, unit, label):
    f = Finding("r", "§3.1.2c", "error", [], "", "", measured=measured, extra={"unit": unit})
    assert distance_label(f) == label


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sample_waiver_is_marked_in_popup_and_label(ds, lang):
    from townsgis import vocab

    a, b = ds.metric("towns").geometry.centroid.iloc[:2]
    line = shapely.LineString([a, b])
    waiver = {"reason": "论证同意", "sample": True}
    f = _f(line, rule="SP", waived=True, waiver=waiver, measured=4000.0, extra={"unit": "m"})
    real = _f(line, rule="SP", waived=True, waiver={"reason": "x"}, measured=4000.0,
              extra={"unit": "m"})  # fmt: skip
    m = _model(ds, [f, real], lang)
    word = vocab.label("finding_state", "sample_waiver", lang)
    sample_f, real_f = m.layer("findings").features
    assert word in sample_f.label and word in sample_f.popup.title
    assert word not in real_f.label and word not in real_f.popup.title
    assert "论证同意" in dict(sample_f.popup.rows).values()


def test_to_dict_is_json_with_styles_and_popups(ds):
    import json

    m = _model(ds, [_f(None)])
    d = json.loads(json.dumps(m.to_dict(), ensure_ascii=False))
    layer = {ly["id"]: ly for ly in d["layers"]}["towns"]
    feat = layer["geojson"]["features"][0]
    assert feat["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = feat["geometry"]["coordinates"][0][0][:2]
    assert 119 < lon < 121 and 30 < lat < 32  # WGS84
    assert feat["properties"]["style"]["fill"].startswith("#")
    assert feat["properties"]["popup"]["rows"]
    assert d["findings"][0]["placement"] == "listed"
