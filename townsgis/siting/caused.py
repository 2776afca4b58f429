"""Which findings a proposed site causes: a town-level finding naming it, or an aggregate
finding (cap, share, clustering) that is new or further from its limit than before.
"""

from __future__ import annotations

from townsgis.findings import Finding

# Kinds whose findings are about the whole layout (a count, a share, a pattern), not a town.
AGGREGATE_KINDS = frozenset(
    {"unit-cap", "count-cap", "category-share", "clustering", "concentration"}
)


def _gap(f: Finding) -> float | None:
    try:
        return abs(float(f.measured) - float(f.limit))
    except (TypeError, ValueError):
        return None


def _key(f: Finding) -> tuple:
    return (f.rule, f.unit, str(f.limit), str(f.extra.get("category", "")))


def baseline(before: list[Finding]) -> dict[tuple, Finding]:
    """The aggregate findings before, by what an aggregate finding after is compared on."""
    base: dict[tuple, Finding] = {}
    for f in before:
        base.setdefault(_key(f), f)
    return base


def aggregate_caused(base: dict[tuple, Finding], f: Finding) -> bool:
    """Whether the aggregate finding ``f`` is caused: new against ``base`` (see
    :func:`baseline`), or further from its limit than before."""
    prev = base.get(_key(f))
    if prev is None:
        return True
    g1, g0 = _gap(f), _gap(prev)
    if g1 is not None and g0 is not None:
        return g1 > g0 + 1e-12
    return str(f.measured) != str(prev.measured)


def caused_findings(
    before: list[Finding],
    after: list[Finding],
    site_ids: set[str],
    kinds: dict[str, str],
    base: dict[tuple, Finding] | None = None,
) -> list[Finding]:
    """Findings in ``after`` that the sites cause: a town-level finding naming a site, or an
    aggregate finding (cap, share, clustering) that is new or further from its limit.
    ``base``: ``baseline(before)`` when already made (judging many sites against one
    layout)."""
    base = baseline(before) if base is None else base
    out = []
    for f in after:
        if kinds.get(f.rule) in AGGREGATE_KINDS:
            if aggregate_caused(base, f):
                out.append(f)
        elif site_ids & set(f.town_ids):
            out.append(f)
    return out
