"""`check --format gpkg`: findings and the layout in one GeoPackage, styled for QGIS.

Layers (named as on the web map, in the report language), all in the analysis CRS (metres):

- the units (counties, districts and zones), outlined by unit kind;
- the towns, filled by category;
- the findings, by state (error, warning, info, waived); one layer per geometry type present
  (polygons; lines; points), since a GeoPackage layer holds one geometry type.

Each layer has a QML style in the ``layer_styles`` table (the table QGIS reads and writes,
``useAsDefault = 1``), with the colours and legend words of ``townsgis.vocab`` (the web map's)
and field aliases from its field labels, so opening the file in QGIS shows the map. Written
atomically: a temporary file next to the target, renamed.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely

from townsgis import vocab
from townsgis.errors import LayerIOError
from townsgis.messages import register
from townsgis.qml import Class, categorized_qml

register(
    {
        "gpkg.cannot_write": (
            "{path}：无法写出 GeoPackage：“{reason}”",
            "{path}: cannot write the GeoPackage: {reason}",
        )
    }
)

_SUFFIX = {
    "zh": {"polygon": "", "line": "（线）", "point": "（点）"},
    "en": {"polygon": "", "line": " (lines)", "point": " (points)"},
}
_DIMENSION = {0: "point", 1: "line", 2: "polygon"}
LAYER_STYLES_SQL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
  f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT CURRENT_TIMESTAMP
)"""


def layer_names(lang: str) -> dict[str, str]:
    """The map's names of the three layers, in ``lang`` (the map model's own words)."""
    from townsgis.mapmodel.text import t

    return {k: t(lang, k) for k in ("units", "towns", "findings")}


def _aliases(frame: gpd.GeoDataFrame, lang: str) -> dict[str, str]:
    out = {}
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        name = vocab.field_label(col, lang)
        if name and name != col:
            out[col] = name
    return out


def _classes(domain: str, values, lang: str, **kw) -> list[Class]:
    return [Class(v, vocab.label(domain, v, lang), vocab.colour(domain, v), **kw) for v in values]


def styled_layers(result, ds, lang: str = "zh") -> list[tuple[str, gpd.GeoDataFrame, str]]:
    """``(layer name, frame in the analysis CRS, QML)`` for the GeoPackage."""
    from townsgis.findings import findings_to_geodataframe

    crs = result.metric_crs
    names = layer_names(lang)
    label = "name_en" if lang == "en" else "name_zh"
    out = []

    units = ds.units.to_crs(crs)
    kinds = [k for k in vocab.ids("unit_kind") if k in set(units["kind"])]
    unit_classes = [
        Class(
            k,
            vocab.label("unit_kind", k, lang),
            vocab.colour("unit_kind", k),
            opacity=0.0,
            width_mm=0.6 if k == "functional_zone" else 0.4,
            dash=k == "functional_zone",
        )
        for k in kinds
    ]
    out.append((names["units"], units, _qml("polygon", "kind", unit_classes, units, label, lang)))

    towns = ds.towns.to_crs(crs)
    cats = [c for c in vocab.ids("category") if c in set(towns["category"])]
    town_classes = _classes("category", cats, lang, opacity=0.55)
    out.append(
        (names["towns"], towns, _qml("polygon", "category", town_classes, towns, label, lang))
    )

    found = findings_to_geodataframe(result.findings, crs, lang)
    if len(found):
        found["state"] = [
            "waived" if w else s for w, s in zip(found["waived"], found["severity"], strict=True)
        ]
        found = found[found.geometry.notna() & ~found.geometry.is_empty]
    for dim, geometry in _DIMENSION.items():
        part = found[shapely.get_dimensions(found.geometry.values) == dim] if len(found) else found
        if not len(part):
            continue
        states = [s for s in (*vocab.ids("severity"), "waived") if s in set(part["state"])]
        classes = [
            Class(
                s,
                vocab.label("finding_state" if s == "waived" else "severity", s, lang),
                vocab.colour("finding_state" if s == "waived" else "severity", s),
                opacity=0.3,
                width_mm=0.8,
                dash=s == "waived",
            )
            for s in states
        ]
        name = names["findings"] + _SUFFIX["en" if lang == "en" else "zh"][geometry]
        part = gpd.GeoDataFrame(part.reset_index(drop=True), geometry="geometry", crs=crs)
        out.append((name, part, _qml(geometry, "state", classes, part, None, lang)))
    return out


def _qml(geometry, field, classes, frame, label, lang) -> str:
    label = label if label in frame.columns else None
    return categorized_qml(
        geometry, field, classes, label_field=label, aliases=_aliases(frame, lang)
    )


def write_check_gpkg(result, ds, path: str | Path, lang: str = "zh") -> Path:
    """Write the GeoPackage (see the module docstring) to ``path`` atomically."""
    import pyogrio

    path = Path(path)
    layers = styled_layers(result, ds, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        for name, frame, _ in layers:
            out = frame.copy()
            out.attrs = {}
            for col in out.columns:
                if col != out.geometry.name and out[col].dtype == object:
                    out[col] = out[col].map(
                        lambda v: v if v is None or isinstance(v, str) else str(v)
                    )
            pyogrio.write_dataframe(out, tmp, layer=name, driver="GPKG", promote_to_multi=True)
        with sqlite3.connect(tmp) as con:
            con.execute(LAYER_STYLES_SQL)
            geom_cols = dict(
                con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
            )
            for name, _frame, qml in layers:
                con.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                    "description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                    (name, geom_cols.get(name, "geom"), name, qml, "townsgis"),
                )
            con.execute(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
                "VALUES ('layer_styles', 'attributes', 'layer_styles')"
            )
        os.replace(tmp, path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        raise LayerIOError.of("gpkg.cannot_write", path=str(path), reason=exc) from None
    return path
