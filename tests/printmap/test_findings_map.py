"""How findings show on the map (§3.1 rules): a town's finding numbers go into its label,
lines and local areas are drawn, city-wide findings are listed only, waived ones greyed."""

from __future__ import annotations

import shapely
from printmap_fixtures import make_scene

from townsgis.findings import Finding, Severity
from townsgis.printmap.render import classify_findings


def _finding(geometry, towns=(), rule="R", clause="§3.1.3"):
    return Finding(
        rule=rule,
        clause=clause,
        severity=Severity.ERROR,
        towns=[{"id": t, "name_zh": t} for t in towns],
        message_zh="m",
        message_en="m",
        geometry=geometry,
    )


def test_classification():
    scene = make_scene()
    city = scene.city.union_all()
    t1 = scene.towns.geometry.iloc[0]
    unit = scene.units.geometry.iloc[0]  # half the city (1200 km²): a unit-cap finding
    scene.findings = [
        _finding(city, rule="MIX"),  # §3.1.3 city-wide share: listed only
        _finding(t1, towns=["T1"]),  # one town: its label carries the number
        _finding(shapely.LineString([(0, 0), (1, 1)]), towns=["T3", "T4"]),
        _finding(unit, towns=["T1", "T3"], clause="§3.1.1c"),
        _finding(None, rule="COUNT", clause="§3.1.1a"),
    ]
    cls = classify_findings(scene)
    assert cls["listed_only"] == [0, 4]
    assert cls["town_marks"] == {"T1": [1]}
    assert cls["drawn"] == {1: "town", 2: "line", 3: "area"}
    assert cls["unit_marks"] == {"u1": [3]}  # a unit's outline: its name carries the number


def test_a_polygon_at_60_percent_of_the_city_is_listed_only():
    scene = make_scene()
    city = scene.city.union_all()
    minx, miny, maxx, maxy = city.bounds
    # 60 % of the city's width → 60 % of its area (a rectangle): exactly at the threshold.
    part = shapely.box(minx, miny, minx + 0.6 * (maxx - minx), maxy)
    scene.findings = [_finding(part)]
    assert classify_findings(scene)["listed_only"] == [0]
    part = shapely.box(minx, miny, minx + 0.59 * (maxx - minx), maxy)
    scene.findings = [_finding(part)]
    assert classify_findings(scene)["drawn"] == {0: "area"}


def test_town_label_shows_the_finding_number():
    import matplotlib

    from townsgis.printmap import fonts
    from townsgis.printmap.render import render

    scene = make_scene()  # finding 2 is on T1 (湖州丝绸小镇)
    with matplotlib.rc_context(fonts.rc_params()):
        render(scene, "A4", "landscape", 40)
    texts = [p.text.get_text() for p in scene.extra["placed_labels"]]
    assert "湖州丝绸小镇 [2]" in texts


def test_unit_label_shows_the_finding_number():
    import matplotlib
    from matplotlib.text import Text

    from townsgis.printmap import fonts
    from townsgis.printmap.render import render

    scene = make_scene()
    scene.findings.append(_finding(scene.units.geometry.iloc[1], towns=["T2"], clause="§3.1.1c"))
    with matplotlib.rc_context(fonts.rc_params()):
        fig = render(scene, "A4", "landscape", 40)
    texts = {t.get_text() for t in fig.findobj(Text)}
    assert "东区 [3]" in texts and "西区" in texts
