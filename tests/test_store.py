"""The project store: import modes, history and restore, references, the read-only sample."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from townsgis.errors import DataError, ProjectError
from townsgis.project import Project, bundled_root
from townsgis.store import ProjectStore, merge_layers
from townsgis.store.folder import FolderStore


@pytest.fixture
def cli(cli):
    """The CLI in English (these tests read English messages)."""
    return lambda *args: cli(*args, "--lang", "en")


@pytest.fixture(autouse=True)
def _english(_chinese_by_default):
    from townsgis.i18n import set_lang

    set_lang("en")


def towns_of(project_copy) -> gpd.GeoDataFrame:
    return gpd.read_file(project_copy / "layers" / "towns.geojson")


def shifted(t: gpd.GeoDataFrame, ids: list[str], start: int) -> gpd.GeoDataFrame:
    """Copies of the first towns under new ids (same unit, so they stay valid)."""
    new = t.iloc[: len(ids)].copy()
    new["town_id"] = ids
    new["name_zh"] = [f"新镇{i}" for i in range(start, start + len(ids))]
    return new


def test_folder_store_has_the_store_interface(project_copy):
    store = Project.open(project_copy).store
    assert isinstance(store, FolderStore)
    assert isinstance(store, ProjectStore)
    assert store.has_layer("towns") and not store.has_layer("nothing")
    assert store.read_layer("towns").crs.to_epsg() == 4326
    assert store.read_document("waivers").startswith(b"#")
    assert store.read_document("indicators") is not None
    assert "huzhou-2018" in store.rulesets()
    assert store.history() == []


def test_replace_then_restore_is_byte_for_byte(cli, project_copy, tmp_path, sha256):
    target = project_copy / "layers" / "towns.geojson"
    before = sha256(target)
    src = tmp_path / "t.geojson"
    t = towns_of(project_copy)
    t.assign(name_en="changed").to_file(src, driver="GeoJSON")
    r = cli("import", "towns", src, "--mode", "replace", "--project", project_copy)
    assert r.code == 0, r.text
    assert "kept the previous layer as version 1" in r.out
    assert sha256(target) != before
    r = cli("history", "--project", project_copy, "--format", "json")
    (v,) = json.loads(r.out)["versions"]
    assert (v["name"], v["version"], v["count"]) == ("towns", 1, len(t))
    assert v["sha256"] == before
    r = cli("restore", "towns", "--project", project_copy)
    assert r.code == 0, r.text
    assert sha256(target) == before
    # the restore kept the replaced layer too: restoring version 2 undoes the restore
    r = cli("history", "towns", "--project", project_copy)
    assert len(r.out.splitlines()) == 2 and "restore of version 1" in r.out
    changed = cli("restore", "towns", "2", "--project", project_copy)
    assert changed.code == 0 and sha256(target) != before


def test_restore_of_an_unknown_version_lists_the_kept_ones(cli, project_copy, tmp_path):
    r = cli("restore", "towns", "--project", project_copy)
    assert r.code == 2 and "no kept versions" in r.err
    src = tmp_path / "t.geojson"
    towns_of(project_copy).to_file(src, driver="GeoJSON")
    assert cli("import", "towns", src, "--project", project_copy).code == 0
    r = cli("restore", "towns", "7", "--project", project_copy)
    assert r.code == 2 and "no version 7; kept versions: 1" in r.err


def test_append_adds_features_and_refuses_duplicate_ids(cli, project_copy, tmp_path, sha256):
    target = project_copy / "layers" / "towns.geojson"
    t = towns_of(project_copy)
    src = tmp_path / "more.geojson"
    shifted(t, ["NEW-1", "NEW-2"], 1).to_file(src, driver="GeoJSON")
    r = cli("import", "towns", src, "--mode", "append", "--project", project_copy)
    assert r.code == 0, r.text
    out = gpd.read_file(target)
    assert out["town_id"].tolist() == [*t["town_id"], "NEW-1", "NEW-2"]
    before = sha256(target)
    # the same file again: both ids are already there
    r = cli("import", "towns", src, "--mode", "append", "--project", project_copy)
    assert r.code == 2
    assert "already in the towns layer: NEW-1, NEW-2" in r.err
    assert sha256(target) == before
    # an id of the bundled layer
    dup = tmp_path / "dup.geojson"
    shifted(t, [t.loc[0, "town_id"]], 9).to_file(dup, driver="GeoJSON")
    r = cli("import", "towns", dup, "--mode", "append", "--project", project_copy)
    assert r.code == 2 and t.loc[0, "town_id"] in r.err and "--mode update" in r.err
    assert sha256(target) == before


def test_update_replaces_matching_ids_in_place_and_adds_new_ones(cli, project_copy, tmp_path):
    t = towns_of(project_copy)
    first = t.loc[0, "town_id"]
    edit = t.iloc[[0]].assign(name_zh="改名小镇")
    edit = gpd.GeoDataFrame(
        gpd.pd.concat([edit, shifted(t, ["NEW-9"], 9)], ignore_index=True), crs=t.crs
    )
    src = tmp_path / "edit.geojson"
    edit.to_file(src, driver="GeoJSON")
    r = cli("import", "towns", src, "--mode", "update", "--project", project_copy)
    assert r.code == 0, r.text
    out = gpd.read_file(project_copy / "layers" / "towns.geojson")
    assert out["town_id"].tolist() == [*t["town_id"], "NEW-9"]
    assert out.loc[0, "name_zh"] == "改名小镇" and out.loc[0, "town_id"] == first
    assert out.loc[1 : len(t) - 1, "name_zh"].tolist() == t.loc[1:, "name_zh"].tolist()


def test_replace_naming_waived_towns_is_refused_with_the_list(cli, project_copy, tmp_path):
    t = towns_of(project_copy)
    src = tmp_path / "t.geojson"
    # HZ-09 is named by the sample waiver; drop the projects so only the waiver refers to it
    (project_copy / "layers" / "projects.geojson").unlink()
    for name in ("indicators.csv", "assessment.csv"):
        (project_copy / "layers" / name).unlink()
    t[t["town_id"] != "HZ-09"].to_file(src, driver="GeoJSON")
    r = cli("import", "towns", src, "--project", project_copy)
    assert r.code == 2
    assert "waiver #1 (HZ-SPACING): names missing town(s) HZ-09" in r.err


def test_import_into_the_bundled_sample_is_refused(cli, tmp_path, sha256):
    target = bundled_root() / "layers" / "proposals.geojson"
    before = sha256(target)
    src = tmp_path / "p.geojson"
    gpd.read_file(target).to_file(src, driver="GeoJSON")
    r = cli("import", "proposals", src)
    assert r.code == 2
    assert "read-only" in r.err and "townsgis init" in r.err and "--project" in r.err
    assert sha256(target) == before
    # checking a file against the sample is still fine
    assert cli("import", "proposals", src, "--check-only").code == 0


def test_bundled_project_writes_outputs_under_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = Project.open(None)
    assert p.bundled and p.store.read_only
    assert p.maps_dir == tmp_path / "maps"
    with pytest.raises(ProjectError, match="read-only"):
        p.store.write_document("waivers", b"")


def _frame(ids: list[str], xs: list[float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"town_id": ids, "v": xs}, geometry=shapely.points(xs, xs), crs="EPSG:4326"
    )


def test_merge_layers_modes():
    old = _frame(["a", "b", "c"], [1.0, 2.0, 3.0])
    new = _frame(["b", "d"], [20.0, 40.0])
    assert merge_layers(old, new, "replace", "towns")["town_id"].tolist() == ["b", "d"]
    up = merge_layers(old, new, "update", "towns")
    assert up["town_id"].tolist() == ["a", "b", "c", "d"]
    assert up["v"].tolist() == [1.0, 20.0, 3.0, 40.0]
    assert up.crs.to_epsg() == 4326
    with pytest.raises(DataError, match="already in the towns layer: b"):
        merge_layers(old, new, "append", "towns")
    with pytest.raises(DataError, match="repeated in the new features: x"):
        merge_layers(old, _frame(["x", "x"], [5.0, 6.0]), "append", "towns")
    app = merge_layers(old, _frame(["x"], [5.0]), "append", "towns")
    assert app["town_id"].tolist() == ["a", "b", "c", "x"]
    assert merge_layers(None, new, "append", "towns")["town_id"].tolist() == ["b", "d"]
    with pytest.raises(DataError, match="unknown mode"):
        merge_layers(old, new, "merge", "towns")
