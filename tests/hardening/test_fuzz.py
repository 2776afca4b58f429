"""Fuzzers for the readers: GeoJSON and CSV layer files (`import`), rule sets, `site --file`.

Whatever the input, the only exception allowed out of the library is the project's own
(``TownsgisError``: exit 2 with one message), and no warning may be raised (warnings are
turned into errors here). The suite runs a few dozen examples per reader; for a long run set
``TOWNSGIS_FUZZ_EXAMPLES`` (``python scripts/fuzz.py --examples 5000``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import tempfile
import warnings
from functools import cache
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from townsgis.errors import TownsgisError

EXAMPLES = int(os.environ.get("TOWNSGIS_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 100,  # the suite is reproducible; long runs explore
    database=None,
)


@cache
def _project():
    from townsgis.project import Project

    return Project.open(None)


@cache
def _inputs():
    from townsgis.engine import load_inputs

    return load_inputs(_project(), None, layout_only=True)


PROGRESS = os.environ.get("TOWNSGIS_FUZZ_PROGRESS")  # a file: running counts (long runs)
_COUNTS = {"examples": 0, "accepted": 0, "rejected": 0, "bugs": 0}


def _progress(outcome: str, detail: str = "") -> None:
    if not PROGRESS:
        return
    _COUNTS["examples"] += 1
    _COUNTS[outcome] += 1
    if detail or _COUNTS["examples"] % 25 == 0:
        with open(PROGRESS, "a", encoding="utf-8") as fh:
            fh.write(f"{_COUNTS} {detail}\n")


def _only_own_errors(fn, *args, **kwargs):
    """Call ``fn``: a TownsgisError is an answer, any other exception or warning a bug."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = fn(*args, **kwargs)
        except TownsgisError as exc:
            event(f"rejected: {type(exc).__name__}")
            _progress("rejected")
            return None
        except BaseException as exc:
            _progress("bugs", f"{type(exc).__name__}: {str(exc)[:300]}")
            raise
    event("accepted")
    _progress("accepted")
    return result


# --- values ------------------------------------------------------------------------------
WORDS = [
    "manufacturing",
    "tourism",
    "services",
    "制造业",
    "municipal",
    "provincial_creation",
    "省级培育",
    "330502",
    "330521",
    "huzhou-dz",
    "HZ-01",
    "P001",
    "construction",
    "3A",
    "2019Q4",
    "",
    " ",
    "nan",
    "inf",
    "-1",
    "1e308",
    "true",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=20),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
json_values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=4), scalars, max_size=2),
)
lons = st.one_of(
    st.floats(min_value=119.2, max_value=120.6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 30.6, 180.0, -180.0, 500000.0]),
)
lats = st.one_of(
    st.floats(min_value=30.3, max_value=31.2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 120.2, 90.0, -90.0, 3400000.0]),
)
points = st.tuples(lons, lats).map(list)


@st.composite
def geometries(draw):
    kind = draw(st.sampled_from(["Point", "Polygon", "LineString", "null", "MultiPolygon", "bad"]))
    if kind == "null":
        return None
    if kind == "bad":
        return draw(st.sampled_from([{}, {"type": "Point"}, {"type": "Polygon", "coordinates": 3}]))
    if kind == "Point":
        return {"type": "Point", "coordinates": draw(points)}
    if kind == "LineString":
        return {"type": "LineString", "coordinates": draw(st.lists(points, min_size=2, max_size=4))}
    x, y = draw(points)
    d = draw(st.sampled_from([0.0, 0.01, 0.05, 1e-9]))
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d]]
    if draw(st.booleans()):
        ring.append([x, y])
    if draw(st.booleans()):  # a bow tie
        ring = [[x, y], [x + d, y + d], [x + d, y], [x, y + d], [x, y]]
    poly = [ring]
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [poly]}
    return {"type": "Polygon", "coordinates": poly}


FIELDS = {
    "towns": [
        "town_id",
        "name_zh",
        "unit_id",
        "level",
        "category",
        "scenic_grade",
        "planned_area_km2",
        "construction_area_km2",
        "approximate",
    ],
    "projects": [
        "project_id",
        "town_id",
        "name_zh",
        "stage",
        "total_investment",
        "invested_to_date",
        "specialty_industry",
        "government_share",
        "start_quarter",
        "stage_history",
    ],
    "proposals": ["proposal_id", "name_zh", "name", "category", "level", "area_km2", "名称"],
}


@st.composite
def geojson_text(draw, kind: str) -> str | bytes:
    keys = FIELDS[kind] + ["other"]
    feats = []
    for i in range(draw(st.integers(min_value=0, max_value=4))):
        if draw(st.booleans()):  # a valid feature with a few values changed
            props = {k: (f"{v}{i}" if k.endswith("_id") else v) for k, v in VALID[kind].items()}
            for key in draw(st.lists(st.sampled_from(keys), max_size=2)):
                props[key] = draw(json_values)
            x = draw(st.floats(min_value=119.9, max_value=120.3))
            y = draw(st.floats(min_value=30.6, max_value=30.9))
            geom = (
                {"type": "Point", "coordinates": [x, y]}
                if kind != "towns"
                else {
                    "type": "Polygon",
                    "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y]]],
                }
            )
            if draw(st.integers(0, 3)) == 0:
                geom = draw(geometries())
        else:
            props = draw(st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys)))
            geom = draw(geometries())
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    doc: dict = {"type": "FeatureCollection", "features": feats}
    if draw(st.booleans()):
        doc["crs"] = {
            "type": "name",
            "properties": {"name": draw(st.sampled_from(["EPSG:4326", "EPSG:4549", "x"]))},
        }
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    cut = draw(st.sampled_from([None, None, None, 0.5]))
    return text[: int(len(text) * cut)] if cut else text


VALID = {
    "towns": {
        "town_id": "HZ-X",
        "name_zh": "甲",
        "unit_id": "330502",
        "level": "municipal",
        "category": "tourism",
    },
    "projects": {
        "project_id": "PX",
        "town_id": "HZ-01",
        "name_zh": "乙",
        "stage": "reserve",
        "total_investment": 1.0,
    },
    "proposals": {"proposal_id": "S", "name_zh": "丙", "category": "tourism", "level": "municipal"},
}
CSV_COLUMNS = [
    "proposal_id",
    "name",
    "名称",
    "lon",
    "lat",
    "经度",
    "纬度",
    "category",
    "类别",
    "level",
    "级别",
    "area_km2",
    "x",
]
cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(WORDS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=30.3, max_value=31.2).map(str),
    st.floats(min_value=119.2, max_value=120.6).map(str),
)


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(CSV_COLUMNS), min_size=1, max_size=8))
    if draw(st.integers(0, 3)):  # mostly a table the reader can place
        header = ["name", "lon", "lat", "category", "level", *header[:3]]
    rows = [header]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, -1, 2]))
        rows.append(draw(st.lists(cells, min_size=max(width, 0), max_size=max(width, 0))))
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    text = out.getvalue()
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return text.encode(enc, errors="replace")


def _write(data: str | bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix, prefix="townsgis-fuzz-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(name)


def _import(kind: str, data, suffix: str, **kw) -> None:
    from townsgis.importer import import_layer

    path = _write(data, suffix)
    try:
        _only_own_errors(import_layer, _project(), kind, path, check_only=True, **kw)
    finally:
        path.unlink()


# --- the GeoJSON reader ------------------------------------------------------------------
@FUZZ
@given(data=st.data(), kind=st.sampled_from(["towns", "projects", "proposals"]))
def test_geojson_reader(data, kind):
    text = data.draw(geojson_text(kind))
    fix = data.draw(st.booleans())
    _import(kind, text, ".geojson", fix_geometry=fix)


# --- the CSV reader ----------------------------------------------------------------------
@FUZZ
@given(data=csv_bytes(), crs=st.sampled_from([None, "gcj02", "bd09", "EPSG:4549"]))
def test_csv_reader(data, crs):
    _import("proposals", data, ".csv", crs=crs)


# --- the rule-set reader -----------------------------------------------------------------
toml_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=30),
    st.text(max_size=8),
    st.sampled_from(WORDS + ["level", "category", "name_zh", "planned_area_km2", "oops"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
toml_values = st.one_of(
    toml_scalars,
    st.lists(toml_scalars, max_size=3),
    st.lists(st.lists(st.integers(), max_size=2), max_size=2),
    st.dictionaries(st.sampled_from(WORDS + ["level", "oops"]), toml_scalars, max_size=2),
)


@st.composite
def ruleset_text(draw) -> str:
    from townsgis.checks import KINDS

    head = {"id": "fuzz", "version": "1", "title_zh": "x", "title_en": "x"}
    if draw(st.booleans()):
        head["analysis_crs"] = draw(st.sampled_from(["EPSG:4549", "EPSG:3857", "EPSG:4326", "x"]))
    rules = []
    for i in range(draw(st.integers(min_value=0, max_value=3))):
        kind = draw(st.sampled_from(sorted(KINDS) + ["nope"]))
        rule = {
            "id": f"R{i}",
            "clause": "§1",
            "title_zh": "t",
            "title_en": "t",
            "severity": draw(st.sampled_from(["error", "warning", "info", "fatal"])),
            "kind": kind,
        }
        names = sorted(KINDS[kind].params) if kind in KINDS else []
        for key in draw(st.lists(st.sampled_from(names + ["oops"]), max_size=4, unique=True)):
            rule[key] = draw(toml_values)
        if kind == "clustering":
            rule["sims"] = 999  # keep a run short
        rules.append(rule)
    doc = {"ruleset": head, "rule": rules}
    text = tomli_w.dumps(doc)
    return text[: len(text) // 2] if draw(st.integers(0, 9)) == 0 else text


@FUZZ
@given(text=ruleset_text())
def test_ruleset_reader(text):
    from townsgis.engine import run_rules
    from townsgis.ruleset import check_references, parse_ruleset

    ds, _ = _inputs()

    def load_and_run():
        rs = parse_ruleset(text, source="fuzz.toml")
        check_references(rs, ds.towns.columns, ds.units["unit_id"])
        run_rules(ds, rs, waivers=[])

    _only_own_errors(load_and_run)


# --- site --file -------------------------------------------------------------------------
@FUZZ
@given(data=st.data(), suffix=st.sampled_from([".geojson", ".csv"]))
def test_site_file(data, suffix):
    from townsgis.siting import sites_from_file

    ds, _ = _inputs()
    payload = data.draw(geojson_text("proposals") if suffix == ".geojson" else csv_bytes())
    path = _write(payload, suffix)
    try:
        _only_own_errors(
            sites_from_file,
            ds,
            path,
            defaults={"area_km2": 3.0},
            overrides={"category": data.draw(st.sampled_from([None, "tourism", "x"]))},
        )
    finally:
        path.unlink()


def test_fuzz_strategies_reach_valid_input():
    """The strategies are not all noise: a plain valid file passes the same path."""
    from townsgis.siting import sites_from_file

    ds, _ = _inputs()
    text = "name,lon,lat,category,level,area_km2\n甲,120.27,30.6,manufacturing,municipal,3\n"
    path = _write(text, ".csv")
    try:
        sites = sites_from_file(ds, path)
    finally:
        path.unlink()
    assert len(sites) == 1 and math.isclose(sites["area_km2"].iloc[0], 3.0)


@pytest.mark.parametrize("value", [math.nan, math.inf, 1e308])
def test_fuzz_found_values_are_named(value, tmp_path):
    """Values the fuzzers found early: each is one message naming the file."""
    from townsgis.importer import import_layer

    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name_zh": "甲", "category": "tourism", "level": "municipal"},
                "geometry": {"type": "Point", "coordinates": [value, 30.6]},
            }
        ],
    }
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    with pytest.raises(TownsgisError, match="p.geojson"):
        import_layer(_project(), "proposals", path, check_only=True)
