"""A finding waived by the fictitious sample waiver (``"sample": true``, review item 7) is
marked 示例豁免 / sample waiver on the layout map; a real waiver is not."""

from __future__ import annotations

import json

import pytest
import shapely

from townsgis.dataset import load_dataset
from townsgis.findings import Finding
from townsgis.webmap.api import layout_html
from townsgis.webmap.layout import LayoutInputs, _finding_frame, _finding_popup

MARK = "示例豁免 / sample waiver"


def _waived(sample: bool, geometry=None) -> Finding:
    waiver = {"rule": "HZ-SPACING", "towns": ["A", "B"], "reason": "论证同意", "sample": sample}
    return Finding(
        "HZ-SPACING", "§3.1.2c", "warning", [], "间距不足", "too close",
        measured=4000.0, limit=5000.0, geometry=geometry, waived=True, waiver=waiver,
        extra={"unit": "m"},
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_popup_marks_a_sample_waiver(lang):
    assert MARK in _finding_popup(_waived(True), lang)


def test_popup_of_a_real_waiver_is_not_marked():
    assert "示例豁免" not in _finding_popup(_waived(False), "zh")


def test_distance_label_and_tooltip_mark_a_sample_waiver(bundled):
    ds = load_dataset(bundled)
    a, b = ds.metric("towns").geometry.centroid.iloc[:2]
    line = shapely.LineString([a, b])
    town = ds.metric("towns").geometry.iloc[0]
    inp = LayoutInputs(
        units=ds.units,
        towns=ds.towns,
        findings=[_waived(True, line), _waived(True, town), _waived(False, line)],
        metric_crs=ds.metric_crs,
    )
    frame, _ = _finding_frame(inp, "zh")
    sample_line, sample_town, real_line = frame.attrs["props"]
    assert "示例豁免" in sample_line["_label"] and MARK in sample_town["_tip"]
    assert "示例豁免" not in real_line["_label"]


def test_bundled_layout_map_marks_its_sample_waiver(bundled):
    html = layout_html(bundled, lang="zh")
    assert json.dumps(MARK)[1:-1] in html  # inside the findings' GeoJSON (\\uXXXX)
