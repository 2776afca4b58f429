"""§3.5.1 每个特色小镇都要明确公司化的投资建设主体: the investing and construction entity of
every town is a company. Read from a type field when the layer has one (``investor_type``:
company, 公司, 企业 …), else from the company form of the entity's name (有限公司, 股份, 集团,
公司 …): a name alone (a government office, a committee) is not company-form."""

from __future__ import annotations

import numpy as np

from townsgis.checks.common import make_finding, not_checked_finding
from townsgis.checks.registry import Param, RuleContext, check_town_fields, rule_kind, town_column
from townsgis.findings import Finding

COMPANY_TYPES = ["company", "enterprise", "公司", "企业", "国有企业", "民营企业", "股份公司"]
COMPANY_MARKERS = ["有限公司", "有限责任公司", "股份有限公司", "股份", "集团", "公司", "Co.", "Ltd"]


NO_FORM_ZH = "名称中无有限公司、股份、集团等公司字样"


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip()


def is_company(name, kind, types: list[str], markers: list[str]) -> bool:
    """Whether an entity is company-form: its type (when given) is one of ``types``
    (case-insensitive), else its name contains one of ``markers``."""
    if not _blank(kind):
        return str(kind).strip().lower() in {t.lower() for t in types}
    return not _blank(name) and any(m in str(name) for m in markers)


@rule_kind(
    "company",
    params={
        "field": Param(
            "str", "Town field naming the investing entity.", default="investor", ref="field"
        ),
        "type_field": Param(
            "str",
            "Town field saying what the entity is; when filled it decides.",
            default="investor_type",
            ref="field",
        ),
        "types": Param(
            "list[str]", "Values of type_field that mean a company.", default=COMPANY_TYPES
        ),
        "markers": Param(
            "list[str]",
            "Parts of a name that show company form (used when type_field is empty).",
            default=COMPANY_MARKERS,
        ),
    },
)
def company(ctx: RuleContext, spec) -> list[Finding]:
    """Every town's investing and construction entity is a company (公司化): its `type_field`
    is one of `types`, or, without a type, its name (`field`) contains one of `markers`."""
    p = spec.params
    check_town_fields(ctx, spec, {"field": [p["field"]], "type_field": [p["type_field"]]})
    names = town_column(ctx, p["field"]).to_numpy(dtype=object)
    kinds = town_column(ctx, p["type_field"]).to_numpy(dtype=object)
    geoms = ctx.towns.geometry.to_numpy()
    out = []
    # neither a name nor a type: missing data, reported once as not checked (not a violation)
    missing = [t for t in range(len(names)) if _blank(names[t]) and _blank(kinds[t])]
    for t in range(len(names)):
        if _blank(names[t]) and _blank(kinds[t]):
            continue
        if is_company(names[t], kinds[t], p["types"], p["markers"]):
            continue
        refs = ctx.town_refs([t])
        (zh,), (en,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        # a type without a name: the type is what is judged
        name = "" if _blank(names[t]) else f"“{names[t]}”"
        name_en = "" if _blank(names[t]) else f" {names[t]}"
        why_zh = (
            f"类型为“{kinds[t]}”"
            if not _blank(kinds[t])
            else "名称中无有限公司、股份、集团等公司字样"
        )
        why_en = (
            f"its type is {kinds[t]!r}"
            if not _blank(kinds[t])
            else "its name shows no company form (有限公司, 股份, 集团, 公司 …)"
        )
        out.append(
            make_finding(
                spec,
                refs,
                f"{zh}：投资建设主体{name}不是公司化主体（{why_zh}）",
                f"{en}: the investing entity{name_en} is not a company ({why_en})",
                measured=None if _blank(names[t]) else str(names[t]),
                limit="company",
                geometry=geoms[t],
            )
        )
    out += not_checked_finding(spec, ctx, missing, "投资建设主体", "lack an investing entity")
    return out
