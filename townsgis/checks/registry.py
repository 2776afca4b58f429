"""The registry of rule kinds: each kind is one function plus a declared parameter schema.

A kind is registered with ``@rule_kind("min-gap", params={...})``; the rule set loader
validates every rule's parameters against the kind's schema before anything runs.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from townsgis.errors import RulesetError
from townsgis.i18n import get_lang, pick
from townsgis.messages import msg, register

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    from pyproj import CRS
    from shapely.geometry.base import BaseGeometry

    from townsgis.findings import Finding
    from townsgis.ruleset import RuleSpec

#: Distances are compared at millimetre precision, so a gap of exactly the limit passes even
#: after a round trip through WGS84 (which moves coordinates by ~1e-9 m).
EPS_M = 1e-3
#: Areas (m²) and shares are compared with this relative tolerance for the same reason.
EPS_REL = 1e-9

_TYPES = {
    "int": ("整数", "an integer"),
    "number": ("数字", "a number"),
    "str": ("字符串", "a string"),
    "bool": ("true 或 false", "true or false"),
    "list[str]": ("字符串列表", "a list of strings"),
    "table[int]": ("“名称 = 整数”的表", "a table of name = integer"),
    "table": ("“字段 = 值（或值列表）”的表", "a table of field = value or list of values"),
    "any": ("字符串、数字、布尔值或列表", "a string, number, boolean or list"),
}

register(
    {
        "param.one_of": ("（取值之一：{items}）", " (one of: {items})"),
        "param.each_one_of": ("（每项取值之一：{items}）", " (each one of: {items})"),
        "param.between": ("，在 [{lo}, {hi}] 内", " in [{lo}, {hi}]"),
        "param.at_least": ("，≥ {lo}", " >= {lo}"),
        "param.at_most": ("，≤ {hi}", " <= {hi}"),
        "ref.town_field": ("小镇字段", "town field"),
        "ref.unit": ("县区", "unit"),
        "ref.unknown": (
            "规则 {rule}：键 {key} 指向的{what} {name} 不存在{hint}；已有：{known}",
            "rule {rule}: key {key} names {what} {name}, which does not exist{hint}; "
            "known: {known}",
        ),
        "ref.did_you_mean": ("（是否应为 {word}？）", " (did you mean {word}?)"),
        "ref.more": ("，……（另有 {n} 个）", ", … ({n} more)"),
    }
)


def type_words(type_: str, lang: str | None = None) -> str:
    """What a parameter type allows, in words: ``整数`` / ``an integer``."""
    zh, en = _TYPES[type_]
    return en if (lang or get_lang()) == "en" else zh


@dataclass(frozen=True)
class Param:
    """One declared parameter of a rule kind."""

    type: str
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    #: What the value names in the project's data, checked when a rule set is used on a
    #: dataset (townsgis.ruleset.check_references): "field" (a town field), "field-keys"
    #: (a table keyed by town fields), "units" (a list of unit ids), "unit-keys" (a table
    #: keyed by unit ids).
    ref: str | None = None

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(f"unknown parameter type {self.type!r}")
        if self.ref not in (None, "field", "field-keys", "units", "unit-keys"):
            raise ValueError(f"unknown parameter reference {self.ref!r}")

    def allowed(self, lang: str | None = None) -> str:
        """Human text of what is allowed, used in rule set errors (current language) and the
        docs (``lang="en"``)."""
        text = type_words(self.type, lang)
        if self.choices is not None:
            items = ", ".join(str(c) for c in self.choices)
            each = "param.each_one_of" if self.type.startswith("list") else "param.one_of"
            text += msg(each, lang, items=items)
        if self.min is not None and self.max is not None:
            text += msg("param.between", lang, lo=f"{self.min:g}", hi=f"{self.max:g}")
        elif self.min is not None:
            text += msg("param.at_least", lang, lo=f"{self.min:g}")
        elif self.max is not None:
            text += msg("param.at_most", lang, hi=f"{self.max:g}")
        return text

    def check(self, value: Any) -> str | None:
        """None when ``value`` is valid, else a short description of the problem."""
        t = self.type
        ok = True
        if t == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif t == "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            ok = ok and math.isfinite(value)
        elif t == "str":
            ok = isinstance(value, str)
        elif t == "bool":
            ok = isinstance(value, bool)
        elif t == "list[str]":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif t == "table[int]":
            ok = isinstance(value, dict) and all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values()
            )
        elif t == "table":
            ok = isinstance(value, dict) and all(_scalar_or_list(v) for v in value.values())
        elif t == "any":
            ok = _scalar_or_list(value)
        if not ok:
            return "wrong type"
        if self.choices is not None:
            items = value if isinstance(value, list) else [value]
            if any(v not in self.choices for v in items):
                return "bad value"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.min is not None and value < self.min:
                return "bad value"
            if self.max is not None and value > self.max:
                return "bad value"
        return None


def _scalar(v: Any) -> bool:
    """A TOML string, boolean or finite number (not a table, array or date)."""
    if isinstance(v, float):
        return math.isfinite(v)
    return isinstance(v, str | int | bool)


def _scalar_or_list(v: Any) -> bool:
    """A scalar, or a non-nested list of scalars."""
    return _scalar(v) or (isinstance(v, list) and all(_scalar(x) for x in v))


KindFn = Callable[["RuleContext", "RuleSpec"], "list[Finding]"]


@dataclass(frozen=True)
class RuleKind:
    """A registered kind: its function, parameter schema and one-line description."""

    name: str
    fn: KindFn
    params: dict[str, Param]
    doc: str
    #: Cross-parameter check: returns a list of problems (e.g. "give min_share or max_share").
    validate: Callable[[dict], list[str]] | None = None


KINDS: dict[str, RuleKind] = {}


def rule_kind(
    name: str,
    *,
    params: dict[str, Param],
    validate: Callable[[dict], list[str]] | None = None,
) -> Callable[[KindFn], KindFn]:
    """Register ``fn`` as the rule kind ``name``. Duplicate names are rejected."""

    def deco(fn: KindFn) -> KindFn:
        if name in KINDS:
            raise ValueError(f"rule kind {name!r} is already registered")
        doc = " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split()).replace("``", "`")
        KINDS[name] = RuleKind(name, fn, dict(params), doc, validate)
        return fn

    return deco


@dataclass
class RuleContext:
    """What every rule kind sees. All geometry is in ``metric_crs`` (metres).

    ``towns`` has the towns schema plus ``unit_id`` resolved (declared, else from location);
    ``units`` are the county-level units and functional zones; ``city`` is the city polygon;
    ``rules`` is the whole rule set being run.
    """

    towns: gpd.GeoDataFrame
    units: gpd.GeoDataFrame
    city: BaseGeometry
    metric_crs: CRS
    cache: dict[str, Any] = field(default_factory=dict)
    #: Every rule of the running rule set (a kind may defer to another, e.g. min-gap to
    #: no-overlap).
    rules: tuple[RuleSpec, ...] = ()
    #: Towns before this position are a layout judged elsewhere (``site --file`` adds many
    #: sites after it): pair kinds may skip the pairs among them and town kinds skip them.
    #: Findings naming a town from here on are the same as with 0.
    judged_from: int = 0
    #: The project's cache of derived data (``townsgis.cache.Cache``), or None: not kept.
    store: Any = None
    #: A hash of the inputs ``towns`` and ``units`` were derived from (layers, CRS), set only
    #: while they are those layers unchanged; None when they cannot be named (a replaced
    #: frame, a site judged with the towns): derived data is then not kept.
    inputs_key: str | None = None
    #: Gives the water bodies (metric CRS, one geometry, or None: none known) the on-water
    #: kind reads; called once, on first use (:meth:`water`).
    water_source: Callable[[], BaseGeometry | None] | None = None

    def water(self) -> BaseGeometry | None:
        """The water bodies (metric CRS) from ``water_source``, computed once; None when
        none are known."""
        if "water" not in self.cache:
            self.cache["water"] = self.water_source() if self.water_source is not None else None
        return self.cache["water"]

    def remember(
        self, slot: str, parts: tuple, make: Callable[[], dict[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        """``make()`` (a dict of numeric arrays), or what it gave for the same ``parts``
        kept in the project's cache under ``slot``. ``parts`` must name everything the
        arrays depend on (a None among them: not kept)."""
        if self.store is None or any(p is None for p in parts):
            return make()
        from townsgis import cache

        k = cache.key(slot, *parts)
        hit = self.store.get_arrays(slot, k)
        if hit is not None:
            return hit
        out = make()
        self.store.put_arrays(slot, k, out)
        return out

    def town_refs(self, idx) -> list[dict[str, str]]:
        """``[{id, name_zh}]`` for the towns at positional indexes ``idx``."""
        if "refs" not in self.cache:
            t = self.towns
            self.cache["refs"] = (
                t["town_id"].astype(str).tolist(),
                t["name_zh"].astype(str).tolist(),
            )
        ids, names = self.cache["refs"]
        return [{"id": ids[i], "name_zh": names[i]} for i in idx]

    def town_names(self, idx, lang: str = "zh") -> list[str]:
        """How findings name the towns at positional indexes ``idx``: name_zh in Chinese,
        name_en (falling back to name_zh) in English; never the id."""
        if "town_names" not in self.cache:
            t = self.towns
            zh = t["name_zh"].astype(str).tolist()
            en = t["name_en"].tolist() if "name_en" in t.columns else [None] * len(t)
            en = [str(e).strip() if _filled_name(e) else z for e, z in zip(en, zh, strict=True)]
            self.cache["town_names"] = (zh, en)
        zh, en = self.cache["town_names"]
        names = en if lang == "en" else zh
        return [names[i] for i in idx]

    def unit_name(self, unit_id: str | None, lang: str = "zh") -> str:
        """Display name of a unit (its id when unknown)."""
        if unit_id is None:
            return "?"
        names = self.cache.get("unit_names")
        if names is None:
            u = self.units  # columns as lists: itertuples also builds every geometry row
            zh = u["name_zh"].tolist()
            en = u["name_en"].tolist() if "name_en" in u.columns else zh
            names = {
                str(k): (str(a), str(b))
                for k, a, b in zip(u["unit_id"].tolist(), zh, en, strict=True)
            }
            self.cache["unit_names"] = names
        zh, en = names.get(str(unit_id), (str(unit_id), str(unit_id)))
        return pick(zh, en, lang)


def _filled_name(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and bool(str(v).strip())


_SHOW = 20  # names listed in an "unknown field/unit" message


def unknown_reference(spec: RuleSpec, key: str, name: str, what: str, known: Iterable[str]) -> str:
    """``rule R: key K names town field 'x', which does not exist (did you mean …); known: …``"""
    return _unknown(spec, key, name, what, known)


def _unknown(spec: RuleSpec, key: str, name: str, what: str, known: Iterable[str]) -> str:
    known = sorted(set(known))
    close = difflib.get_close_matches(name, known, n=1)
    hint = msg("ref.did_you_mean", word=repr(close[0])) if close else ""
    name = name if len(name) <= 40 else name[:39] + "…"
    shown = ", ".join(known[:_SHOW]) + (
        msg("ref.more", n=len(known) - _SHOW) if len(known) > _SHOW else ""
    )
    what = msg("ref.town_field" if what == "town field" else "ref.unit")
    return msg(
        "ref.unknown",
        rule=spec.id,
        key=repr(key),
        what=what,
        name=repr(name),
        hint=hint,
        known=shown,
    )


def check_town_fields(ctx: RuleContext, spec: RuleSpec, fields: dict[str, Iterable[str]]) -> None:
    """Raise RulesetError (naming the rule and the key) when a parameter names a town field
    that is neither a column of the towns layer nor a column of the towns schema.

    ``fields`` maps parameter key -> field names it references. A schema column missing from
    the layer is allowed (its values count as empty); anything else is a typo that would
    otherwise crash or silently match nothing."""
    from townsgis.schema import SCHEMAS

    known = set(map(str, ctx.towns.columns)) | {c.name for c in SCHEMAS["towns"].columns}
    known.discard(ctx.towns.geometry.name)
    problems = [
        _unknown(spec, key, name, "town field", known)
        for key, names in fields.items()
        for name in names
        if name not in known
    ]
    if problems:
        raise RulesetError("; ".join(problems))


def check_unit_ids(ctx: RuleContext, spec: RuleSpec, ids: dict[str, Iterable[str]]) -> None:
    """Raise RulesetError (naming the rule and the key) when a parameter names a unit id that
    the units layer does not have (a typo would silently drop the unit's cap)."""
    known = set(ctx.units["unit_id"].astype(str))
    problems = [
        _unknown(spec, key, str(uid), "unit", known)
        for key, uids in ids.items()
        for uid in uids
        if str(uid) not in known
    ]
    if problems:
        raise RulesetError("; ".join(problems))


def town_column(ctx: RuleContext, name: str):
    """The towns' ``name`` column, or all-empty values when the layer lacks that optional field."""
    import pandas as pd

    if name in ctx.towns.columns:
        return ctx.towns[name]
    return pd.Series([None] * len(ctx.towns), index=ctx.towns.index, dtype=object)
