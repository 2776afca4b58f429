"""Schema checks (issue 2 §5): every problem collected into one SchemaError naming the feature."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from townsgis.crs import wgs84_to_gcj02
from townsgis.dataset import load_dataset
from townsgis.errors import SchemaError
from townsgis.i18n import using
from townsgis.project import Project
from townsgis.schema import MAX_ROWS_PER_PROBLEM, validate_layer

PROJECT = Project.open(None)  # bundled Huzhou: region_bbox [119.2, 30.3, 120.6, 31.2]


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (tests/vocab checks the Chinese ones)."""
    with using("en"):
        yield


def units() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "unit_id": ["330502", "330503"],
            "name_zh": ["吴兴区", "南浔区"],
            "kind": ["district", "district"],
        },
        geometry=[box(120.0, 30.7, 120.2, 30.9), box(120.2, 30.7, 120.4, 30.9)],
        crs="EPSG:4326",
    )


def towns(n: int = 3) -> gpd.GeoDataFrame:
    x = [120.05 + 0.1 * i for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "town_id": [f"T{i + 1}" for i in range(n)],
            "name_zh": [f"小镇{i + 1}" for i in range(n)],
            "unit_id": ["330502" if v < 120.2 else "330503" for v in x],
            "level": ["provincial_creation"] * n,
            "category": ["manufacturing"] * n,
        },
        geometry=[box(v, 30.80, v + 0.02, 30.82) for v in x],
        crs="EPSG:4326",
    )


def projects(points) -> gpd.GeoDataFrame:
    n = len(points)
    return gpd.GeoDataFrame(
        {
            "project_id": [f"P{i + 1}" for i in range(n)],
            "town_id": ["T1"] * n,
            "name_zh": [f"项目{i + 1}" for i in range(n)],
            "stage": ["reserve"] * n,
            "total_investment": [1.5] * n,
        },
        geometry=[shapely.Point(p) for p in points],
        crs="EPSG:4326",
    )


def problems(gdf, kind="towns", **kw) -> list[str]:
    with pytest.raises(SchemaError) as exc:
        validate_layer(gdf, kind, source="in.geojson", project=PROJECT, **kw)
    assert exc.value.source == "in.geojson"
    return exc.value.problems


def one(probs: list[str], *needles: str) -> str:
    hits = [p for p in probs if all(n in p for n in needles)]
    assert len(hits) == 1, f"{needles} not exactly once in {probs}"
    return hits[0]


def test_good_layer_passes_and_gains_declared_columns():
    gdf, fixes = validate_layer(towns(), "towns", source="x", project=PROJECT, units=units())
    assert fixes == []
    assert {"investor", "scenic_grade", "planned_area_km2"} <= set(gdf.columns)
    assert gdf["investor"].isna().all()


def test_every_problem_is_collected_in_one_error():
    t = towns()
    t.loc[1, "level"] = "provincial"
    t.loc[2, "town_id"] = "T1"
    t.loc[0, "category"] = "farming"
    t = t.drop(columns=["name_zh"])
    probs = problems(t, units=units())
    assert len(probs) == 4
    one(probs, "missing column 'name_zh'", "columns found: town_id")
    one(probs, "feature 2 (T2)", "unknown level 'provincial'", "provincial (creation) (")
    one(probs, "feature 1 (T1)", "unknown category 'farming'", "manufacturing (")
    one(probs, "duplicate town_id 'T1' at features 1, 3")


def test_enum_hint_and_column_hint():
    t = towns(1).rename(columns={"level": "Level", "category": "类别"})
    gdf, _ = validate_layer(t, "towns", source="x", project=PROJECT)  # header words accepted
    assert {"level", "category"} <= set(gdf.columns)
    t = towns(1).rename(columns={"level": "levle"})
    one(problems(t), "missing column 'level'", "did you mean 'levle'?")
    t = towns(1)
    t.loc[0, "level"] = "Provincial_Creation"  # read as provincial_creation (case, blanks)
    gdf, _ = validate_layer(t, "towns", source="x", project=PROJECT)
    assert gdf.loc[0, "level"] == "provincial_creation"
    t.loc[0, "level"] = "provincal_creation"
    one(problems(t), "feature 1 (T1 小镇1)", "did you mean 'provincial (creation)'?")


def test_wrong_types_and_empty_required_values():
    t = towns(2)
    t["planned_area_km2"] = ["3.5", "很大"]
    t["approximate"] = ["是", "maybe"]
    t.loc[0, "unit_id"] = " "
    probs = problems(t)
    one(probs, "feature 2 (T2 小镇2)", "planned_area_km2 '很大' is not a number")
    one(probs, "feature 2", "approximate 'maybe' is not true/false")
    one(probs, "feature 1 (T1 小镇1)", "unit_id is empty")
    assert len(probs) == 3  # "3.5" and "是" are fine


def test_numbers_as_ids_and_text_booleans_are_normalised():
    t = towns(1)
    t["town_id"] = [17]
    u = units()
    t["unit_id"] = [330502]
    t["approximate"] = ["true"]
    gdf, _ = validate_layer(t, "towns", source="x", project=PROJECT, units=u)
    assert gdf.loc[0, "town_id"] == "17" and gdf.loc[0, "unit_id"] == "330502"
    assert gdf["approximate"].tolist() == [True]


@pytest.mark.parametrize(("value", "ok"), [(0.0, True), (1.0, True), (-0.01, False), (1.01, False)])
def test_government_share_bounds_inclusive(value, ok):
    p = projects([(120.06, 30.81)])
    p["government_share"] = [value]
    if ok:
        validate_layer(p, "projects", source="x", project=PROJECT)
    else:
        one(problems(p, "projects"), "feature 1 (P1 项目1)", "government_share")


@pytest.mark.parametrize(
    ("part", "whole"),
    [
        ("invested_to_date", "total_investment"),
        ("specialty_industry", "invested_to_date"),
        ("tech_investment", "invested_to_date"),
    ],
)
def test_a_part_may_equal_but_not_exceed_its_whole(part, whole):
    p = projects([(120.06, 30.81), (120.06, 30.81)])
    p["invested_to_date"] = 1.0
    p[whole] = 1.0
    p[part] = [1.0, 1.01]  # equal is fine, above is not
    probs = problems(p, "projects")
    assert len(probs) == 1
    one(probs, "feature 2 (P2 项目2)", f"{part} 1.01 (100M yuan) exceeds {whole} 1 (100M yuan)")


def test_quarter_pattern():
    p = projects([(120.06, 30.81)])
    p["start_quarter"] = ["2018-Q1"]
    one(problems(p, "projects"), "start_quarter '2018-Q1' is not like 2018Q3")


def test_geometry_type_empty_and_missing():
    t = towns(3)
    t.loc[0, "geometry"] = shapely.LineString([(120.0, 30.8), (120.1, 30.8)])
    t.loc[1, "geometry"] = shapely.Polygon()
    t.loc[2, "geometry"] = None
    probs = problems(t)
    one(probs, "feature 1 (T1", "geometry is LineString; expected Polygon or MultiPolygon")
    one(probs, "feature 2 (T2", "empty geometry")
    one(probs, "feature 3 (T3", "no geometry")


def test_proposals_accept_points_and_polygons_projects_only_points():
    prop = gpd.GeoDataFrame(
        {"name": ["候选甲", "候选乙"], "category": ["tourism"] * 2, "level": ["municipal"] * 2},
        geometry=[shapely.Point(120.1, 30.8), box(120.1, 30.8, 120.11, 30.81)],
        crs="EPSG:4326",
    )
    gdf, _ = validate_layer(prop, "proposals", source="x", project=PROJECT)
    assert gdf["name_zh"].tolist() == ["候选甲", "候选乙"]
    p = projects([(120.06, 30.81)])
    p.loc[0, "geometry"] = box(120.05, 30.80, 120.06, 30.81)
    one(problems(p, "projects"), "geometry is Polygon; expected Point")


BOWTIE = shapely.Polygon([(120.0, 30.8), (120.02, 30.82), (120.02, 30.8), (120.0, 30.82)])


def test_invalid_geometry_is_reported_not_repaired():
    t = towns(2)
    t.loc[1, "geometry"] = BOWTIE
    msg = one(problems(t), "feature 2 (T2 小镇2)", "invalid geometry: Self-intersection")
    assert "--fix-geometry" in msg


def test_fix_geometry_repairs_and_reports():
    t = towns(2)
    t.loc[1, "geometry"] = BOWTIE
    gdf, fixes = validate_layer(t, "towns", source="x", project=PROJECT, fix_geometry=True)
    assert len(fixes) == 1
    assert "feature 2 (T2 小镇2)" in fixes[0] and "Polygon → MultiPolygon" in fixes[0]
    assert "km²" in fixes[0] and "EPSG:4549" in fixes[0]
    assert gdf.geometry.is_valid.all()
    assert gdf.geometry.iloc[1].geom_type == "MultiPolygon"
    assert len(gdf.geometry.iloc[1].geoms) == 2
    assert t.geometry.iloc[1].equals(BOWTIE)  # the caller's frame is untouched


def test_missing_crs_hints_at_degrees_or_metres():
    t = towns(1).set_crs(None, allow_override=True)
    one(problems(t), "missing CRS", "--crs wgs84")
    t = towns(1).to_crs("EPSG:4549").set_crs(None, allow_override=True)
    one(problems(t), "missing CRS", "EPSG:4549")


def test_swapped_lon_lat_hint():
    p = projects([(30.81, 120.06)])
    one(problems(p, "projects"), "feature 1 (P1 项目1)", "outside the region", "swapped")


def test_gcj02_mixup_hint_and_region_edge_is_inside():
    lon, lat = wgs84_to_gcj02(120.5995, 30.5)  # just inside; the GCJ-02 shift pushes it out
    assert lon > 120.6
    p = projects([(float(lon), float(lat))])
    one(problems(p, "projects"), "outside the region", "--crs gcj02")
    edge = projects([(120.6, 31.2), (119.2, 30.3)])  # exactly on the box: inside
    validate_layer(edge, "projects", source="x", project=PROJECT)


def test_projected_coordinates_read_as_degrees_hint():
    p = projects([(120.06, 30.81)]).to_crs("EPSG:4549").set_crs("EPSG:4326", allow_override=True)
    one(problems(p, "projects"), "outside the region", "not lon/lat degrees")


def test_unknown_unit_id():
    t = towns(2)
    t.loc[1, "unit_id"] = "330599"
    msg = one(problems(t, units=units()), "feature 2 (T2 小镇2)", "unit_id '330599'")
    assert "330502" in msg  # lists the known units


def test_projects_inside_outside_and_in_another_town():
    # T1 = box(120.05, 30.80, 120.07, 30.82); T2 = box(120.15, ...)
    p = projects([(120.06, 30.81), (120.05, 30.81), (120.16, 30.81), (120.10, 30.81)])
    probs = problems(p, "projects", towns=towns(2))
    assert len(probs) == 2  # P1 inside, P2 exactly on T1's boundary counts as inside
    msg = one(probs, "feature 3 (P3 项目3)", "lies in town T2, not in its own town T1")
    assert "m away" in msg
    msg = one(probs, "feature 4 (P4 项目4)", "outside every town")
    # 120.10 is 0.03° east of T1's edge: ~2.9 km at 30.8°N, measured in EPSG:4549
    d = float(msg.split("m from its own town")[0].split(",")[-1])
    assert 2800 < d < 3000


def test_project_with_unknown_town_id():
    p = projects([(120.06, 30.81)])
    p.loc[0, "town_id"] = "T9"
    one(problems(p, "projects", towns=towns(2)), "feature 1 (P1", "town_id 'T9'")


def test_csv_rows_are_numbered_like_the_spreadsheet():
    t = towns(2)
    t.attrs.update(row_word="row", row_base=2)
    t.loc[1, "level"] = "x"
    one(problems(t), "row 3 (T2 小镇2)", "unknown level 'x'")


def test_long_problem_lists_are_capped_but_counted():
    n = MAX_ROWS_PER_PROBLEM + 5
    p = projects([(120.06, 30.81)] * n)
    p["stage"] = "done"
    probs = problems(p, "projects")
    assert len(probs) == MAX_ROWS_PER_PROBLEM + 1
    assert "and 5 more features with the same problem" in probs[-1]


def test_empty_layer():
    one(problems(towns(0)), "no features")


def test_bundled_dataset_is_valid():
    ds = load_dataset(PROJECT)
    assert len(ds.units) == 7 and len(ds.towns) == 14 and len(ds.projects) == 209
    assert ds.towns["town_id"].is_unique


def test_dataset_errors_in_two_layers_name_both_files(project_copy):
    proj = Project.open(project_copy)
    t = gpd.read_file(proj.layer_path("towns"))
    t.loc[0, "unit_id"] = "nowhere"
    t.to_file(proj.layer_path("towns"), driver="GeoJSON")
    p = gpd.read_file(proj.layer_path("projects"))
    p.loc[0, "stage"] = "dreaming"
    p.to_file(proj.layer_path("projects"), driver="GeoJSON")
    with pytest.raises(SchemaError) as exc:
        load_dataset(proj)
    probs = exc.value.problems
    one(probs, "towns.geojson: feature 1", "unit_id 'nowhere'")
    one(probs, "projects.geojson: feature 1", "unknown stage 'dreaming'")
    assert np.all([p.split(":")[0].endswith(".geojson") for p in probs])


def test_domain_words_are_mapped_once_each_as_lookup_maps_them():
    """A domain column's words (zh, en, aliases, odd spacing, unknown words, non-text) map
    to what ``vocab.lookup`` gives each one (unknown words kept), however often they repeat."""
    from townsgis import vocab
    from townsgis.schema import _canonical

    words = [
        "制造业",
        "manufacturing",
        " Manufacturing ",
        "ＭＡＮＵＦＡＣＴＵＲＩＮＧ",
        "nonsense",
        "",
        None,
        3,
    ]
    term = _canonical("category")
    for _ in range(3):
        got = [term(w) for w in words]
        want = [(vocab.lookup("category", w) or w) if isinstance(w, str) else w for w in words]
        assert got == want
    assert got[0] == got[1] == got[2] == got[3] == "manufacturing" and got[4] == "nonsense"
