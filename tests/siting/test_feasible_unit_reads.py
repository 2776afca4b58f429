"""`feasible --unit` reads one unit: the units layer is loaded lazily, the unit's outline (and
the functional zones) alone from the cache, its traced region kept per inputs; the result is
the same as an uncached run, and never stale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.affinity
import shapely.geometry

from townsgis.engine import load_inputs
from townsgis.project import Project
from townsgis.siting import feasible_area

#: A district a zone is carved from, a zone, a county with room for one more.
UNITS = ("330502", "huzhou-dz", "330521")


def _load(root: Path):
    return load_inputs(Project.open(root), layout_only=True)


def _result(ds, rs, unit: str) -> tuple:
    res = feasible_area(ds, rs, category="manufacturing", unit=unit)
    return res.to_dict(), [g.wkb for g in res.layer.geometry]


def _uncached(root: Path, monkeypatch, unit: str) -> tuple:
    with monkeypatch.context() as m:
        m.setenv("TOWNSGIS_NO_CACHE", "1")
        return _result(*_load(root), unit)


def test_a_unit_is_judged_without_the_units_layer_and_as_uncached(project_copy, monkeypatch):
    cold = {u: _result(*_load(project_copy), u) for u in UNITS}  # writes the cache
    ds, rs = _load(project_copy)
    assert not ds.loaded("units")
    for u in UNITS:
        assert _result(ds, rs, u) == cold[u] == _uncached(project_copy, monkeypatch, u)
    assert not ds.loaded("units") and "units" not in ds._metric  # neither copy was read
    assert list((project_copy / ".cache" / "feasible-region").glob("*.npz"))
    again, _ = _load(project_copy)  # the regions read back: the same geometries
    assert all(_result(again, rs, u) == cold[u] for u in UNITS)


def test_unit_fields_and_rows_are_those_of_the_layer(project_copy):
    _load(project_copy)[0].metric("units")  # cached: the units and their metric copy
    ds, _ = _load(project_copy)
    fields, rows = ds.unit_fields(), ds.metric_units_of(["330502"])
    assert not ds.loaded("units")
    full = ds.metric("units")
    assert fields.equals(full.drop(columns="geometry"))
    assert rows["unit_id"].tolist() == ["330502", "huzhou-dz", "taihu-resort"]
    want = full.iloc[rows.index]
    assert rows.drop(columns="geometry").equals(want.drop(columns="geometry"))
    assert list(shapely.to_wkb(rows.geometry.values)) == list(shapely.to_wkb(want.geometry.values))
    assert ds.units.drop(columns="geometry").equals(fields)  # loaded on first use


def test_a_damaged_units_entry_is_read_from_the_project(project_copy):
    want, _ = _load(project_copy)
    want = want.units
    ds, _ = _load(project_copy)
    assert not ds.loaded("units")
    (entry,) = (project_copy / ".cache" / "valid-units").glob("*.parquet")
    entry.write_bytes(b"PAR1 not parquet")
    assert ds.units.equals(want)
    assert ds.source_key("units") is not None  # still the layer of the files


def test_a_moved_town_gives_a_new_region(project_copy, monkeypatch):
    unit = "330521"
    before = _result(*_load(project_copy), unit)
    path = project_copy / "layers" / "towns.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    town = next(f for f in data["features"] if f["properties"]["unit_id"] == unit)
    moved = shapely.affinity.translate(shapely.geometry.shape(town["geometry"]), 0.01)  # ~1 km
    town["geometry"] = shapely.geometry.mapping(moved)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = _result(*_load(project_copy), unit)
    assert after != before
    assert after == _uncached(project_copy, monkeypatch, unit)
    assert len(list((project_copy / ".cache" / "feasible-region").glob("*.npz"))) == 2


def test_each_unit_alone_is_its_part_of_the_city_wide_area(fx):
    """A unit at its cap (A), one with its own override (Z = 1) and an open one (B): asked for
    alone (its rows and its override only), each is what the city-wide run gives it."""
    ds, rs = fx.dataset(), fx.ruleset()
    city = feasible_area(ds, rs, category="manufacturing")
    geoms = dict(zip(city.layer["unit_id"], city.layer.geometry, strict=True))
    for u in ("A", "B", "Z"):
        res = feasible_area(fx.dataset(), rs, category="manufacturing", unit=u)
        assert res.excluded_units == [e for e in city.excluded_units if e["unit_id"] == u]
        assert [g.wkb for g in res.layer.geometry] == ([geoms[u].wkb] if u in geoms else [])


@pytest.mark.parametrize("damage", [b"PK\x03\x04 not a zip", b"\x01\x03\x00"])
def test_a_damaged_region_entry_is_traced_again(project_copy, damage):
    unit = "330521"
    cold = _result(*_load(project_copy), unit)
    (entry,) = (project_copy / ".cache" / "feasible-region").glob("*.npz")
    if damage.startswith(b"PK"):
        entry.write_bytes(damage)
    else:  # an archive whose WKB is cut short
        with entry.open("wb") as fh:
            np.savez(fh, wkb=np.frombuffer(damage, dtype=np.uint8))
    assert _result(*_load(project_copy), unit) == cold
    assert _result(*_load(project_copy), unit) == cold  # rewritten, read back
