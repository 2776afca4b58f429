"""The city polygon dissolved in the background on a cold run (``load_dataset(city_soon=
True)``): the same polygon as dissolving on first use, used only for the frame it was made
from, and a dataset holding one still copies and pickles."""

from __future__ import annotations

import copy
import pickle

import shapely

from townsgis import dataset as dataset_mod
from townsgis.dataset import load_dataset
from townsgis.project import Project


def _cold(project_copy):
    cache = project_copy / ".cache"
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    return Project.open(project_copy)


def test_a_cold_load_dissolves_the_city_in_the_background_to_the_same_polygon(
    project_copy, monkeypatch
):
    calls = []
    real = dataset_mod._city_frame
    monkeypatch.setattr(dataset_mod, "_city_frame", lambda u: calls.append(1) or real(u))
    ds = load_dataset(_cold(project_copy), city_soon=True)
    assert "_city_job" in ds.__dict__  # started on the cold run
    background = ds.city.iloc[0]
    assert calls == [1] and "_city_job" not in ds.__dict__  # used once, then let go

    plain = load_dataset(_cold(project_copy))
    assert "_city_job" not in plain.__dict__  # only when asked for
    assert shapely.equals_exact(plain.city.iloc[0], background, 0)
    warm = load_dataset(Project.open(project_copy), city_soon=True)
    assert "_city_job" not in warm.__dict__  # cached: nothing to dissolve


def test_the_background_city_is_not_used_for_other_units(project_copy):
    ds = load_dataset(_cold(project_copy), city_soon=True)
    whole = ds.__dict__["_city_job"].result().geometry.iloc[0]
    ds.units = ds.units[ds.units["kind"] != "functional_zone"].iloc[:1].copy()  # replaced
    one = ds.city.iloc[0]
    assert shapely.equals_exact(one, dataset_mod._city_frame(ds.units).geometry.iloc[0], 0)
    assert one.area < whole.area


def test_a_dataset_with_a_city_being_dissolved_copies_and_pickles(project_copy):
    ds = load_dataset(_cold(project_copy), city_soon=True)
    for other in (copy.copy(ds), copy.deepcopy(ds), pickle.loads(pickle.dumps(ds))):
        assert "_city_job" not in other.__dict__
        assert shapely.equals_exact(other.city.iloc[0], ds.city.iloc[0], 0)
