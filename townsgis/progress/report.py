"""The whole progress report as data (rendered by ``townsgis.progress_report``)."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from townsgis.errors import DataError
from townsgis.findings import Finding
from townsgis.progress._helpers import _any_true
from townsgis.progress.assessment import assessment_summary, assessment_visible
from townsgis.progress.columns import DEFAULT_SHARE_TARGETS, SHARE_METRICS
from townsgis.progress.consistency import consistency_findings
from townsgis.progress.history_checks import history_findings
from townsgis.progress.metrics import Context
from townsgis.progress.quarters import format_quarter, parse_quarter
from townsgis.progress.stages import DEFAULT_STALL_QUARTERS, parse_history, pipeline, stalled
from townsgis.progress.summaries import culture_growth, shares, town_progress, unit_summary
from townsgis.progress.targets import check_targets, per_year_notes, scorecard


@dataclass
class ProgressReport:
    """Everything ``townsgis progress`` shows, as data. Sample figures are synthetic."""

    quarter: str
    scorecard: pd.DataFrame
    units: pd.DataFrame
    towns: pd.DataFrame
    shares: pd.DataFrame
    pipeline: pd.DataFrame
    stalled: pd.DataFrame
    assessment: dict[str, Any]
    culture: pd.DataFrame
    findings: list[Finding]
    stall_quarters: int
    synthetic: bool
    notes: list[str] = field(default_factory=list)
    #: the readings of open clauses used (townsgis.interpretation.readings)
    readings: list[dict] = field(default_factory=list)


PROVINCIAL_LEVELS = ("provincial_creation", "provincial_cultivation", "provincial_named")


def bulletin_dataset(ds, scope: str):
    """The dataset the §4.2a bulletin summarises: with ``scope`` = ``provincial`` (汇总省级
    特色小镇主要指标) only the provincial towns and their projects; ``all``: every town."""
    if scope == "all" or "level" not in ds.towns.columns:
        return ds
    keep = ds.towns["level"].isin(PROVINCIAL_LEVELS)
    if keep.all():
        return ds
    towns = ds.towns[keep]
    projects = ds.projects
    if projects is not None:
        projects = projects[projects["town_id"].isin(set(towns["town_id"]))]
    if dataclasses.is_dataclass(ds):
        return dataclasses.replace(ds, towns=towns, projects=projects, _metric={}, _sources={})
    out = copy.copy(ds)
    out.towns, out.projects = towns, projects
    return out


def veto_parents(units) -> dict[str, str]:
    """Functional zone id → the district/county it lies in (§4.3b: the veto falls on 县区)."""
    if "parent_id" not in units.columns:
        return {}
    zones = units[units["kind"] == "functional_zone"]
    return {
        str(u): str(p)
        for u, p in zip(zones["unit_id"], zones["parent_id"], strict=True)
        if isinstance(p, str) and p
    }


def build_report(
    ds,
    indicators: pd.DataFrame,
    assessment: pd.DataFrame,
    targets: list[dict],
    quarter: str | int | None = None,
    n_stall: int = DEFAULT_STALL_QUARTERS,
    *,
    interpretation: dict | None = None,
) -> ProgressReport:
    """Compute the progress report at ``quarter`` (default: the last quarter of the
    indicators). ``indicators`` has integer quarters (see ``townsgis.indicators``).
    ``interpretation`` (the rule set's readings) decides the §4.2a bulletin scope and the
    unit the §4.3b veto falls on; the notes say which readings were used."""
    from townsgis.interpretation import READINGS, readings

    interp = {k: r.default for k, r in READINGS.items()} | (interpretation or {})
    check_targets(targets)
    projects = ds.projects
    hist = parse_history(projects)
    quarters = list(range(int(indicators["quarter"].min()), int(indicators["quarter"].max()) + 1))
    q = quarters[-1] if quarter is None else parse_quarter(quarter)
    if q not in quarters:
        raise DataError.of(
            "progress.quarter_outside",
            quarter=format_quarter(q),
            first=format_quarter(quarters[0]),
            last=format_quarter(quarters[-1]),
        )
    towns = pd.DataFrame(ds.towns.drop(columns="geometry", errors="ignore"))
    ctx = Context(towns, projects, hist, indicators, assessment, quarters)
    share_targets = DEFAULT_SHARE_TARGETS | {
        t["metric"]: float(t["value"]) for t in targets if t["metric"] in SHARE_METRICS
    }
    findings = history_findings(projects, hist, towns) + consistency_findings(
        projects, hist, indicators, towns
    )
    synthetic = bool(
        _any_true(projects, "synthetic")
        or _any_true(indicators, "synthetic")
        or _any_true(assessment, "synthetic")
    )
    notes = [
        "bulletin score = mean of completion, implementation, compliance and momentum "
        "(0–100 each); see townsgis.progress.bulletin_score",
        f"stalled = no stage change in {n_stall} or more quarters, operating projects excluded",
        "investment by quarter is implied from stage histories (townsgis.progress docstring)",
    ]
    sc = scorecard(ctx, targets, q)
    notes += per_year_notes(sc)
    notes += [r["text"] for r in readings(interp, "progress", "en")]
    return ProgressReport(
        quarter=format_quarter(q),
        scorecard=sc,
        units=unit_summary(
            bulletin_dataset(ds, interp["bulletin_scope"]),
            q,
            indicators,
            n_stall,
            share_targets,
            hist,
        ),
        towns=town_progress(ds, q, hist),
        shares=shares(indicators, towns, q, share_targets),
        pipeline=pipeline(projects, [x for x in quarters if x <= q], hist),
        stalled=stalled(projects, q, n_stall, hist),
        assessment=assessment_summary(
            assessment_visible(assessment, q),
            towns,
            dict(zip(ds.units["unit_id"], ds.units["name_zh"], strict=False)),
            veto_parent=veto_parents(ds.units) if interp["veto_unit"] == "county" else None,
        ),
        culture=culture_growth(indicators[indicators["quarter"] <= q], towns),
        findings=findings,
        stall_quarters=n_stall,
        synthetic=synthetic,
        notes=notes,
        readings=readings(interp, "progress", "en"),
    )
