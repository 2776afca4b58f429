"""Rules on town attributes: category mix (§3.1.3), area ranges, and declarative conditions
(§3.4.3 scenic grade, §3.5.1 investor)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from townsgis import vocab
from townsgis.checks.common import (
    LEVELS,
    level_mask,
    levels_text,
    make_finding,
    not_checked_finding,
)
from townsgis.checks.registry import (
    EPS_REL,
    Param,
    RuleContext,
    check_town_fields,
    rule_kind,
    town_column,
)
from townsgis.findings import Finding
from townsgis.messages import msg, register
from townsgis.validate import MAX_AREA_KM2, is_number, show

register(
    {
        "attr.share_bounds": (
            "请给出 min_share、max_share 或两者（占比在 [0, 1] 内）",
            "give min_share, max_share or both (shares in [0, 1])",
        ),
        "attr.share_order": (
            "min_share {lo} 大于 max_share {hi}",
            "min_share {lo} is above max_share {hi}",
        ),
        "attr.not_categories": (
            "字段 {field} 存放的是{what}，不是类别",
            "field {field} holds {what}, not categories",
        ),
        "attr.key": ("键 {key}：{text}", "key {key}: {text}"),
        "attr.area_bounds": ("请给出 min_km2、max_km2 或两者", "give min_km2, max_km2 or both"),
        "attr.no_value": ("op 'not-empty' 不带 value", "op 'not-empty' takes no value"),
        "attr.needs_value": ("op {op} 需要 value", "op {op} needs a value"),
        "attr.needs_list": (
            "op {op} 需要列表形式的 value，实际为 {found}",
            "op {op} needs a list value, found {found}",
        ),
        "attr.one_value": (
            "op {op} 只和一个值比较，实际为列表 {found}；请改用 'in'",
            "op {op} compares with one value, found the list {found}; use 'in'",
        ),
        "attr.not_in_order": (
            "值 {value} 不在 order {order} 中",
            "value {value} is not in order {order}",
        ),
        "attr.needs_number": (
            "op {op} 需要数字 value 或 `order` 列表，实际为 {found}",
            "op {op} needs a number value or an `order` list, found {found}",
        ),
        "attr.compares_numbers": (
            "op {op} 比较数字，但字段 {field} 存放的是{what}；请给出 `order` 列表（由低到高）"
            "或换一个 op",
            "op {op} compares numbers, but field {field} holds {what}; give an `order` list "
            "(low to high) or another op",
        ),
        "attr.one_of": ("以下之一：{words}", "one of {words}"),
        "attr.order_numbers": (
            "字段 {field} 存放的是数字；`order` 只用于文字值",
            "field {field} holds numbers; `order` is for text values",
        ),
        "attr.holds": (
            "字段 {field} 存放的是{what}，实际为 {found}",
            "field {field} holds {what}, found {found}",
        ),
        "attr.field": ("字段 {field}：{text}", "field {field}: {text}"),
    }
)

# --- category-share ------------------------------------------------------------------------


def _share_validate(params: dict) -> list[str]:
    lo, hi = params.get("min_share"), params.get("max_share")
    if lo is None and hi is None:
        return [msg("attr.share_bounds")]
    if lo is not None and hi is not None and lo > hi:
        return [msg("attr.share_order", lo=lo, hi=hi)]
    col = _town_column_schema(params.get("field"))
    if col is not None and col.dtype != "str":
        return [msg("attr.not_categories", field=repr(col.name), what=_dtype(col.dtype))]
    if col is not None and col.domain:  # the category counted must be a word of the field
        fixed, bad = _fit_values(col, [params.get("category")])
        if bad:
            return [msg("attr.key", key="'category'", text=b) for b in bad]
        params["category"] = fixed[0]
    return []


@rule_kind(
    "category-share",
    params={
        "category": Param("str", "The category counted (value of `field`).", required=True),
        "field": Param("str", "Town field holding the category.", default="category", ref="field"),
        "min_share": Param("number", "Least share of towns in the category.", min=0, max=1),
        "max_share": Param("number", "Largest share of towns in the category.", min=0, max=1),
        "levels": Param("list[str]", "Count only towns of these levels.", choices=LEVELS),
    },
    validate=_share_validate,
)
def category_share(ctx: RuleContext, spec) -> list[Finding]:
    """Share of towns (of ``levels``) in ``category`` between ``min_share`` and ``max_share``;
    a share exactly at a bound passes. The message shows the arithmetic."""
    p = spec.params
    check_town_fields(ctx, spec, {"field": [p["field"]]})
    mask = level_mask(ctx.towns, p["levels"])
    total = int(mask.sum())
    if total == 0:
        return []
    hit = town_column(ctx, p["field"])[mask].astype(str).to_numpy() == p["category"]
    k = int(hit.sum())
    share = k / total
    cat = p["category"]
    lv_zh, lv_en = levels_text(p["levels"], "zh"), levels_text(p["levels"], "en")
    out = []
    for bound, op, bad in (
        (p["min_share"], "<", lambda b: k < b * total * (1 - EPS_REL)),
        (p["max_share"], ">", lambda b: k > b * total * (1 + EPS_REL)),
    ):
        if bound is None or not bad(bound):
            continue
        arith = f"{k}/{total} = {share:.1%} {op} {bound:.0%}"
        out.append(
            make_finding(
                spec,
                [],
                f"{vocab.town_label(cat, 'zh')}占比 {arith}（{lv_zh}小镇）",
                f"share of {vocab.town_label(cat, 'en')} {arith}"
                + (f" ({lv_en} towns)" if p["levels"] else ""),
                measured=round(share, 4),
                limit=bound,
                geometry=ctx.city,
                extra={"count": k, "total": total, "category": cat},
            )
        )
    return out


# --- area-range ----------------------------------------------------------------------------


@rule_kind(
    "area-range",
    params={
        "source": Param(
            "str",
            "'geometry' (polygon area) or the name of a town field in km².",
            default="geometry",
            ref="field",
        ),
        "min_km2": Param("number", "Least area (km²).", min=0, max=MAX_AREA_KM2),
        "max_km2": Param("number", "Largest area (km²).", min=0, max=MAX_AREA_KM2),
        "raised_max_km2": Param(
            "number", "Raised cap for `raised_categories` (km²).", min=0, max=MAX_AREA_KM2
        ),
        "raised_categories": Param("list[str]", "Categories allowed the raised cap."),
        "category_field": Param(
            "str", "Town field holding the category.", default="category", ref="field"
        ),
    },
    validate=lambda p: (
        ([msg("attr.area_bounds")] if p.get("min_km2") is None and p.get("max_km2") is None else [])
        + (
            ["raised_max_km2 needs raised_categories"]
            if p.get("raised_max_km2") is not None and not p.get("raised_categories")
            else []
        )
    ),
)
def area_range(ctx: RuleContext, spec) -> list[Finding]:
    """Town area (polygon in the metric CRS, or a km² field) within [``min_km2``, ``max_km2``];
    ``raised_categories`` may go up to ``raised_max_km2``. Bounds pass. Towns without a value
    are listed in one info finding."""
    p = spec.params
    towns = ctx.towns
    check_town_fields(
        ctx,
        spec,
        {
            "source": [p["source"]] if p["source"] != "geometry" else [],
            "category_field": [p["category_field"]] if p["raised_max_km2"] is not None else [],
        },
    )
    if p["source"] == "geometry":
        area = shapely.area(towns.geometry.to_numpy()) / 1e6
    else:
        if p["source"] not in towns.columns:
            area = np.full(len(towns), np.nan)
        else:
            area = pd.to_numeric(towns[p["source"]], errors="coerce").to_numpy(dtype=float)
    cap = np.full(len(towns), np.inf if p["max_km2"] is None else float(p["max_km2"]))
    if p["raised_max_km2"] is not None:
        cats = town_column(ctx, p["category_field"]).astype(str)
        raised = cats.isin(p["raised_categories"]).to_numpy()
        cap[raised] = float(p["raised_max_km2"])
    lo = -np.inf if p["min_km2"] is None else float(p["min_km2"])
    out = []
    geoms = towns.geometry.to_numpy()
    what = "规划面积" if p["source"] == "geometry" else vocab.field_label(p["source"], "zh")
    what = what.split("（")[0]  # the unit is written after the number
    what_en = (
        "planned area" if p["source"] == "geometry" else vocab.field_label(p["source"], "en")
    ).split(" (")[0]
    for t in np.flatnonzero(area < lo * (1 - EPS_REL)):
        refs = ctx.town_refs([t])
        (zh,), (en,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        out.append(
            make_finding(
                spec,
                refs,
                f"{zh}{what} {area[t]:.2f} 平方公里 < {lo:g} 平方公里",
                f"{en}: {what_en} {area[t]:.2f} km² < {lo:g} km²",
                measured=round(float(area[t]), 4),
                limit=lo,
                geometry=geoms[t],
                extra={"unit": "km2"},
            )
        )
    for t in np.flatnonzero(area > cap * (1 + EPS_REL)):
        refs = ctx.town_refs([t])
        (zh,), (en,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        out.append(
            make_finding(
                spec,
                refs,
                f"{zh}{what} {area[t]:.2f} 平方公里 > {cap[t]:g} 平方公里",
                f"{en}: {what_en} {area[t]:.2f} km² > {cap[t]:g} km²",
                measured=round(float(area[t]), 4),
                limit=float(cap[t]),
                geometry=geoms[t],
                extra={"unit": "km2"},
            )
        )
    missing = np.flatnonzero(np.isnan(area))
    out += not_checked_finding(spec, ctx, missing, what, f"have no {p['source']}")
    return out


# --- attribute -----------------------------------------------------------------------------

OPS = (">=", ">", "<=", "<", "==", "!=", "in", "not-in", "not-empty")


def _attr_validate(p: dict) -> list[str]:
    """Shape of value/order for the op, and the fit of op and values to the field's declared
    type (towns schema): numbers for a number field, ids or words of the vocabulary for an
    enumerated field (normalised to ids in place: 省级培育 → provincial_cultivation), no
    ordering of text without ``order``. The same for ``where``."""
    op, val, order = p.get("op"), p.get("value"), p.get("order")
    field = p.get("field")
    out: list[str] = []
    if op == "not-empty":
        if val is not None:
            out.append(msg("attr.no_value"))
    elif val is None:
        out.append(msg("attr.needs_value", op=repr(op)))
    elif op in ("in", "not-in"):
        if not isinstance(val, list):
            out.append(msg("attr.needs_list", op=repr(op), found=show(val)))
    elif isinstance(val, list):
        out.append(msg("attr.one_value", op=repr(op), found=show(val)))
    elif op in (">=", ">", "<=", "<"):
        if order:
            if val not in order:
                out.append(msg("attr.not_in_order", value=show(val), order=show(order)))
        elif not is_number(val):
            out.append(msg("attr.needs_number", op=repr(op), found=show(val)))
    if out:
        return out
    col = _town_column_schema(field)
    if col is not None:
        if op in (">=", ">", "<=", "<") and not order and col.dtype not in ("float", "int"):
            what = msg("attr.one_of", words="|".join(col.enum)) if col.enum else _dtype(col.dtype)
            out.append(msg("attr.compares_numbers", op=repr(op), field=repr(field), what=what))
        elif order and col.dtype in ("float", "int"):
            out.append(msg("attr.order_numbers", field=repr(field)))
        elif op not in ("not-empty",) and not (order and op in (">=", ">", "<=", "<")):
            vals = val if isinstance(val, list) else [val]
            fixed, bad = _fit_values(col, vals)
            out += [msg("attr.key", key="'value'", text=b) for b in bad]
            if not bad and col.domain:
                p["value"] = fixed if isinstance(val, list) else fixed[0]
    where = p.get("where") or {}
    for key, v in list(where.items()):
        col = _town_column_schema(key)
        if col is None:
            continue
        vals = v if isinstance(v, list) else [v]
        fixed, bad = _fit_values(col, vals)
        out += [msg("attr.key", key="'where'", text=b) for b in bad]
        if not bad and col.domain:
            where[key] = fixed if isinstance(v, list) else fixed[0]
    return out


def _dtype(dtype: str) -> str:
    """What a column of ``dtype`` holds, in words: 文字 / text."""
    return msg(f"dtype.{dtype}")


def _town_column_schema(name):
    """The declared column ``name`` of the towns schema, or None."""
    from townsgis.schema import SCHEMAS

    return next((c for c in SCHEMAS["towns"].columns if c.name == name), None)


def _fit_values(col, values) -> tuple[list, list[str]]:
    """``values`` checked against the column's type: (normalised values, problems)."""
    fixed, bad = [], []
    for v in values:
        if col.dtype in ("float", "int"):
            if not is_number(v):
                bad.append(
                    msg("attr.holds", field=repr(col.name), what=_dtype("float"), found=show(v))
                )
        elif col.dtype == "bool":
            if not isinstance(v, bool):
                bad.append(
                    msg("attr.holds", field=repr(col.name), what=_dtype("bool"), found=show(v))
                )
        elif not isinstance(v, str):
            bad.append(msg("attr.holds", field=repr(col.name), what=_dtype("str"), found=show(v)))
        elif col.domain:
            found = vocab.lookup(col.domain, v)
            if found is None:
                bad.append(
                    msg("attr.field", field=repr(col.name), text=vocab.unknown_word(col.domain, v))
                )
            v = found
        fixed.append(v)
    return fixed, bad


def _empty(v) -> bool:
    return (
        v is None
        or (isinstance(v, float) and np.isnan(v))
        or (isinstance(v, str) and not v.strip())
    )


@rule_kind(
    "attribute",
    params={
        "field": Param("str", "Town field tested.", required=True, ref="field"),
        "op": Param("str", "Comparison.", required=True, choices=OPS),
        "value": Param("any", "Value compared with (a list for in/not-in)."),
        "order": Param("list[str]", "Ordered labels for >=, > … on text (low to high)."),
        "where": Param(
            "table",
            "Only towns whose fields equal these values (or are in lists).",
            ref="field-keys",
        ),
    },
    validate=_attr_validate,
)
def attribute(ctx: RuleContext, spec) -> list[Finding]:
    """Every town (matching ``where``) satisfies ``field op value``; ordinal text values compare
    by their position in ``order``. Missing values fail."""
    p = spec.params
    towns = ctx.towns
    check_town_fields(ctx, spec, {"field": [p["field"]], "where": list(p["where"] or {})})
    sel = np.ones(len(towns), dtype=bool)
    for f, v in (p["where"] or {}).items():
        vals = v if isinstance(v, list) else [v]
        sel &= town_column(ctx, f).isin(vals).to_numpy()
    field, op, value, order = p["field"], p["op"], p["value"], p["order"]
    col = town_column(ctx, field)
    raw = col.to_numpy(dtype=object)
    empty = np.array([_empty(v) for v in raw], dtype=bool)
    if op == "not-empty":
        ok = ~empty
    elif op in ("in", "not-in"):
        inside = col.isin(value).to_numpy()
        ok = inside if op == "in" else ~inside
        ok = ok & ~empty
    elif op in ("==", "!="):
        eq = col.to_numpy(dtype=object) == value
        ok = (eq if op == "==" else ~eq) & ~empty
    else:
        if order:
            rank = {v: k for k, v in enumerate(order)}
            x = np.array([rank.get(v, np.nan) if isinstance(v, str) else np.nan for v in raw])
            y = rank[value]
        else:
            x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            y = float(value)
        with np.errstate(invalid="ignore"):
            ok = {">=": x >= y, ">": x > y, "<=": x <= y, "<": x < y}[op]
        ok = ok & ~np.isnan(x)
    out = []
    geoms = towns.geometry.to_numpy()
    where_txt = ", ".join(
        f"{vocab.field_label(k, 'en')} = {vocab.value_label(k, v, 'en')}"
        for k, v in (p["where"] or {}).items()
    )
    cond = f"{field} {op}" + ("" if op == "not-empty" else f" {value}")
    cond_zh, cond_en = (vocab.condition(field, op, value, lang) for lang in ("zh", "en"))
    name_zh, name_en = vocab.field_label(field, "zh"), vocab.field_label(field, "en")
    for t in np.flatnonzero(sel & ~ok):
        refs = ctx.town_refs([t])
        (zh,), (en,) = ctx.town_names([t], "zh"), ctx.town_names([t], "en")
        found = "（空）" if empty[t] else vocab.value_label(field, raw[t], "zh")
        found_en = "(empty)" if empty[t] else vocab.value_label(field, raw[t], "en")
        scope_en = f" [{where_txt}]" if where_txt else ""
        out.append(
            make_finding(
                spec,
                refs,
                f"{zh}：{spec.title_zh}，现为{name_zh}“{found}”，要求{cond_zh}",
                f"{en}: {name_en} = {found_en}, required {cond_en}{scope_en}",
                measured=None if empty[t] else _plain(raw[t]),
                limit=cond,
                geometry=geoms[t],
                extra={  # measured and limit as people read them (reports), per language
                    "shown": {
                        "measured": {"zh": found, "en": found_en},
                        "limit": {"zh": cond_zh, "en": cond_en},
                    }
                },
            )
        )
    return out


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v
