"""How findings of `check` are drawn on the layout map (issue 4; clauses cited)."""

from __future__ import annotations

import pytest
import shapely

from townsgis.dataset import load_dataset
from townsgis.findings import Finding
from townsgis.webmap.layout import LayoutInputs, _distance_label, _finding_frame


@pytest.fixture(scope="module")
def ds(bundled):
    return load_dataset(bundled)


def _inputs(ds, findings):
    return LayoutInputs(units=ds.units, towns=ds.towns, findings=findings, metric_crs=ds.metric_crs)


def test_spacing_line_labelled_with_its_distance(ds):
    a, b = ds.metric("towns").geometry.centroid.iloc[:2]
    line = shapely.LineString([a, b])
    f = Finding(
        "HZ-SPACING", "§3.1.2c", "warning", [], "近", "close",
        measured=line.length, limit=5000.0, geometry=line, extra={"unit": "m"},
    )  # fmt: skip
    frame, listed = _finding_frame(_inputs(ds, [f]), "zh")
    assert listed == [] and len(frame) == 1
    props = frame.attrs["props"][0]
    assert props["_label"] == f"{line.length / 1000:.2f} km"
    assert "tg-sev-warning" in props["_s"]["className"]
    assert props["_s"]["fillOpacity"] == 0.0


@pytest.mark.parametrize(
    ("measured", "unit", "label"),
    [(4999.5, "m", "5.00 km"), (5000, "m", "5.00 km"), (3.2, "km", "3.20 km"), ("x", "m", None)],
)
def test_distance_label(measured, unit, label):
    f = Finding("r", "§3.1.2c", "error", [], "", "", measured=measured, extra={"unit": unit})
    assert _distance_label(f) == label


def test_unit_over_cap_without_geometry_is_drawn_on_its_unit(ds):
    f = Finding("HZ-CAP-UNIT", "§3.1.1c", "error", [], "超限", "over cap", unit="330502")
    frame, listed = _finding_frame(_inputs(ds, [f]), "zh")
    assert listed == [] and len(frame) == 1
    unit = ds.units.set_index("unit_id").geometry["330502"]
    assert frame.geometry.iloc[0].equals(unit)
    assert frame.attrs["props"][0]["_s"]["fillOpacity"] > 0  # highlighted (filled)


def test_city_wide_finding_is_outlined_and_listed(ds):
    city = ds.units.to_crs(ds.metric_crs).union_all()
    f = Finding("HZ-MIX-MFG", "§3.1.3", "error", [], "制造业占比不足", "share", geometry=city)
    frame, listed = _finding_frame(_inputs(ds, [f]), "zh")
    assert listed == [f]
    style = frame.attrs["props"][0]["_s"]
    assert style["fillOpacity"] == 0.0 and "tg-city-wide" in style["className"]


def test_waived_finding_styled_apart_and_reason_in_popup(ds):
    poly = ds.metric("towns").geometry.iloc[0]
    f = Finding(
        "HZ-OVERLAP", "§3.1.2a", "error", [{"id": "HZ-01", "name_zh": "甲"}], "重叠", "overlap",
        geometry=poly, waived=True, waiver={"reason": "经论证<保留>"},
    )  # fmt: skip
    frame, _ = _finding_frame(_inputs(ds, [f]), "zh")
    props = frame.attrs["props"][0]
    assert "tg-sev-waived" in props["_s"]["className"]
    assert "经论证&lt;保留&gt;" in props["_popup"]


def test_finding_without_location_is_listed(ds):
    f = Finding("HZ-COUNT", "§3.1.1a", "error", [], "总数超限", "too many")
    frame, listed = _finding_frame(_inputs(ds, [f]), "zh")
    assert len(frame) == 0 and listed == [f]
