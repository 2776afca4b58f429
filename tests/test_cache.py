"""The project cache (.cache/) of derived data: same results as without it, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from townsgis.dataset import load_dataset, union_polygons
from townsgis.engine import load_inputs, run_rules
from townsgis.errors import ProjectError
from townsgis.project import Project


def _check(root: Path) -> dict:
    ds, rs = load_inputs(Project.open(root))
    return run_rules(ds, rs).to_json("en")


def _uncached(root: Path, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setenv("TOWNSGIS_NO_CACHE", "1")
        return _check(root)


def test_warm_run_gives_the_same_findings_as_a_cold_one(project_copy, monkeypatch):
    cold = _check(project_copy)
    cache = project_copy / ".cache"
    assert (cache / "city").is_dir() and (cache / "valid-towns").is_dir()
    assert (cache / ".gitignore").read_text() == "*\n"  # never committed by accident
    assert _check(project_copy) == cold
    assert _uncached(project_copy, monkeypatch) == cold


def test_changed_towns_change_the_result(project_copy, monkeypatch):
    before = _check(project_copy)
    path = project_copy / "layers" / "towns.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    for f in data["features"]:  # every town becomes a tourism town: the 60% share now fails
        f["properties"]["category"] = "tourism"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = _check(project_copy)
    assert after != before
    assert after == _uncached(project_copy, monkeypatch)
    ds = load_dataset(Project.open(project_copy))
    assert set(ds.towns["category"]) == {"tourism"}


def test_changed_units_change_the_city_polygon(project_copy):
    ds = load_dataset(Project.open(project_copy))
    area = ds.city.to_crs(4549).area.iloc[0]
    path = project_copy / "data" / "boundaries" / "units.geojson"
    units = gpd.read_file(path)
    keep = units["kind"] != "functional_zone"
    first = units.index[keep][0]
    units.loc[first, "geometry"] = units.loc[first, "geometry"].buffer(0.05)  # grows the city
    units.to_file(path, driver="GeoJSON")
    ds2 = load_dataset(Project.open(project_copy))
    assert ds2.city.to_crs(4549).area.iloc[0] > area * 1.01
    assert ds2.units.loc[first, "geometry"].equals(units.loc[first, "geometry"])


def test_a_replaced_frame_is_never_served_from_the_cache(project_copy):
    import dataclasses

    ds = load_dataset(Project.open(project_copy))
    _ = ds.city
    smaller = ds.units.iloc[:1]
    other = dataclasses.replace(ds, units=smaller, _metric={})
    assert other.source_key("units") is None
    expected = union_polygons(smaller.geometry.values)
    assert other.city.iloc[0].equals(expected)


def test_coverage_union_is_the_same_polygon_as_union_all(project_copy):
    ds = load_dataset(Project.open(project_copy))
    base = ds.units[ds.units["kind"] != "functional_zone"].geometry.values
    fast = union_polygons(base)
    slow = shapely.union_all(base)
    assert shapely.symmetric_difference(fast, slow).area <= 1e-12 * slow.area
    assert fast.area == pytest.approx(slow.area, rel=1e-12)


def test_overlapping_polygons_fall_back_to_union_all():
    a = shapely.box(0, 0, 2, 2)
    b = shapely.box(1, 0, 3, 2)  # overlaps a: not a coverage
    c = shapely.box(3, 0, 4, 1)  # touches b along part of an edge (unmatched vertices)
    geoms = [a, b, c]
    assert union_polygons(geoms).equals(shapely.union_all(geoms))
    assert union_polygons([a, shapely.box(2, 0, 3, 2)]).equals(shapely.box(0, 0, 3, 2))


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg"])
def test_layers_may_be_geoparquet_or_geopackage(project_copy, suffix, monkeypatch):
    from townsgis.layers import read_layer, write_layer

    want = _uncached(project_copy, monkeypatch)
    for kind, folder in (("towns", "layers"), ("units", "data/boundaries")):
        src = project_copy / folder / f"{kind}.geojson"
        gdf = read_layer(src)
        if suffix == ".parquet":
            gdf.to_parquet(src.with_suffix(suffix))
        else:
            write_layer(gdf, src.with_suffix(suffix))
        with pytest.raises(ProjectError, match="存了两份"):
            Project.open(project_copy).layer_path(kind)
        src.unlink()
    proj = Project.open(project_copy)
    assert proj.layer_path("towns").suffix == suffix
    assert _check(project_copy) == want


def test_import_can_keep_a_layer_as_geoparquet(cli, project_copy, monkeypatch):
    want = _uncached(project_copy, monkeypatch)
    src = project_copy / "towns-in.geojson"
    src.write_bytes((project_copy / "layers" / "towns.geojson").read_bytes())
    r = cli("import", "towns", src, "--project", project_copy, "--layer-format", "parquet")
    assert r.code == 0, r.text
    assert "towns.parquet" in r.out
    assert (project_copy / "layers" / "towns.parquet").is_file()
    assert not (project_copy / "layers" / "towns.geojson").exists()  # kept in the history
    assert _check(project_copy) == want
    r = cli("import", "towns", src, "--project", project_copy, "--layer-format", "gpkg")
    assert r.code == 0, r.text
    assert sorted(p.name for p in (project_copy / "layers").glob("towns.*")) == ["towns.gpkg"]
    assert _check(project_copy) == want


def _entries(root: Path, slot: str) -> list[Path]:
    return sorted((root / ".cache" / slot).glob("*.npz"))


@pytest.fixture
def no_memo(monkeypatch):
    """Simulations are also kept in memory per process: start each test without them."""
    from townsgis.checks import clustering

    monkeypatch.setattr(clustering, "_SIMULATED", {})  # both kinds' (kept_simulation)


def test_rule_intermediates_are_kept_and_follow_the_towns(project_copy, monkeypatch, no_memo):
    """The within-unit shares and the concentration and clustering simulations are kept in
    the cache; a changed towns layer gives a new entry and the same findings as an uncached
    run."""
    before = _check(project_copy)
    assert len(_entries(project_copy, "within-unit")) == 1
    assert len(_entries(project_copy, "sim-concentration")) == 1
    assert len(_entries(project_copy, "sim-clustering")) == 1
    assert _check(project_copy) == before
    path = project_copy / "layers" / "towns.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    units = gpd.read_file(project_copy / "data" / "boundaries" / "units.geojson")
    first = data["features"][0]["properties"]
    other = next(u for u in units["unit_id"] if u != first["unit_id"])
    first["unit_id"] = other  # now declares a unit it does not lie in
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = _check(project_copy)
    rules = {f["rule"] for f in after["findings"]} - {f["rule"] for f in before["findings"]}
    assert "HZ-WITHIN-UNIT" in rules
    assert after == _uncached(project_copy, monkeypatch)
    assert len(_entries(project_copy, "within-unit")) == 2  # the newest few are kept


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 not a zip", None])
def test_a_damaged_rule_entry_is_rebuilt(project_copy, monkeypatch, damage, no_memo):
    cold = _check(project_copy)
    monkeypatch.setattr("townsgis.checks.clustering._SIMULATED", {})
    for slot in ("within-unit", "sim-concentration", "sim-clustering"):
        (entry,) = _entries(project_copy, slot)
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if damage is None else damage)  # truncated
    assert _check(project_copy) == cold
    monkeypatch.setattr("townsgis.checks.clustering._SIMULATED", {})
    assert _uncached(project_copy, monkeypatch) == cold
    import numpy as np

    for slot in ("within-unit", "sim-concentration", "sim-clustering"):
        (entry,) = _entries(project_copy, slot)
        with np.load(entry) as z:  # rewritten whole
            assert len(z.files) >= 1


def test_input_hashes_are_remembered_but_never_hide_a_change(tmp_path, monkeypatch):
    """A file's hash is reused across processes only while its size, mtime and ctime are
    the ones it was hashed with: rewriting the same number of bytes and putting the mtime
    back still gives the new bytes' hash (the ctime moved)."""
    import hashlib
    import os
    import time

    from townsgis import cache

    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # test files are seconds old, not settled
    memo = tmp_path / "memo"
    f = tmp_path / "towns.parquet"
    f.write_bytes(b"a" * 1000)

    def truth() -> str:
        return hashlib.blake2b(f.read_bytes(), digest_size=20).hexdigest()

    def fresh() -> str:  # a new process: nothing memoised in memory
        monkeypatch.setattr(cache, "_HASHES", {})
        return cache.file_hash(f, memo)

    assert fresh() == truth()
    (record,) = memo.glob("*.json")
    assert fresh() == truth()
    st = f.stat()
    time.sleep(0.05)  # past the clock tick of the first write
    f.write_bytes(b"b" * 1000)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fresh() == truth() == hashlib.blake2b(b"b" * 1000, digest_size=20).hexdigest()
    record.write_text("{not json", encoding="utf-8")  # damaged: hashed again, rewritten
    assert fresh() == truth()
    assert json.loads(record.read_text(encoding="utf-8"))["hash"] == truth()


def test_a_fresh_file_is_not_remembered_on_disk(tmp_path):
    from townsgis import cache

    f = tmp_path / "units.parquet"
    f.write_bytes(b"x")
    cache.file_hash(f, tmp_path / "memo")
    assert not list((tmp_path / "memo").glob("*.json"))  # written just now: could be racy


def test_check_and_a_layout_only_command_do_not_evict_each_other(project_copy, monkeypatch):
    """`feasible`/`site` load units and towns only, `check` all layers: two keys per slot.
    After one of each, neither validates again."""
    from townsgis import schema

    calls = []
    real = schema.validate_dataset
    monkeypatch.setattr(schema, "validate_dataset", lambda ds: calls.append(1) or real(ds))
    for layout_only in (False, True, False, True):
        load_dataset(Project.open(project_copy), layout_only=layout_only)
    assert len(calls) == 2


def test_the_read_only_sample_is_cached_in_the_users_cache(tmp_path, monkeypatch):
    """The bundled sample cannot hold a .cache/: its derived data go to this user's cache
    ($XDG_CACHE_HOME/townsgis/projects/<hash of its path>), private, and give the same
    findings; the sample's own folder is left untouched."""
    from townsgis.dataset import project_cache_root

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    sample = Project.open(None)
    root = project_cache_root(sample)
    assert root is not None and root.is_relative_to(tmp_path / "xdg" / "townsgis" / "projects")
    assert (tmp_path / "xdg" / "townsgis" / "projects").stat().st_mode & 0o077 == 0
    cold = run_rules(*load_inputs(sample)).to_json("en")
    assert (root / ".cache" / "city").is_dir()
    assert not (Path(sample.root) / ".cache").exists()
    assert run_rules(*load_inputs(Project.open(None))).to_json("en") == cold
    with monkeypatch.context() as m:
        m.setenv("TOWNSGIS_NO_CACHE", "1")
        assert run_rules(*load_inputs(Project.open(None))).to_json("en") == cold


def test_a_cache_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    from townsgis.dataset import project_cache_root

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    planted = tmp_path / "elsewhere"
    planted.mkdir()
    (tmp_path / "xdg" / "townsgis").mkdir(parents=True)
    (tmp_path / "xdg" / "townsgis" / "projects").symlink_to(planted)
    assert project_cache_root(Project.open(None)) is None


def test_a_cached_frame_comes_back_with_its_crs_and_attrs(tmp_path):
    """Entries keep the CRS beside the Parquet file (a GeoParquet file's PROJJSON drops the
    ids of a datum ensemble's members, slow to read back): every geometry column gets its own
    CRS back, exactly, the frame its attrs and its active geometry column."""
    from townsgis.cache import Cache

    frame = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[shapely.Point(120.1, 30.5), shapely.Point(120.2, 30.6)],
        crs="EPSG:4326",
    )
    frame["metric"] = frame.geometry.to_crs("EPSG:4549")
    frame.attrs = {"source": "test"}
    store = Cache(tmp_path)
    store.put("slot", "k", frame)
    back = store.get("slot", "k")
    assert back.attrs == {"source": "test"}
    assert back.geometry.name == "geometry"
    assert back.crs.is_exact_same(frame.crs)
    assert back["metric"].crs.is_exact_same(frame["metric"].crs)
    assert frame.crs.to_epsg() == 4326  # the frame written is left as it was
    assert shapely.equals_exact(back["metric"].values, frame["metric"].values, 0).all()
    import pyarrow.parquet as pq

    table = pq.read_table(next((tmp_path / ".cache" / "slot").glob("*.parquet")))
    assert gpd.GeoDataFrame.from_arrow(table).crs is None  # the CRS lives in the .json


def test_a_cached_frame_is_the_frame_put(tmp_path):
    """Columns, dtypes, index and geometry come back equal (a layer as the project reads it,
    its geometry column renamed and its index not a range)."""
    import pandas as pd

    from townsgis.cache import Cache

    towns = Project.open(None).store.read_layer("towns")
    towns = towns.rename_geometry("geom").set_index("town_id", drop=False)
    store = Cache(tmp_path)
    store.put("towns", "k", towns)
    back = store.get("towns", "k")
    pd.testing.assert_frame_equal(back, towns, check_exact=True)
    assert back.geometry.name == "geom" and back.crs.is_exact_same(towns.crs)


def test_rows_and_fields_are_read_from_their_row_groups_alone(tmp_path):
    """``get_rows`` reads the row groups holding the rows asked for (here 2 rows a group)
    and gives them with their positions; ``get_fields`` gives the columns without geometry."""
    import numpy as np

    from townsgis.cache import Cache

    frame = gpd.GeoDataFrame(
        {
            "unit_id": [f"u{i}" for i in range(9)],
            "kind": ["county", "zone", *["county"] * 6, "zone"],
            "n": np.arange(9),
        },
        geometry=[shapely.box(i, 0, i + 1.5, 1) for i in range(9)],
        crs="EPSG:4549",
    )
    frame.attrs = {"made": "here"}
    store = Cache(tmp_path)
    store.put("slot", "k", frame, row_group_size=2)
    got = store.get_rows("slot", "k", "unit_id", {"u4", "u5", "nothing"}, extra=("kind", "zone"))
    want = frame.iloc[[1, 4, 5, 8]]
    assert list(got.index) == [1, 4, 5, 8]
    assert got.drop(columns="geometry").equals(want.drop(columns="geometry"))
    assert all(a.equals_exact(b, 0) for a, b in zip(got.geometry, want.geometry, strict=True))
    assert got.crs == frame.crs and got.attrs == {"made": "here"}
    assert store.get_fields("slot", "k").equals(pd.DataFrame(frame.drop(columns="geometry")))
    assert store.get_rows("slot", "other", "unit_id", {"u1"}, extra=("kind", "zone")) is None


def _rename_first_unit(path: Path, name: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["name_en"] = name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("first", ["units", "metric"])
def test_a_lazy_layer_read_from_changed_files_caches_nothing_under_the_old_key(project_copy, first):
    """The units' entry pruned and their file edited while a dataset waits to read them: the
    dataset reads the edited file, but nothing derived from it is filed under the old key
    (a later run on the original files would be served the edited name)."""
    project = Project.open(project_copy)
    load_dataset(project)  # caches the validated layers
    ds = load_dataset(project)
    assert not ds.loaded("units")
    path = project_copy / "data" / "boundaries" / "units.geojson"
    original = path.read_bytes()
    _rename_first_unit(path, "EDITED")
    load_dataset(project)  # two new keys (full, layout-only) push the old entry out
    load_dataset(project, layout_only=True)
    if first == "units":
        assert ds.units["name_en"].iloc[0] == "EDITED"  # the files as they are now
    assert ds.metric("units")["name_en"].iloc[0] == "EDITED"
    _ = ds.city
    path.write_bytes(original)
    fresh = load_dataset(Project.open(project_copy))
    want = gpd.read_file(path)["name_en"].iloc[0]
    assert fresh.units["name_en"].iloc[0] == want
    assert fresh.metric("units")["name_en"].iloc[0] == want
    again = load_dataset(Project.open(project_copy))  # lazily, from the entries now written
    assert again.metric("units")["name_en"].iloc[0] == want
    assert ds.source_key("units") is None  # the edited frame is no longer the key's


def test_a_damaged_lazy_entry_is_written_again(project_copy):
    """An entry whose footer reads but whose data does not is rebuilt by the first run that
    has to read the layer from the project's files."""
    from townsgis.cache import Cache

    project = Project.open(project_copy)
    want = load_dataset(project).units
    (entry,) = (project_copy / ".cache" / "valid-units").glob("*.parquet")
    data = bytearray(entry.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little") + 8  # the metadata, its length, PAR1
    data[4:-footer] = b"\x00" * len(data[4:-footer])  # the pages
    entry.write_bytes(bytes(data))
    cache = Cache(project_copy)
    assert cache.has("valid-units", entry.stem) and cache.get("valid-units", entry.stem) is None
    ds = load_dataset(project)
    assert not ds.loaded("units")
    assert ds.units.equals(want)
    assert ds.source_key("units") is not None
    assert cache.get("valid-units", entry.stem).equals(want)


def test_threads_sharing_a_dataset_read_a_lazy_layer_once(project_copy, monkeypatch):
    """The web app's threads share one Dataset: its lazy layers are read once, and every
    thread gets that frame (no AttributeError or KeyError half-way)."""
    import threading
    import time

    from townsgis.dataset import Dataset

    project = Project.open(project_copy)
    load_dataset(project)
    ds = load_dataset(project)
    assert not ds.loaded("units")
    reads = []
    load = Dataset._load_lazy

    def slow(self, *args, **kwargs):
        reads.append(args[0])
        time.sleep(0.2)
        return load(self, *args, **kwargs)

    monkeypatch.setattr(Dataset, "_load_lazy", slow)
    got, errors = [], []

    def reader():
        try:
            got.append(ds.units)
        except Exception as exc:  # noqa: BLE001 - what a request would have hit
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and reads == ["units"]
    assert all(g is got[0] for g in got) and ds.source_key("units") is not None


def test_a_dataset_with_a_lazy_layer_copies_and_pickles(project_copy):
    import copy
    import pickle

    project = Project.open(project_copy)
    load_dataset(project)
    ds = load_dataset(project)
    assert not copy.copy(ds).loaded("units")
    for other in (copy.deepcopy(ds), pickle.loads(pickle.dumps(ds))):
        assert other.units.equals(ds.units)
