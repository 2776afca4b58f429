"""The progress map's model: counties with a summary per quarter (towns, projects by stage,
planned and invested money, stalled projects), towns shaded by invested / planned, and the
projects with their stage histories for the quarter slider (§2.3, §3.3.1)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from townsgis import vocab
from townsgis.errors import DataError
from townsgis.mapmodel import layers as L
from townsgis.mapmodel.layout import page_title
from townsgis.mapmodel.model import (
    ColourScale,
    Layer,
    LegendEntry,
    LegendSection,
    MapFeature,
    MapModel,
    Style,
)
from townsgis.mapmodel.popups import feature_name, popup
from townsgis.mapmodel.provenance import disclaimer, provenance
from townsgis.mapmodel.text import t

# invested-to-date / planned → town fill, 5 classes (Blues: apart from the stage colours)
RATIO_BREAKS = (0.2, 0.4, 0.6, 0.8)
RATIO_COLOURS = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd")
STALLED_COLOUR = "#000000"


def checked_quarter(quarter: str | None, first: int, last: int, source: str) -> int:
    """``quarter`` (YYYYQn; default the last) as an index, refused with a DataError naming
    the data's range when it lies outside ``first``–``last`` (as ``townsgis progress``
    refuses a quarter outside its table)."""
    from townsgis.progress import format_quarter, parse_quarter

    if quarter is None:
        return last
    q = parse_quarter(quarter)
    if not first <= q <= last:
        raise DataError.of(
            "progress.quarter_outside_history",
            source=source,
            quarter=format_quarter(q),
            first=format_quarter(first),
            last=format_quarter(last),
        )
    return q


def _money(v: float) -> str:
    return f"{float(v):,.2f}"


def _summary_rows(
    lang: str, qs: str, towns: int | None, stages: list[int], stalled: int, s: Any
) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [(t(lang, "quarter"), qs)]
    if towns is not None:
        rows.append((t(lang, "towns_n"), f"{towns:d}"))
    rows.append((t(lang, "projects_n"), f"{int(s['projects']):d}"))
    for stage, n in zip(vocab.STAGES, stages, strict=True):
        rows.append((f"· {vocab.label('stage', stage, lang)}", f"{n:d}"))
    rows.append((t(lang, "stalled_n"), f"{stalled:d}"))
    rows.append((vocab.field_label("total_investment", lang), _money(s["total_investment"])))
    rows.append((vocab.field_label("invested_to_date", lang), _money(s["invested_to_date"])))
    rows.append((t(lang, "ratio"), f"{100 * float(s['share']):.1f}%"))
    return rows


def _sums(codes: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Column sums of ``values`` (rows × quarters) per code 0…n-1, rows coded -1 left out
    (pandas' compensated group sums, as ``town_progress`` and ``unit_summary`` add)."""
    keep = codes >= 0
    sums = pd.DataFrame(values[keep]).groupby(codes[keep]).sum()
    return sums.reindex(range(n), fill_value=0).to_numpy(dtype=float)


def quarter_summaries(ds, hist: pd.DataFrame, quarters: list[int], lang: str) -> dict[str, Any]:
    """Per quarter: a popup per unit and per town (in the frames' row order) and each town's
    invested / planned share. Every quarter's figures in one pass (``stage_table``,
    ``investment_paths``); the same numbers ``town_progress``, ``stage_at`` and ``stalled``
    give one quarter at a time."""
    from townsgis.progress import (
        DEFAULT_STALL_QUARTERS,
        format_quarter,
        investment_paths,
        stage_table,
    )

    units, towns, projects = ds.units, ds.towns, ds.projects
    town_units = towns["unit_id"] if "unit_id" in towns else pd.Series([None] * len(towns))
    t_code = pd.Index(towns["town_id"]).get_indexer(projects["town_id"])
    u_of_t = pd.Index(units["unit_id"]).get_indexer(town_units)
    nt, nu, nq, ns = len(towns), len(units), len(quarters), len(vocab.STAGES)
    ranks, since = stage_table(projects, quarters, hist)
    present = ranks >= 0
    stuck = (
        present
        & (ranks != ns - 1)
        & (np.asarray(quarters)[None, :] - since >= DEFAULT_STALL_QUARTERS)
    )
    invested = investment_paths(projects, quarters, hist)["fai"].to_numpy()
    total = projects["total_investment"].astype(float).to_numpy()
    t_stats = {
        "projects": _sums(t_code, nt, present.astype(float)),
        "stalled": _sums(t_code, nt, stuck.astype(float)),
        "invested_to_date": _sums(t_code, nt, invested),
        "total_investment": _sums(t_code, nt, total[:, None]).repeat(nq, axis=1),
    }
    t_stage = np.stack([_sums(t_code, nt, (ranks == k).astype(float)) for k in range(ns)], 2)
    u_stats = {k: _sums(u_of_t, nu, v) for k, v in t_stats.items()}
    u_stage = np.stack([_sums(u_of_t, nu, t_stage[:, :, k]) for k in range(ns)], 2)
    u_towns = np.bincount(u_of_t[u_of_t >= 0], minlength=nu)

    def share(st: dict[str, np.ndarray]) -> np.ndarray:
        tot = st["total_investment"]
        return np.where(tot > 0, st["invested_to_date"] / np.where(tot > 0, tot, 1.0), 0.0)

    t_share, u_share = share(t_stats), share(u_stats)
    unit_names = [feature_name(r, lang) for r in units.drop(columns="geometry").to_dict("records")]
    town_names = [feature_name(r, lang) for r in towns.drop(columns="geometry").to_dict("records")]
    out: dict[str, Any] = {"units": [], "towns": [], "share": []}

    def popups(names, st, stage, shares, n_towns, j, qs):
        return [
            popup(
                name,
                _summary_rows(
                    lang,
                    qs,
                    None if n_towns is None else int(n_towns[i]),
                    [int(v) for v in stage[i, j]],
                    int(st["stalled"][i, j]),
                    {
                        "projects": st["projects"][i, j],
                        "total_investment": st["total_investment"][i, j],
                        "invested_to_date": st["invested_to_date"][i, j],
                        "share": shares[i, j],
                    },
                ),
            )
            for i, name in enumerate(names)
        ]

    for j, q in enumerate(quarters):
        qs = format_quarter(q)
        out["units"].append(popups(unit_names, u_stats, u_stage, u_share, u_towns, j, qs))
        out["towns"].append(popups(town_names, t_stats, t_stage, t_share, None, j, qs))
        out["share"].append(t_share[:, j].tolist())
    return out


def progress_model(
    ds,
    *,
    quarter: str | None = None,
    lang: str = "zh",
    place: str = "",
    date: _dt.date | None = None,
) -> MapModel:
    """The progress map's model at ``quarter`` (default: the latest quarter of the stage
    histories; one outside them is refused). Geometry in the dataset's metric CRS."""
    from townsgis.progress import DEFAULT_STALL_QUARTERS, format_quarter, parse_history

    source = ds.project.store.layer_source("projects")
    if ds.projects is None:
        from townsgis.store import missing_layer

        raise missing_layer(source, "projects")
    if ds.projects.empty:
        raise DataError.of("progress.no_projects", source=source)
    hist = parse_history(ds.projects, source)
    qmin, qmax = int(hist["quarter"].min()), int(hist["quarter"].max())
    q = checked_quarter(quarter, qmin, qmax, source)
    quarters = list(range(qmin, qmax + 1))
    qi = quarters.index(q)
    crs = ds.metric_crs
    units, towns = ds.metric("units"), ds.metric("towns")
    summaries = quarter_summaries(ds, hist, quarters, lang)
    scale = ColourScale(t(lang, "ratio"), RATIO_BREAKS, RATIO_COLOURS)

    unit_layer = L.units_layer(units, lang, fill_opacity=0.05)
    for f, pop in zip(unit_layer.features, summaries["units"][qi], strict=True):
        f.popup = pop
    town_feats = []
    for row, geom, pop, share in zip(
        towns.drop(columns="geometry").to_dict("records"),
        towns.geometry,
        summaries["towns"][qi],
        summaries["share"][qi],
        strict=True,
    ):
        scale.values[str(row["town_id"])] = share
        town_feats.append(
            MapFeature(
                geometry=geom,
                style=Style(
                    stroke="#333333",
                    weight=1.5,
                    fill=scale.colour(share),
                    fill_opacity=0.85,
                    css="tg-town",
                ),
                label=feature_name(row, lang),
                popup=pop,
                ref=str(row["town_id"]),
                data={"share": share},
            )
        )
    town_layer = Layer("towns", t(lang, "towns"), town_feats, label_kind="town")

    stage_entries = [
        LegendEntry(
            vocab.label("stage", s, lang),
            Style(stroke="#333333", fill=vocab.colour("stage", s), fill_opacity=0.8, radius=6),
            "circle",
        )
        for s in vocab.STAGES
    ]
    stage_entries += [
        LegendEntry(
            t(lang, "stalled", n=DEFAULT_STALL_QUARTERS),
            Style(stroke=STALLED_COLOUR, fill="#ffffff", fill_opacity=0.8, radius=6),
            "circle",
        ),
        LegendEntry(t(lang, "size"), Style(stroke="#bbbbbb", fill="#bbbbbb", radius=9), "circle"),
    ]
    legend = [
        LegendSection(t(lang, "projects"), stage_entries),
        LegendSection(
            scale.title,
            [
                LegendEntry(lbl, Style(stroke="#333333", fill=c, fill_opacity=0.85))
                for lbl, c in zip(scale.class_labels(), scale.colours, strict=True)
            ],
        ),
    ]
    # context round the city, as on the layout map: neighbouring counties and lakes
    from townsgis.mapmodel import context

    lakes = context.water(ds.project, ds.units)
    around = [
        L.neighbours_layer(context.boundary(ds.project, "neighbours", crs), lang),
        L.water_layer(lakes.to_crs(crs) if lakes is not None else None, lang),
    ]
    d = (date or _dt.date.today()).isoformat()
    return MapModel(
        kind="progress",
        lang=lang,
        title=page_title(place, t(lang, "progress_title"), lang),
        crs=crs,
        extent=tuple(float(v) for v in units.total_bounds),
        layers=[*(ly for ly in around if ly is not None), unit_layer, town_layer],
        legend=legend,
        info=[
            f"{t(lang, 'date')}: {d}",
            # projects in the pipeline at the quarter shown (the slider keeps it current)
            f"{t(lang, 'projects_n')}: {int(hist.loc[hist['quarter'] <= q, 'row'].nunique()):,}",
        ],
        warning=disclaimer(
            provenance(ds.units, ds.towns, ds.projects, sample=ds.project.sample_data), lang
        ),
        date=d,
        scale=scale,
        timeline={
            "projects": ds.projects,
            "hist": hist,
            "quarters": quarters,
            "quarter_labels": [format_quarter(x) for x in quarters],
            "initial": q,
            "summaries": summaries,
        },
    )
