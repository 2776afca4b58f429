"""Synthetic projects at scale (e.g. 100,000) for the progress map's size test and benchmark.

Every row is labelled ``synthetic = True`` and named "合成项目 N (synthetic)"; nothing here is
data about real projects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from townsgis.webmap.style import STAGES


def synthetic_projects(
    towns, n: int, *, seed: int = 0, first: str = "2017Q1", last: str = "2020Q4"
):
    """``n`` synthetic projects (WGS84 points within ~1 km of a town's centroid) with forward-only
    stage histories between quarters ``first`` and ``last``; investment in 亿元."""
    import geopandas as gpd

    from townsgis.progress import format_quarter, parse_quarter

    rng = np.random.default_rng(seed)
    q_first, q_last = parse_quarter(first), parse_quarter(last)
    metric = towns.to_crs(towns.estimate_utm_crs())
    cent = metric.geometry.centroid
    k = rng.integers(0, len(towns), n)
    ang = rng.uniform(0, 2 * np.pi, n)
    rad = 1000 * np.sqrt(rng.uniform(0, 1, n))
    pts = gpd.GeoSeries(
        gpd.points_from_xy(
            cent.x.to_numpy()[k] + rad * np.cos(ang), cent.y.to_numpy()[k] + rad * np.sin(ang)
        ),
        crs=metric.crs,
    ).to_crs(towns.crs)
    start = rng.integers(q_first, q_last + 1, n)
    steps = np.cumsum(rng.integers(1, 7, (n, 3)), axis=1)
    qs = np.column_stack([start, start[:, None] + steps])  # quarters of the four stages
    reached = qs <= q_last
    parts = []
    for s, stage in enumerate(STAGES):
        text = pd.Series([format_quarter(int(q)) for q in qs[:, s]]) + f":{stage}"
        parts.append(text.where(reached[:, s], ""))
    history = parts[0]
    for p in parts[1:]:
        history = history + np.where(p != "", ";", "") + p
    stage_idx = reached.sum(axis=1) - 1
    total = np.round(rng.lognormal(1.0, 0.8, n), 2)
    done = np.array([0.0, 0.05, 0.5, 1.0])[stage_idx] * rng.uniform(0.6, 1.0, n)
    invested = np.round(total * done, 2)
    return gpd.GeoDataFrame(
        {
            "project_id": [f"S{i:06d}" for i in range(n)],
            "town_id": towns["town_id"].to_numpy()[k],
            "name_zh": [f"合成项目 {i} (synthetic)" for i in range(n)],
            "stage": np.array(STAGES)[stage_idx],
            "total_investment": total,
            "invested_to_date": invested,
            "specialty_industry": np.round(invested * 0.75, 2),
            "government_share": np.round(rng.uniform(0.0, 0.3, n), 3),
            "tech_investment": np.round(invested * 0.09, 2),
            "start_quarter": [format_quarter(int(q)) for q in start],
            "stage_history": history.to_numpy(),
            "synthetic": True,
        },
        geometry=pts.values,
        crs=towns.crs,
    )
