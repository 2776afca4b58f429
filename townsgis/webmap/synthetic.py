"""Synthetic projects at scale (e.g. 100,000) for the progress map's size test and benchmarks.

Every row is labelled ``synthetic = True`` and named "合成项目 N (synthetic)"; nothing here is
data about real projects. Every point lies inside its own town's polygon (as stored, WGS84),
so the projects layer passes the schema's inside-its-town check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from townsgis.vocab import STAGES


def points_in_towns(
    towns, n: int, *, seed: int = 0, margin: float = 0.02
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` points (x, y in the towns' CRS, and the index of the town each lies in), each
    inside a random town and at least ``margin`` × the town's size from its edge (so that it
    stays inside after reprojection to any analysis CRS): uniform in the town's bounding box,
    redrawn until the town's inset polygon contains it."""
    rng = np.random.default_rng(seed)
    geoms = np.asarray(towns.geometry.values)
    inset = shapely.buffer(geoms, -margin * np.sqrt(shapely.area(geoms)), quad_segs=2)
    geoms = np.where(shapely.is_empty(inset), geoms, inset)
    b = shapely.bounds(geoms)
    k = rng.integers(0, len(geoms), n)
    x, y = np.empty(n), np.empty(n)
    todo = np.arange(n)
    while len(todo):
        bb = b[k[todo]]
        u = rng.uniform(0, 1, (len(todo), 2))
        x[todo] = bb[:, 0] + (bb[:, 2] - bb[:, 0]) * u[:, 0]
        y[todo] = bb[:, 1] + (bb[:, 3] - bb[:, 1]) * u[:, 1]
        ok = shapely.contains_xy(geoms[k[todo]], x[todo], y[todo])
        todo = todo[~ok]
    return x, y, k


def project_attributes(
    town_ids, *, seed: int = 0, first: str = "2017Q1", last: str = "2020Q4"
) -> pd.DataFrame:
    """The projects-schema fields of one synthetic project per entry of ``town_ids``: forward
    -only stage histories between quarters ``first`` and ``last``; investment in 亿元."""
    from townsgis.progress import format_quarter, parse_quarter

    n = len(town_ids)
    rng = np.random.default_rng(seed + 1)
    q_first, q_last = parse_quarter(first), parse_quarter(last)
    start = rng.integers(q_first, q_last + 1, n)
    steps = np.cumsum(rng.integers(1, 7, (n, 3)), axis=1)
    qs = np.column_stack([start, start[:, None] + steps])  # quarters of the four stages
    reached = qs <= q_last
    labels = {q: format_quarter(int(q)) for q in np.unique(qs)}
    parts = []
    for s, stage in enumerate(STAGES):
        text = pd.Series([labels[q] for q in qs[:, s]]) + f":{stage}"
        parts.append(text.where(reached[:, s], ""))
    history = parts[0]
    for p in parts[1:]:
        history = history + np.where(p != "", ";", "") + p
    stage_idx = reached.sum(axis=1) - 1
    total = np.round(rng.lognormal(1.0, 0.8, n), 2)
    done = np.array([0.0, 0.05, 0.5, 1.0])[stage_idx] * rng.uniform(0.6, 1.0, n)
    invested = np.round(total * done, 2)
    return pd.DataFrame(
        {
            "project_id": [f"S{i:07d}" for i in range(n)],
            "town_id": np.asarray(town_ids),
            "name_zh": [f"合成项目 {i} (synthetic)" for i in range(n)],
            "stage": np.array(STAGES)[stage_idx],
            "total_investment": total,
            "invested_to_date": invested,
            "specialty_industry": np.round(invested * 0.75, 2),
            "government_share": np.round(rng.uniform(0.0, 0.3, n), 3),
            "tech_investment": np.round(invested * 0.09, 2),
            "start_quarter": [labels[q] for q in start],
            "stage_history": history.to_numpy(),
            "synthetic": True,
        }
    )


def synthetic_projects(
    towns, n: int, *, seed: int = 0, first: str = "2017Q1", last: str = "2020Q4"
):
    """``n`` synthetic projects, each a point inside its own town (towns' CRS), with
    forward-only stage histories between quarters ``first`` and ``last``; investment in 亿元."""
    import geopandas as gpd

    x, y, k = points_in_towns(towns, n, seed=seed)
    attrs = project_attributes(towns["town_id"].to_numpy()[k], seed=seed, first=first, last=last)
    return gpd.GeoDataFrame(attrs, geometry=gpd.points_from_xy(x, y), crs=towns.crs)
