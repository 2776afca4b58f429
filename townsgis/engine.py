"""Run a rule set on a dataset: metric CRS → rule kinds → findings → waivers → CheckResult."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from pyproj import CRS

from townsgis.checks import KINDS, RuleContext
from townsgis.dataset import Dataset, assign_units, cache_of, load_dataset
from townsgis.findings import Finding, Severity
from townsgis.fingerprint import Changes
from townsgis.project import Project
from townsgis.ruleset import RuleSet, check_references
from townsgis.waivers import Waiver, apply_waivers, checked_project_waivers

FAIL_ON = ("error", "warning")


@dataclass
class CheckResult:
    """Findings of one run. Finding geometries are in ``metric_crs``."""

    ruleset: RuleSet
    findings: list[Finding]
    waiver_notes: list[str] = field(default_factory=list)
    metric_crs: CRS | None = None
    approximate: bool = False
    changes: Changes | None = None  # against an earlier run (check --since)

    def active(self) -> list[Finding]:
        """Findings not covered by a valid waiver."""
        return [f for f in self.findings if not f.waived]

    def summary(self, fail_on: str = "error") -> dict[str, Any]:
        """{"errors", "warnings", "waived", "verdict"}; counts exclude waived findings."""
        act = self.active()
        errors = sum(f.severity == Severity.ERROR for f in act)
        warnings = sum(f.severity == Severity.WARNING for f in act)
        fail = errors > 0 or (fail_on == "warning" and warnings > 0)
        return {
            "errors": errors,
            "warnings": warnings,
            "waived": len(self.findings) - len(act),
            "verdict": "fail" if fail else "pass",
        }

    def to_json(self, lang: str = "zh", fail_on: str = "error") -> dict[str, Any]:
        """The `townsgis check --format json` document (issue 3 §5)."""
        from townsgis.fingerprint import finding_keys
        from townsgis.interpretation import readings, rule_clauses

        findings = []
        for i, (f, key) in enumerate(zip(self.findings, finding_keys(self.findings), strict=True)):
            d = {**f.to_dict(lang), "key": key}
            if self.changes is not None:
                d["change"] = self.changes.state(i)
            findings.append(d)
        doc = {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "summary": self.summary(fail_on),
            "findings": findings,
            "readings": readings(
                self.ruleset.interpretation, "check", lang, rule_clauses(self.ruleset)
            ),
        }
        if self.changes is not None:
            doc["changes"] = self.changes.to_dict()
        return doc

    def exit_code(self, fail_on: str = "error") -> int:
        return 1 if self.summary(fail_on)["verdict"] == "fail" else 0


def load_inputs(
    project: Project, ruleset: str | None = None, *, layout_only: bool = False
) -> tuple[Dataset, RuleSet]:
    """The rule set ``ruleset`` (id or .toml path; default: the project's) and the project's
    layers, schema-checked, in that rule set's analysis CRS. ``layout_only`` skips projects
    and proposals."""
    rs = project.load_ruleset(ruleset)
    ds = load_dataset(
        project, crs_override=rs.analysis_crs, layout_only=layout_only, city_soon=True
    )
    check_references(rs, ds.columns("towns"), ds.unit_fields()["unit_id"])
    return ds, rs


def build_context(
    ds: Dataset,
    ruleset: RuleSet,
    towns: gpd.GeoDataFrame | None = None,
    units: gpd.GeoDataFrame | None = None,
) -> RuleContext:
    """The metric-CRS context rules run on; towns without a ``unit_id`` get one from location.
    ``units``: the units the rules see instead of all of them (metric CRS; e.g. one unit and
    the functional zones, for rules that judge that unit alone); derived data is then not
    kept in the project's cache."""
    crs = CRS.from_user_input(ruleset.analysis_crs) if ruleset.analysis_crs else ds.metric_crs
    whole = towns is None and units is None  # the project's layers as they are
    # the towns of the files: their metric copy is the dataset's (kept in the project's
    # cache), the same ``to_crs`` of the same rows; reprojecting 20,000 towns is skipped
    metric = towns is None and crs == ds.metric_crs and ds.source_key("towns") is not None
    t = (ds.metric("towns") if metric else ds.towns if towns is None else towns).copy()
    if "unit_id" not in t.columns:
        t["unit_id"] = None
    missing = t["unit_id"].isna() | (t["unit_id"].astype(str).str.strip() == "")
    if missing.any():
        wgs84 = ds.towns.loc[missing] if metric else t.loc[missing]
        reps = wgs84.geometry.representative_point()
        t.loc[missing, "unit_id"] = assign_units(reps, ds.units)
    # the unit read from location, not declared (a site's is always): findings say so
    given = t["unit_inferred"].eq(True) if "unit_inferred" in t.columns else False
    t["unit_inferred"] = (missing | given).to_numpy(dtype=bool)
    t = t.reset_index(drop=True)
    t["unit_id"] = t["unit_id"].astype(object)
    if units is not None:
        units = (units if crs.equals(units.crs) else units.to_crs(crs)).reset_index(drop=True)
    elif crs == ds.metric_crs:  # reuse the dataset's cached metric units (many runs per dataset)
        units = ds.metric("units").reset_index(drop=True)
    else:
        units = ds.units.to_crs(crs).reset_index(drop=True)
    city = ds.city_in(crs)
    t = t.set_crs(crs, allow_override=True) if metric else t.to_crs(crs)
    from townsgis import cache

    store = cache_of(ds.project)
    inputs = (ds.source_key("units"), ds.source_key("towns"), crs.to_wkt())
    inputs_key = cache.key("context", *inputs) if whole and None not in inputs else None
    return RuleContext(
        towns=t,
        units=units,
        city=city,
        metric_crs=crs,
        rules=ruleset.rules,
        store=store,
        inputs_key=inputs_key,
        water_source=lambda: _water(ds, crs),
    )


def _water(ds: Dataset, crs: CRS):
    """The water bodies the on-water kind reads (``checks.water.water_geometry``)."""
    from townsgis.checks.water import water_geometry

    return water_geometry(ds, crs)


def run_rules(
    ds: Dataset,
    ruleset: RuleSet,
    *,
    towns: gpd.GeoDataFrame | None = None,
    today: dt.date | None = None,
    waivers: list[Waiver] | None = None,
    context: RuleContext | None = None,
) -> CheckResult:
    """Run every rule of ``ruleset`` on ``ds`` (or on ``towns``, WGS84, towns schema).

    Waivers come from the project's ``layers/waivers.toml`` unless given; ``today`` (default:
    the current date) decides which have expired. Findings are ordered error → warning → info,
    then by rule order in the rule set. ``context``: the one ``build_context(ds, ruleset,
    towns)`` gives, built already (its ``rules`` are replaced by the rule set's).
    """
    if waivers is None:  # checked before any rule runs: a bad waiver fails fast
        waivers = checked_project_waivers(ds, ruleset)
    if context is None:
        ctx = build_context(ds, ruleset, towns)
    else:
        ctx = dataclasses.replace(context, rules=ruleset.rules)
    findings: list[Finding] = []
    for spec in ruleset.rules:
        findings.extend(KINDS[spec.kind].fn(ctx, spec))
    hard = ruleset.hard_rule_ids() if hasattr(ruleset, "hard_rule_ids") else set()
    refused = [w for w in waivers if w.rule in hard]
    notes = apply_waivers(
        findings,
        [w for w in waivers if w.rule not in hard],
        today or dt.date.today(),
        {r.id for r in ruleset.rules},
    )
    notes += [
        f"waiver for {w.rule} not applied: under this rule set's reading of §3.1.1c "
        "(in_principle_scope = counties) the functional-zone caps are hard"
        for w in refused
    ]
    order = {r.id: k for k, r in enumerate(ruleset.rules)}
    findings.sort(key=lambda f: (-Severity(f.severity).rank, order.get(f.rule, 0)))
    approx = bool(
        "approximate" in ctx.towns.columns
        and ctx.towns["approximate"].fillna(False).astype(bool).any()
    )
    return CheckResult(ruleset, findings, notes, ctx.metric_crs, approximate=approx)
