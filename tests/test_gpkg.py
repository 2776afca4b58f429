"""`check --format gpkg`: a GeoPackage styled for QGIS with the web map's colours and names."""

from __future__ import annotations

import sqlite3

import pyogrio
import pytest

from townsgis import vocab
from townsgis.gpkg import layer_names
from townsgis.qml import qml_colours


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The check GeoPackage and the layout web map of the bundled sample (Chinese)."""
    from townsgis.cli import main

    tmp = tmp_path_factory.mktemp("gpkg")
    for args in (
        ["check", "--format", "gpkg", "-o", f"{tmp}/out/"],
        ["map", "layout", "-o", str(tmp / "layout.html")],
    ):
        try:
            main(args)
        except SystemExit as exc:
            assert exc.code in (0, 1, None)
    return tmp / "out" / "check.gpkg", (tmp / "layout.html").read_text(encoding="utf-8")


def styles(path) -> dict[str, str]:
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "SELECT f_table_name, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
    assert all(default == 1 for _, _, default in rows)
    return {name: qml for name, qml, _ in rows}


def test_gpkg_opens_with_pyogrio_and_has_a_style_per_layer(made):
    path, _ = made
    layers = {str(n): str(g) for n, g in pyogrio.list_layers(path) if g is not None}
    names = layer_names("zh")
    assert names["units"] in layers and names["towns"] in layers and names["findings"] in layers
    for name in layers:
        frame = pyogrio.read_dataframe(path, layer=name)
        assert len(frame) and frame.crs.to_epsg() == 4549
    assert set(styles(path)) == set(layers)
    towns = pyogrio.read_dataframe(path, layer=names["towns"])
    assert len(towns) == 14


def test_gpkg_colours_and_words_equal_the_web_map(made):
    path, html = made
    qml = styles(path)
    names = layer_names("zh")
    towns = qml_colours(qml[names["towns"]])
    assert towns == {c: vocab.colour("category", c) for c in towns}
    assert set(towns) == set(vocab.ids("category"))
    findings = qml_colours(qml[names["findings"]])
    assert {"error", "warning"} <= set(findings)
    for state, colour in findings.items():
        domain = "finding_state" if state == "waived" else "severity"
        assert colour == vocab.colour(domain, state)
    units = qml_colours(qml[names["units"]])
    assert units == {k: vocab.colour("unit_kind", k) for k in units}
    # the same colours and layer names are on the web map
    low = html.lower()
    for colour in (*towns.values(), *findings.values(), *units.values()):
        assert colour.lower() in low, colour
    for name in names.values():
        assert name in html
    # legend words are the vocabulary's, never raw ids
    for c in towns:
        assert f'value="{c}" label="{vocab.label("category", c, "zh")}"' in qml[names["towns"]]
    assert 'label="错误"' in qml[names["findings"]]
    assert (
        "<alias" in qml[names["towns"]]
        and vocab.field_label("category", "zh") in qml[names["towns"]]
    )
