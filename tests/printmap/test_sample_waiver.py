"""The print map's findings list marks a finding waived by the fictitious sample waiver
(``"sample": true``, review item 7) as 示例豁免; a real waiver only as 已豁免."""

from __future__ import annotations

import matplotlib
import pytest
from printmap_fixtures import make_scene

from townsgis.findings import Finding, Severity
from townsgis.printmap import fonts
from townsgis.printmap.render import render


def _waived(sample: bool) -> Finding:
    return Finding(
        rule="HZ-SPACING",
        clause="§3.1.2c",
        severity=Severity.WARNING,
        towns=[{"id": "T3", "name_zh": "德清地理信息小镇"}],
        message_zh="间距不足",
        message_en="too close",
        waived=True,
        waiver={"rule": "HZ-SPACING", "towns": ["T3", "T4"], "sample": sample},
    )


def _text(scene) -> str:
    with matplotlib.rc_context(fonts.rc_params()):
        return fonts.figure_text(render(scene, dpi=50))


@pytest.mark.parametrize(("lang", "mark"), [("zh", "示例豁免"), ("en", "sample waiver")])
def test_sample_waiver_is_marked(lang, mark):
    scene = make_scene(lang, findings=[_waived(True)])
    assert mark in _text(scene)


def test_real_waiver_is_not_marked_sample():
    scene = make_scene("zh", findings=[_waived(False)])
    text = _text(scene)
    assert "已豁免" in text and "示例豁免" not in text
