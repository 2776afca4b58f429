"""The bad-input matrix: every door a value enters by (layer files for `import`, `site --file`,
CLI options, rule sets, waivers, indicators and assessment tables, the files themselves),
each with values a hostile or careless user could give.

Every case must end with exit 2 and one message on stderr naming the file (or the option)
and the value, without "unexpected" (a crash), without a traceback and without any warning
from numpy, shapely or pyogrio (the CLI's own warning filter is switched off here: bad values
must be caught before those libraries see them). Messages may be Chinese or English; the
cases assert on file names, option names and values only.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from townsgis.project import bundled_root

ROOT = bundled_root()
TOWNS = json.loads((ROOT / "layers" / "towns.geojson").read_text(encoding="utf-8"))
PROJECTS = json.loads((ROOT / "layers" / "projects.geojson").read_text(encoding="utf-8"))
PROPOSALS = json.loads((ROOT / "layers" / "proposals.geojson").read_text(encoding="utf-8"))
LAYERS = {"towns": TOWNS, "projects": PROJECTS, "proposals": PROPOSALS}


@dataclass
class Ctx:
    tmp: Path
    project: Path  # shared, never changed
    fresh: Callable[[], Path]  # a copy the case may change


@dataclass
class Case:
    id: str
    build: Callable[[Ctx], tuple[list, list[str]]]  # -> (argv, strings stderr must hold)
    tags: set = field(default_factory=set)


CASES: list[Case] = []


def case(id_: str):
    def deco(fn):
        CASES.append(Case(id_, fn))
        return fn

    return deco


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=True)


def _layer(kind: str, feature: int, *, props=None, geometry=None, drop=None) -> dict:
    data = json.loads(json.dumps(LAYERS[kind]))
    f = data["features"][feature]
    f["properties"].update(props or {})
    for k in drop or ():
        f["properties"].pop(k, None)
    if geometry is not None:
        f["geometry"] = geometry
    return data


def _write(ctx: Ctx, name: str, text: str | bytes) -> Path:
    path = ctx.tmp / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _shown(v) -> str:
    """How a value appears in a message (townsgis.validate.show), loosely."""
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.10g}"
    if isinstance(v, str):
        return v[:30]
    return ""


# --------------------------------------------------------------------------------------
# door 1: layer files for `import` (GeoJSON properties)
# --------------------------------------------------------------------------------------
NUMBER_FIELDS = [
    ("towns", "planned_area_km2"),
    ("towns", "construction_area_km2"),
    ("projects", "total_investment"),
    ("projects", "invested_to_date"),
    ("projects", "specialty_industry"),
    ("projects", "government_share"),
    ("projects", "tech_investment"),
    ("proposals", "area_km2"),
]
BAD_NUMBERS = [
    ("inf", math.inf),
    ("minus_inf", -math.inf),
    ("nan_literal", math.nan),
    ("huge", 1e308),
    ("negative", -1),
    ("true", True),
    ("text", "abc"),
    ("text_inf", "inf"),
    ("list", [1, 2]),
    ("object", {"a": 1}),
]


def _number_case(kind, fld, label, value):
    def build(ctx):
        path = _write(ctx, f"{kind}-{fld}.geojson", _json(_layer(kind, 1, props={fld: value})))
        needles = [path.name]
        if not isinstance(value, float) or math.isfinite(value):
            needles.append(fld)
        return ["import", kind, path, "--check-only", "--project", ctx.project], needles

    CASES.append(Case(f"import-{kind}-{fld}-{label}", build))


for _kind, _fld in NUMBER_FIELDS:
    for _label, _value in BAD_NUMBERS:
        _number_case(_kind, _fld, _label, _value)

ENUM_FIELDS = [
    ("towns", "level"),
    ("towns", "category"),
    ("towns", "scenic_grade"),
    ("projects", "stage"),
    ("proposals", "level"),
    ("proposals", "category"),
]
BAD_WORDS = [
    ("unknown", "agriculture"),
    ("number", 5),
    ("bool", True),
    ("list", ["manufacturing"]),
    ("long", "x" * 500),
    ("object", {"a": 1}),
]


def _enum_case(kind, fld, label, value):
    def build(ctx):
        path = _write(ctx, f"{kind}-{fld}.geojson", _json(_layer(kind, 2, props={fld: value})))
        return ["import", kind, path, "--check-only", "--project", ctx.project], [path.name, fld]

    CASES.append(Case(f"import-{kind}-{fld}-{label}", build))


for _kind, _fld in ENUM_FIELDS:
    for _label, _value in BAD_WORDS:
        _enum_case(_kind, _fld, _label, _value)


BAD_COORDS = [
    ("huge_lon", 1e300, 30.6),
    ("nan_lon", math.nan, 30.6),
    ("inf_lat", 120.2, math.inf),
    ("swapped", 30.6, 120.2),
    ("metres", 500000.0, 3400000.0),
    ("lat_95", 120.2, 95.0),
    ("lon_minus_200", -200.0, 30.6),
    ("tiny_lat", 120.2, -1e308),
    ("other_city", 116.4, 39.9),
]


def _geometry(kind: str, x: float, y: float) -> dict:
    if kind == "towns":
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y]]
        return {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Point", "coordinates": [x, y]}


def _coord_case(kind, label, x, y):
    def build(ctx):
        path = _write(
            ctx, f"{kind}-xy.geojson", _json(_layer(kind, 0, geometry=_geometry(kind, x, y)))
        )
        return ["import", kind, path, "--check-only", "--project", ctx.project], [path.name]

    CASES.append(Case(f"import-{kind}-coordinates-{label}", build))


for _kind in ("towns", "projects", "proposals"):
    for _label, _x, _y in BAD_COORDS:
        _coord_case(_kind, _label, _x, _y)


@case("import-towns-duplicate-id")
def _(ctx):
    data = _layer("towns", 3, props={"town_id": TOWNS["features"][0]["properties"]["town_id"]})
    path = _write(ctx, "dup.geojson", _json(data))
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [path.name]


@case("import-projects-duplicate-id")
def _(ctx):
    pid = PROJECTS["features"][0]["properties"]["project_id"]
    path = _write(ctx, "dup.geojson", _json(_layer("projects", 3, props={"project_id": pid})))
    return ["import", "projects", path, "--check-only", "--project", ctx.project], [path.name]


@case("import-proposals-duplicate-id")
def _(ctx):
    pid = PROPOSALS["features"][0]["properties"]["proposal_id"]
    path = _write(ctx, "dup.geojson", _json(_layer("proposals", 1, props={"proposal_id": pid})))
    return ["import", "proposals", path, "--check-only", "--project", ctx.project], [path.name]


@case("import-projects-unknown-town")
def _(ctx):
    path = _write(ctx, "p.geojson", _json(_layer("projects", 0, props={"town_id": "HZ-99"})))
    return ["import", "projects", path, "--check-only", "--project", ctx.project], [
        path.name,
        "HZ-99",
    ]


@case("import-towns-unknown-unit")
def _(ctx):
    path = _write(ctx, "t.geojson", _json(_layer("towns", 0, props={"unit_id": "999999"})))
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [
        path.name,
        "999999",
    ]


@case("import-towns-missing-required")
def _(ctx):
    path = _write(ctx, "t.geojson", _json(_layer("towns", 0, drop=["level"])))
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [path.name]


@case("import-towns-fix-geometry-inf")
def _(ctx):
    data = _layer("towns", 0, geometry=_geometry("towns", math.inf, 30.6))
    path = _write(ctx, "inf.geojson", _json(data))
    return [
        "import",
        "towns",
        path,
        "--check-only",
        "--fix-geometry",
        "--project",
        ctx.project,
    ], [path.name]


@case("import-towns-bowtie")
def _(ctx):
    ring = [[120.1, 30.8], [120.2, 30.9], [120.2, 30.8], [120.1, 30.9], [120.1, 30.8]]
    data = _layer("towns", 0, geometry={"type": "Polygon", "coordinates": [ring]})
    path = _write(ctx, "bowtie.geojson", _json(data))
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [path.name]


@case("import-towns-linestring")
def _(ctx):
    geom = {"type": "LineString", "coordinates": [[120.1, 30.8], [120.2, 30.9]]}
    path = _write(ctx, "line.geojson", _json(_layer("towns", 0, geometry=geom)))
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [path.name]


@case("import-towns-no-features")
def _(ctx):
    path = _write(ctx, "empty.geojson", _json({"type": "FeatureCollection", "features": []}))
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [path.name]


# --------------------------------------------------------------------------------------
# door 2: CSV tables for `import proposals` and `site --file`
# --------------------------------------------------------------------------------------
CSV_HEADER = "proposal_id,name,lon,lat,category,level,area_km2"
GOOD_ROW = ["A1", "甲", "120.27", "30.60", "manufacturing", "municipal", "3"]
GOOD_ROW2 = ["A2", "乙", "119.90", "30.55", "tourism", "municipal", "2"]
BAD_CELLS = [
    ("lon_inf", {2: "inf"}),
    ("lon_nan", {2: "nan"}),
    ("lon_huge", {2: "1e308"}),
    ("lon_text", {2: "abc"}),
    ("lon_blank", {2: ""}),
    ("swapped", {2: "30.60", 3: "120.27"}),
    ("lon_200", {2: "200"}),
    ("lat_minus_95", {3: "-95"}),
    ("area_inf", {6: "inf"}),
    ("area_nan", {6: "nan"}),
    ("area_1e308", {6: "1e308"}),
    ("area_3.7e16", {6: "3.7e16"}),
    ("area_negative", {6: "-1"}),
    ("area_text", {6: "abc"}),
    ("area_20000", {6: "20000"}),
    ("category_unknown", {4: "agriculture"}),
    ("category_list", {4: '"[""manufacturing""]"'}),
    ("category_blank", {4: ""}),
    ("level_unknown", {5: "national"}),
    ("level_blank", {5: ""}),
    ("duplicate_id", {0: "A2"}),
    ("extra_cells", {7: "x", 8: "y"}),
]


def _csv_case(door: str, label: str, cells: dict):
    def build(ctx):
        row = list(GOOD_ROW)
        for k, v in cells.items():
            while len(row) <= k:
                row.append("")
            row[k] = v
        text = "\n".join([CSV_HEADER, ",".join(GOOD_ROW2), ",".join(row)]) + "\n"
        path = _write(ctx, f"sites-{label}.csv", text)
        if door == "import":
            return ["import", "proposals", path, "--check-only", "--project", ctx.project], [
                path.name
            ]
        return ["site", "--file", path, "--project", ctx.project], [path.name]

    CASES.append(Case(f"{door}-csv-{label}", build))


for _door in ("import", "site"):
    for _label, _cells in BAD_CELLS:
        _csv_case(_door, _label, _cells)


@case("site-csv-area-zero")
def _(ctx):
    text = "\n".join([CSV_HEADER, "A1,甲,120.27,30.60,manufacturing,municipal,0"]) + "\n"
    path = _write(ctx, "zero.csv", text)
    return ["site", "--file", path, "--project", ctx.project], [path.name]


def _site_geojson_case(label: str, props: dict, geometry=None):
    def build(ctx):
        data = _layer("proposals", 0, props=props, geometry=geometry)
        path = _write(ctx, f"site-{label}.geojson", _json(data))
        return ["site", "--file", path, "--project", ctx.project], [path.name]

    CASES.append(Case(f"site-geojson-{label}", build))


for _label, _props in [
    ("area_true", {"area_km2": True}),
    ("area_inf", {"area_km2": math.inf}),
    ("area_1e308", {"area_km2": 1e308}),
    ("category_list", {"category": ["manufacturing"]}),
    ("level_number", {"level": 3}),
    ("id_duplicate", {"proposal_id": PROPOSALS["features"][1]["properties"]["proposal_id"]}),
]:
    _site_geojson_case(_label, _props)
for _label, _x, _y in BAD_COORDS:
    _site_geojson_case(f"coordinates-{_label}", {}, _geometry("proposals", _x, _y))


# --------------------------------------------------------------------------------------
# door 3: command-line options
# --------------------------------------------------------------------------------------
SITE = ["--category", "manufacturing", "--level", "municipal"]
OPTION_CASES = [
    ("site-lon-inf", ["site", "--lon", "inf", "--lat", "30.6", *SITE], "--lon"),
    ("site-lon-minus-inf", ["site", "--lon", "-inf", "--lat", "30.6", *SITE], "--lon"),
    ("site-lon-nan", ["site", "--lon", "nan", "--lat", "30.6", *SITE], "--lon"),
    ("site-lon-1e308", ["site", "--lon", "1e308", "--lat", "30.6", *SITE], "--lon"),
    ("site-lon-1e300", ["site", "--lon", "1e300", "--lat", "30.6", *SITE], "--lon"),
    ("site-lon-200", ["site", "--lon", "200", "--lat", "30.6", *SITE], "--lon"),
    ("site-lon-text", ["site", "--lon", "abc", "--lat", "30.6", *SITE], "--lon"),
    ("site-lat-inf", ["site", "--lon", "120.2", "--lat", "inf", *SITE], "--lat"),
    ("site-lat-nan", ["site", "--lon", "120.2", "--lat", "nan", *SITE], "--lat"),
    ("site-lat-95", ["site", "--lon", "120.2", "--lat", "95", *SITE], "--lat"),
    ("site-lat-swapped", ["site", "--lon", "30.6", "--lat", "120.27", *SITE], "--lat"),
    ("site-lat-1e300", ["site", "--lon", "120.2", "--lat", "1e300", *SITE], "--lat"),
    ("site-lat-text", ["site", "--lon", "120.2", "--lat", "北纬", *SITE], "--lat"),
    ("site-gcj02-huge", ["site", "--lon", "1e30", "--lat", "30", "--crs", "gcj02", *SITE], "--lon"),
    (
        "site-epsg-huge",
        ["site", "--lon", "1e30", "--lat", "3e6", "--crs", "EPSG:4549", *SITE],
        "1e+30",
    ),
    (
        "site-area-inf",
        ["site", "--lon", "120.27", "--lat", "30.6", *SITE, "--area-km2", "inf"],
        "--area-km2",
    ),
    (
        "site-area-nan",
        ["site", "--lon", "120.27", "--lat", "30.6", *SITE, "--area-km2", "nan"],
        "--area-km2",
    ),
    (
        "site-area-1e308",
        ["site", "--lon", "120.27", "--lat", "30.6", *SITE, "--area-km2", "1e308"],
        "--area-km2",
    ),
    (
        "site-area-negative",
        ["site", "--lon", "120.27", "--lat", "30.6", *SITE, "--area-km2", "-1"],
        "--area-km2",
    ),
    (
        "site-area-zero",
        ["site", "--lon", "120.27", "--lat", "30.6", *SITE, "--area-km2", "0"],
        "--area-km2",
    ),
    (
        "site-area-20000",
        ["site", "--lon", "120.27", "--lat", "30.6", *SITE, "--area-km2", "20000"],
        "--area-km2",
    ),
    (
        "site-category",
        ["site", "--lon", "120.27", "--lat", "30.6", "--category", "x", "--level", "municipal"],
        "--category",
    ),
    (
        "site-level",
        ["site", "--lon", "120.27", "--lat", "30.6", "--category", "tourism", "--level", "x"],
        "--level",
    ),
    ("site-only-lon", ["site", "--lon", "120.27", *SITE], "--lat"),
    (
        "feasible-area-inf",
        ["feasible", "--category", "manufacturing", "--area-km2", "inf"],
        "--area-km2",
    ),
    (
        "feasible-area-nan",
        ["feasible", "--category", "manufacturing", "--area-km2", "nan"],
        "--area-km2",
    ),
    (
        "feasible-area-zero",
        ["feasible", "--category", "manufacturing", "--area-km2", "0"],
        "--area-km2",
    ),
    (
        "feasible-area-negative",
        ["feasible", "--category", "manufacturing", "--area-km2", "-3"],
        "--area-km2",
    ),
    (
        "feasible-area-1e308",
        ["feasible", "--category", "manufacturing", "--area-km2", "1e308"],
        "--area-km2",
    ),
    ("feasible-unit", ["feasible", "--category", "manufacturing", "--unit", "999999"], "999999"),
    (
        "export-site-dpi-inf",
        [
            "export",
            "site",
            "--lon",
            "120.27",
            "--lat",
            "30.6",
            "--category",
            "tourism",
            "--dpi",
            "inf",
        ],
        "--dpi",
    ),
    (
        "export-site-dpi-zero",
        [
            "export",
            "site",
            "--lon",
            "120.27",
            "--lat",
            "30.6",
            "--category",
            "tourism",
            "--dpi",
            "0",
        ],
        "--dpi",
    ),
    (
        "export-site-dpi-huge",
        [
            "export",
            "site",
            "--lon",
            "120.27",
            "--lat",
            "30.6",
            "--category",
            "tourism",
            "--dpi",
            "1e9",
        ],
        "--dpi",
    ),
    (
        "export-site-area-inf",
        [
            "export",
            "site",
            "--lon",
            "120.27",
            "--lat",
            "30.6",
            "--category",
            "tourism",
            "--area-km2",
            "inf",
        ],
        "--area-km2",
    ),
    (
        "export-site-lon-nan",
        ["export", "site", "--lon", "nan", "--lat", "30.6", "--category", "tourism"],
        "--lon",
    ),
    (
        "export-feasible-area-zero",
        ["export", "feasible", "--category", "tourism", "--area-km2", "0"],
        "--area-km2",
    ),
    ("export-layout-dpi-nan", ["export", "layout", "--dpi", "nan"], "--dpi"),
    ("check-fail-on", ["check", "--fail-on", "fatal"], "--fail-on"),
    ("progress-quarter", ["progress", "--quarter", "2019Q5"], "2019Q5"),
]


def _option_case(id_, argv, needle):
    def build(ctx):
        return [*argv, "--project", ctx.project], [needle]

    CASES.append(Case(f"option-{id_}", build))


for _id, _argv, _needle in OPTION_CASES:
    _option_case(_id, _argv, _needle)


# --------------------------------------------------------------------------------------
# door 4: rule sets (`check --ruleset FILE`)
# --------------------------------------------------------------------------------------
HEAD = '[ruleset]\nid = "x"\nversion = "1"\ntitle_zh = "x"\ntitle_en = "x"\n'


def _rule(body: str, rid: str = "R1", severity: str = "error") -> str:
    return (
        f'\n[[rule]]\nid = "{rid}"\nclause = "§1"\ntitle_zh = "t"\ntitle_en = "t"\n'
        f'severity = "{severity}"\n{body}\n'
    )


RULE_CASES = [
    ("min-gap-text", 'kind = "min-gap"\nmin_m = "1 km"'),
    ("min-gap-negative", 'kind = "min-gap"\nmin_m = -1'),
    ("min-gap-inf", 'kind = "min-gap"\nmin_m = inf'),
    ("min-gap-nan", 'kind = "min-gap"\nmin_m = nan'),
    ("min-gap-huge", 'kind = "min-gap"\nmin_m = 1e9'),
    ("min-gap-bool", 'kind = "min-gap"\nmin_m = true'),
    ("min-gap-list", 'kind = "min-gap"\nmin_m = [1]'),
    ("min-gap-date", 'kind = "min-gap"\nmin_m = 1979-05-27'),
    ("min-spacing-inf", 'kind = "min-spacing"\nmin_m = -inf'),
    ("min-spacing-missing", 'kind = "min-spacing"'),
    ("count-cap-negative", 'kind = "count-cap"\nmax = -1'),
    ("count-cap-float", 'kind = "count-cap"\nmax = 1.5'),
    ("count-cap-text", 'kind = "count-cap"\nmax = "3"'),
    ("count-cap-huge", 'kind = "count-cap"\nmax = 1000000000'),
    ("count-cap-level", 'kind = "count-cap"\nmax = 3\nlevels = ["national"]'),
    ("unit-cap-override-negative", 'kind = "unit-cap"\nmax = 3\noverrides = { 330502 = -1 }'),
    ("unit-cap-override-float", 'kind = "unit-cap"\nmax = 3\noverrides = { 330502 = 1.5 }'),
    ("unit-cap-unknown-unit", 'kind = "unit-cap"\nmax = 3\nunits = ["999999"]'),
    ("unit-cap-unknown-override", 'kind = "unit-cap"\nmax = 3\noverrides = { "999999" = 1 }'),
    ("unit-cap-units-numbers", 'kind = "unit-cap"\nmax = 3\nunits = [330502]'),
    ("share-category", 'kind = "category-share"\ncategory = "farming"\nmin_share = 0.6'),
    ("share-above-one", 'kind = "category-share"\ncategory = "manufacturing"\nmin_share = 2'),
    ("share-nan", 'kind = "category-share"\ncategory = "manufacturing"\nmax_share = nan'),
    (
        "share-min-above-max",
        'kind = "category-share"\ncategory = "tourism"\nmin_share = 0.9\nmax_share = 0.1',
    ),
    (
        "share-field-unknown",
        'kind = "category-share"\ncategory = "x"\nfield = "oops"\nmin_share = 0.1',
    ),
    (
        "share-field-number",
        'kind = "category-share"\ncategory = "x"\nfield = "planned_area_km2"\nmin_share = 0.1',
    ),
    ("share-no-bound", 'kind = "category-share"\ncategory = "tourism"'),
    ("area-inf", 'kind = "area-range"\nmin_km2 = inf'),
    ("area-negative", 'kind = "area-range"\nmax_km2 = -1'),
    ("area-huge", 'kind = "area-range"\nmax_km2 = 1e9'),
    ("area-source-unknown", 'kind = "area-range"\nmax_km2 = 3\nsource = "oops"'),
    ("area-raised-alone", 'kind = "area-range"\nmax_km2 = 3\nraised_max_km2 = 5'),
    ("attr-eq-list", 'kind = "attribute"\nfield = "level"\nop = "=="\nvalue = ["a", "b"]'),
    ("attr-order-text", 'kind = "attribute"\nfield = "name_zh"\nop = ">="\nvalue = 3'),
    (
        "attr-where-nested",
        'kind = "attribute"\nfield = "level"\nop = "not-empty"\nwhere = { level = [[1]] }',
    ),
    (
        "attr-where-table",
        'kind = "attribute"\nfield = "level"\nop = "not-empty"\nwhere = { level = { a = 1 } }',
    ),
    (
        "attr-where-unknown-field",
        'kind = "attribute"\nfield = "level"\nop = "not-empty"\nwhere = { oops = 1 }',
    ),
    (
        "attr-where-bad-level",
        'kind = "attribute"\nfield = "category"\nop = "not-empty"\nwhere = { level = "national" }',
    ),
    ("attr-field-unknown", 'kind = "attribute"\nfield = "nosuch"\nop = "not-empty"'),
    ("attr-op-unknown", 'kind = "attribute"\nfield = "level"\nop = "~"\nvalue = "x"'),
    ("attr-value-missing", 'kind = "attribute"\nfield = "level"\nop = "=="'),
    ("attr-in-scalar", 'kind = "attribute"\nfield = "level"\nop = "in"\nvalue = "municipal"'),
    (
        "attr-number-text",
        'kind = "attribute"\nfield = "planned_area_km2"\nop = "=="\nvalue = "abc"',
    ),
    ("attr-level-unknown", 'kind = "attribute"\nfield = "level"\nop = "=="\nvalue = "national"'),
    ("attr-bool-text", 'kind = "attribute"\nfield = "approximate"\nop = "=="\nvalue = "yes"'),
    (
        "attr-order-number-field",
        'kind = "attribute"\nfield = "planned_area_km2"\nop = ">="\nvalue = "b"\n'
        'order = ["a", "b"]',
    ),
    (
        "attr-order-missing-value",
        'kind = "attribute"\nfield = "scenic_grade"\nop = ">="\nvalue = "6A"\norder = ["3A", "4A"]',
    ),
    ("attr-not-empty-value", 'kind = "attribute"\nfield = "investor"\nop = "not-empty"\nvalue = 1'),
    ("attr-value-inf", 'kind = "attribute"\nfield = "planned_area_km2"\nop = "<="\nvalue = inf'),
    ("attr-value-table", 'kind = "attribute"\nfield = "level"\nop = "=="\nvalue = { a = 1 }'),
    ("clustering-sims", 'kind = "clustering"\nsims = 1000000000'),
    ("clustering-seed", 'kind = "clustering"\nseed = -1'),
    ("clustering-alpha", 'kind = "clustering"\nalpha = 2'),
    ("clustering-max-r", 'kind = "clustering"\nmax_r = nan'),
    ("kind-unknown", 'kind = "teleport"'),
    ("kind-missing", "max = 3"),
    ("key-unknown", 'kind = "count-cap"\nmax = 3\nmaxx = 4'),
    ("within-share", 'kind = "within-unit"\nmin_share = 1.5'),
    ("overlap-tolerance", 'kind = "no-overlap"\ntolerance_m2 = inf'),
]


def _ruleset_case(id_: str, text: str | bytes, needles=()):
    def build(ctx):
        path = _write(ctx, f"rules-{id_}.toml", text)
        return ["check", "--ruleset", path, "--project", ctx.project], [path.name, *needles]

    CASES.append(Case(f"ruleset-{id_}", build))


for _id, _body in RULE_CASES:
    _ruleset_case(_id, HEAD + _rule(_body) + _rule('kind = "count-cap"\nmax = 20', "R2"), ["R1"])

_ruleset_case("severity", HEAD + _rule('kind = "count-cap"\nmax = 3', severity="fatal"), ["R1"])
_ruleset_case("duplicate-id", HEAD + _rule('kind = "count-cap"\nmax = 3') * 2, ["R1"])
_ruleset_case("toml-syntax", HEAD + "\n[[rule]\nid = 1\n")
_ruleset_case("not-utf8", (HEAD + _rule('kind = "count-cap"\nmax = 3')).encode("gbk"))
_ruleset_case("empty", "")
_ruleset_case("no-head", _rule('kind = "count-cap"\nmax = 3'))
_ruleset_case(
    "mercator", HEAD + 'analysis_crs = "EPSG:3857"\n' + _rule('kind = "count-cap"\nmax = 3')
)
_ruleset_case("crs-unknown", HEAD + 'analysis_crs = "EPSG:99999999"\n')
_ruleset_case("rule-not-table", HEAD + "rule = 3\n")
_ruleset_case(
    "two-bad-rules",
    HEAD + _rule('kind = "min-gap"\nmin_m = nan') + _rule('kind = "count-cap"\nmax = -1', "R2"),
    ["R1", "R2"],
)
_TARGET = (
    '\n[[target]]\nid = "T1"\nclause = "§2"\nmetric = "towns_total"\ncomparison = ">="\n'
    'unit = "个"\ndeadline = "2020"\n'
)
_ruleset_case("target-value-inf", HEAD + _TARGET + "value = inf\n", ["T1"])
_ruleset_case("target-value-text", HEAD + _TARGET + 'value = "ten"\n', ["T1"])
_ruleset_case(
    "target-deadline",
    HEAD + _TARGET.replace('"2020"', '"next year"') + "value = 3\n",
    ["T1"],
)


# --------------------------------------------------------------------------------------
# door 5: waivers (layers/waivers.toml of a project copy)
# --------------------------------------------------------------------------------------
def _waiver(**kw) -> str:
    base = {
        "rule": '"HZ-SPACING"',
        "towns": '["HZ-09", "HZ-14"]',
        "reason": '"r"',
        "document": '"d"',
        "expires": "2030-01-01",
    }
    base.update(kw)
    lines = [f"{k} = {v}" for k, v in base.items() if v is not None]
    return "[[waiver]]\n" + "\n".join(lines) + "\n"


WAIVER_CASES = [
    ("unknown-rule", _waiver(rule='"HZ-NOPE"'), ["HZ-NOPE"]),
    ("unknown-town", _waiver(towns='["HZ-99"]'), ["HZ-99"]),
    ("unknown-unit", _waiver(towns=None, rule='"HZ-CAP-UNIT"', unit='"999999"'), ["999999"]),
    ("towns-not-list", _waiver(towns='"HZ-09"'), ["HZ-09"]),
    ("towns-numbers", _waiver(towns="[9, 14]"), []),
    ("expires-text", _waiver(expires='"soon"'), ["soon"]),
    ("rule-empty", _waiver(rule='""'), []),
    ("rule-number", _waiver(rule="3"), []),
    ("no-towns-no-unit", _waiver(towns=None), []),
    ("unknown-key", _waiver(approver='"x"'), ["approver"]),
    ("sample-text", _waiver(sample='"yes"'), []),
    ("toml-syntax", "[[waiver]\nrule = \n", []),
    ("not-table", "waiver = [1, 2]\n", []),
    ("top-level", "rule = 'x'\n", []),
]


def _waiver_case(id_, text, needles):
    def build(ctx):
        project = ctx.fresh()
        path = project / "layers" / "waivers.toml"
        path.write_text(text, encoding="utf-8")
        return ["check", "--project", project], [path.name, *needles]

    CASES.append(Case(f"waivers-{id_}", build))


for _id, _text, _needles in WAIVER_CASES:
    _waiver_case(_id, _text, _needles)


@case("waivers-gbk")
def _(ctx):
    project = ctx.fresh()
    path = project / "layers" / "waivers.toml"
    path.write_bytes(_waiver(reason='"两镇相邻"').encode("gbk"))
    return ["check", "--project", project], [path.name]


# --------------------------------------------------------------------------------------
# door 6: indicators and assessment tables (`progress`)
# --------------------------------------------------------------------------------------
def _table_case(id_: str, name: str, edit: Callable[[list[list[str]]], None], needles=()):
    def build(ctx):
        import csv
        import io

        project = ctx.fresh()
        path = project / "layers" / name
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        edit(rows)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
        return ["progress", "--format", "json", "--project", project], [path.name, *needles]

    CASES.append(Case(f"{name.split('.')[0]}-{id_}", build))


def _set(col: str, value: str, row: int = 1):
    def edit(rows):
        rows[row][rows[0].index(col)] = value

    return edit


for _col, _val in [
    ("fai", "inf"),
    ("fai", "nan"),
    ("fai", "-1"),
    ("fai", "abc"),
    ("fai", "1e400"),
    ("tax", "Infinity"),
    ("tourist_visits", "-inf"),
    ("teams", "1.5"),
    ("talents", "1e309"),
    ("quarter", "2019Q5"),
    ("town_id", "HZ-99"),
    ("guidance_station", "maybe"),
]:
    _table_case(f"{_col}-{_val}", "indicators.csv", _set(_col, _val), [_val])


def _extra_cells(row: int):
    def edit(rows):
        rows[row] += ["x", "y"]

    return edit


_table_case("extra-cells-first-row", "indicators.csv", _extra_cells(1))
_table_case("extra-cells-later-row", "indicators.csv", _extra_cells(7))
_table_case("missing-column", "indicators.csv", lambda rows: [r.pop(2) for r in rows])
for _col, _val in [
    ("year", "1e9"),
    ("year", "nan"),
    ("year", "二〇一九"),
    ("grade", "excellent"),
    ("named", "maybe"),
    ("town_id", "HZ-99"),
]:
    _table_case(f"{_col}-{_val}", "assessment.csv", _set(_col, _val), [_val])
_table_case("extra-cells", "assessment.csv", _extra_cells(3))


# --------------------------------------------------------------------------------------
# door 7: the files themselves
# --------------------------------------------------------------------------------------
def _file_variants():
    def missing(ctx, name):
        return ctx.tmp / name

    def folder(ctx, name):
        p = ctx.tmp / name
        p.mkdir()
        return p

    def loop(ctx, name):
        p = ctx.tmp / name
        os.symlink(p, p)
        return p

    def dangling(ctx, name):
        p = ctx.tmp / name
        os.symlink(ctx.tmp / "nowhere" / name, p)
        return p

    def empty(ctx, name):
        return _write(ctx, name, "")

    def garbage(ctx, name):
        return _write(ctx, name, bytes(range(256)) * 4)

    def truncated(ctx, name):
        return _write(ctx, name, _json(TOWNS)[:500])

    return [
        ("missing", missing),
        ("folder", folder),
        ("symlink-loop", loop),
        ("dangling-link", dangling),
        ("empty", empty),
        ("garbage", garbage),
        ("truncated", truncated),
    ]


def _file_case(door: str, variant: str, make, suffix: str):
    def build(ctx):
        path = make(ctx, f"input-{variant}{suffix}")
        argv = {
            "import": ["import", "towns", path, "--check-only"],
            "site": ["site", "--file", path],
            "boundary": ["site", "--boundary", path, *SITE],
            "ruleset": ["check", "--ruleset", path],
        }[door]
        return [*argv, "--project", ctx.project], [path.name]

    CASES.append(Case(f"file-{door}-{variant}{suffix}", build))


for _variant, _make in _file_variants():
    for _door, _suffix in [
        ("import", ".geojson"),
        ("import", ".csv"),
        ("site", ".geojson"),
        ("boundary", ".gpkg"),
        ("ruleset", ".toml"),
    ]:
        if _variant in ("truncated",) and _suffix in (".toml", ".gpkg"):
            continue
        _file_case(_door, _variant, _make, _suffix)


@case("file-import-unsupported-suffix")
def _(ctx):
    path = _write(ctx, "towns.docx", "x")
    return ["import", "towns", path, "--check-only", "--project", ctx.project], [path.name]


@case("file-import-csv-gbk-no-lonlat")
def _(ctx):
    path = _write(ctx, "gbk.csv", "名称,东,北\n甲,1,2\n".encode("gbk"))
    return ["import", "proposals", path, "--check-only", "--project", ctx.project], [path.name]


# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_clear_message(c: Case, strict_cli, shared_project, tmp_path, request):
    def fresh() -> Path:
        return request.getfixturevalue("fresh_project")

    argv, needles = c.build(Ctx(tmp_path, shared_project, fresh))
    r, caught = strict_cli(*argv)
    assert r.code == 2, f"exit {r.code}: {r.text}"
    assert "Traceback" not in r.text
    assert "unexpected" not in r.err and "意外" not in r.err, r.err
    assert not caught, caught
    assert "Warning" not in r.err
    for needle in needles:
        assert needle in r.err, f"{needle!r} not in {r.err}"
    assert "np.float64" not in r.err and "np.int64" not in r.err
    longest = max((len(w) for w in r.err.split()), default=0)
    assert longest < 400, "a value is quoted unshortened"


def test_the_matrix_has_at_least_250_cases():
    assert len(CASES) >= 250
    assert len({c.id for c in CASES}) == len(CASES)
