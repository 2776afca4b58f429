"""Count caps: city-wide (§3.1.1a/b) and per unit (§3.1.1c)."""

from __future__ import annotations

import numpy as np

from townsgis.checks.common import LEVELS, UNIT_KINDS, level_mask, levels_text, make_finding
from townsgis.checks.registry import Param, RuleContext, check_unit_ids, rule_kind
from townsgis.findings import Finding
from townsgis.messages import msg, register

register(
    {
        "caps.override_keys": (
            "overrides 的键须为县区编号，实际为 {found}",
            "overrides keys must be unit ids, found {found}",
        )
    }
)

_LEVELS = Param("list[str]", "Count only towns of these levels (default: all).", choices=LEVELS)


@rule_kind(
    "count-cap",
    params={
        "max": Param("int", "Most towns allowed city-wide.", required=True, min=0, max=100_000),
        "levels": _LEVELS,
    },
)
def count_cap(ctx: RuleContext, spec) -> list[Finding]:
    """At most ``max`` towns (of ``levels``) in the whole city; reaching the cap passes."""
    mask = level_mask(ctx.towns, spec.params["levels"])
    n, cap = int(mask.sum()), spec.params["max"]
    if n <= cap:
        return []
    lv_zh, lv_en = (
        levels_text(spec.params["levels"], "zh"),
        levels_text(spec.params["levels"], "en"),
    )
    return [
        make_finding(
            spec,
            ctx.town_refs(np.flatnonzero(mask)),
            f"全市{lv_zh}小镇 {n} 个，超过上限 {cap} 个（多 {n - cap} 个）",
            f"{n} {lv_en} towns city-wide > cap {cap} ({n - cap} over)",
            measured=n,
            limit=cap,
            geometry=ctx.city,
        )
    ]


def _unit_cap_validate(params: dict) -> list[str]:
    bad = [k for k in params.get("overrides") or {} if not isinstance(k, str)]
    return [msg("caps.override_keys", found=bad)] if bad else []


@rule_kind(
    "unit-cap",
    params={
        "max": Param(
            "int", "Most towns allowed per unit (default cap).", required=True, min=0, max=100_000
        ),
        "levels": _LEVELS,
        "unit_kinds": Param(
            "list[str]", "Apply to units of these kinds (default: all).", choices=UNIT_KINDS
        ),
        "units": Param("list[str]", "Apply only to these unit ids (default: all).", ref="units"),
        "overrides": Param(
            "table[int]", "Per-unit caps replacing `max`: unit_id = cap.", ref="unit-keys"
        ),
    },
    validate=_unit_cap_validate,
)
def unit_cap(ctx: RuleContext, spec) -> list[Finding]:
    """At most ``max`` towns (of ``levels``) per unit, counted by the unit each town declares;
    ``overrides`` sets other caps for named units. Reaching the cap passes."""
    p = spec.params
    check_unit_ids(ctx, spec, {"units": p["units"] or [], "overrides": list(p["overrides"] or {})})
    units = ctx.units
    sel = np.ones(len(units), dtype=bool)
    if p["unit_kinds"]:
        sel &= units["kind"].isin(p["unit_kinds"]).to_numpy()
    if p["units"]:
        sel &= units["unit_id"].astype(str).isin(p["units"]).to_numpy()
    units = units[sel]
    # the towns of each unit, in layer order: one stable sort and a search per unit
    rows = np.flatnonzero(level_mask(ctx.towns, p["levels"]))
    declared = ctx.towns["unit_id"].astype(str).to_numpy()[rows]
    order = np.argsort(declared, kind="stable")
    keys, start, count = np.unique(declared[order], return_index=True, return_counts=True)
    ids = units["unit_id"].astype(str).to_numpy()
    at = np.minimum(np.searchsorted(keys, ids), max(len(keys) - 1, 0))
    found = keys[at] == ids if len(keys) else np.zeros(len(ids), bool)
    overrides = p["overrides"] or {}
    cap = np.array([int(overrides.get(u, p["max"])) for u in ids], dtype=np.int64)
    n_in = np.where(found, count[at] if len(keys) else 0, 0)
    out = []
    lv_zh, lv_en = levels_text(p["levels"], "zh"), levels_text(p["levels"], "en")
    geoms = units.geometry.to_numpy()
    for k in np.flatnonzero(n_in > cap):
        uid, geom, n, a = ids[k], geoms[k], int(n_in[k]), int(start[at[k]])
        cap_k = int(cap[k])
        idx = rows[order[a : a + n]]
        out.append(
            make_finding(
                spec,
                ctx.town_refs(idx),
                f"{ctx.unit_name(uid, 'zh')}{lv_zh}小镇 {n} 个，超过上限 {cap_k} 个",
                f"{ctx.unit_name(uid, 'en')}: {n} {lv_en} towns > cap {cap_k}",
                measured=n,
                limit=cap_k,
                unit=uid,
                geometry=geom,
            )
        )
    return out
