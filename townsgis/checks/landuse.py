"""Land-use shares of a town from its fields (km²): e.g. residential land at most about one
third of the construction land, in principle (national guideline 2021)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from townsgis import vocab
from townsgis.checks.common import make_finding, not_checked_finding
from townsgis.checks.registry import (
    EPS_REL,
    Param,
    RuleContext,
    check_town_fields,
    rule_kind,
    town_column,
)
from townsgis.findings import Finding


@rule_kind(
    "field-share",
    params={
        "part": Param("str", "Town field of the part (km²).", required=True, ref="field"),
        "whole": Param("str", "Town field of the whole (km²).", required=True, ref="field"),
        "max_share": Param("number", "Largest share part / whole.", required=True, min=0, max=1),
    },
)
def field_share(ctx: RuleContext, spec) -> list[Finding]:
    """Each town's `part` field is at most `max_share` of its `whole` field (both km²; the
    bound passes). Towns missing either value (or with a zero whole) are listed in one info
    finding, not judged."""
    p = spec.params
    check_town_fields(ctx, spec, {"part": [p["part"]], "whole": [p["whole"]]})
    part = pd.to_numeric(town_column(ctx, p["part"]), errors="coerce").to_numpy(dtype=float)
    whole = pd.to_numeric(town_column(ctx, p["whole"]), errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(part) & ~np.isnan(whole) & (whole > 0)
    share = np.where(known, part / np.where(known, whole, 1.0), np.nan)
    limit = float(p["max_share"])
    pz, wz = (vocab.field_label(p[k], "zh").split("（")[0] for k in ("part", "whole"))
    pe, we = (vocab.field_label(p[k], "en").split(" (")[0] for k in ("part", "whole"))
    geoms = ctx.towns.geometry.to_numpy()
    out = []
    for t in np.flatnonzero(known & (share > limit * (1 + EPS_REL))):
        refs = ctx.town_refs([t])
        (zh,), (en,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        out.append(
            make_finding(
                spec,
                refs,
                f"{zh}：{pz} {part[t]:g} 平方公里，占{wz} "
                f"{whole[t]:g} 平方公里的 {share[t]:.1%}，超过 {limit:.1%}",
                f"{en}: {pe} {part[t]:g} km² is {share[t]:.1%} of "
                f"{we} {whole[t]:g} km², above {limit:.1%}",
                measured=round(float(share[t]), 4),
                limit=limit,
                geometry=geoms[t],
            )
        )
    missing = np.flatnonzero(~known)
    out += not_checked_finding(spec, ctx, missing, f"{pz}或{wz}", f"lack {pe} or {we}")
    return out
