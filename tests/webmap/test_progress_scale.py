"""The progress map stays usable at 100,000 projects: one canvas layer, HTML <= 15 MB."""

from __future__ import annotations

import dataclasses

from townsgis.dataset import load_dataset
from townsgis.mapmodel.progress import progress_model
from townsgis.webmap.common import render_html
from townsgis.webmap.progress_map import build_progress_map, encode_histories
from townsgis.webmap.synthetic import synthetic_projects

MAX_BYTES = 15 * 1024 * 1024


def test_100k_projects_fit_in_15_mb(bundled):
    ds = load_dataset(bundled)
    big = synthetic_projects(ds.towns, 100_000, seed=1)
    model = progress_model(dataclasses.replace(ds, projects=big, _metric={}))
    html = render_html(build_progress_map(model), "zh")
    size = len(html.encode("utf-8"))
    assert size <= MAX_BYTES, f"{size / 1e6:.1f} MB"
    assert html.count("L.canvas(") == 1  # one renderer for every project


def test_histories_encoded_in_time_order_without_repeats():
    import pandas as pd

    from townsgis.progress import parse_history, parse_quarter

    projects = pd.DataFrame(
        {
            "project_id": ["a", "b"],
            "stage_history": [
                "2018Q1:reserve;2018Q1:reserve;2018Q3:approval;2019Q2:construction",
                "2019Q4:approval;2020Q1:operation",
            ],
        }
    )
    hist = parse_history(projects)
    q0 = parse_quarter("2018Q1")
    assert encode_histories(hist, projects.index, q0) == ["0r2a5c", "7a8o"]


def test_synthetic_projects_lie_in_their_own_towns(bundled):
    """The generator's projects pass the schema's inside-its-own-town check (all of them)."""
    from townsgis.schema import validate_layer

    ds = load_dataset(bundled)
    big = synthetic_projects(ds.towns, 20_000, seed=2)
    clean, _ = validate_layer(big, "projects", source="synthetic", project=bundled, towns=ds.towns)
    assert len(clean) == 20_000
    assert big["synthetic"].all()
    assert big["name_zh"].str.contains("synthetic").all()
