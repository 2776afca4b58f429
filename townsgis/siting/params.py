"""Reading rule parameters: the aliases rule files use for one setting, level filters, rules by
kind. Shared by the cap, mix and feasible-area modules.
"""

from __future__ import annotations

from typing import Any


def _param(params: dict, *names: str, default: Any = None) -> Any:
    for n in names:
        if n in params and params[n] is not None:
            return params[n]
    return default


def _levels(params: dict) -> frozenset[str] | None:
    """The level filter of a rule; None means every level."""
    v = _param(params, "levels", "level", "level_in")
    if not v:
        return None
    return frozenset([v] if isinstance(v, str) else v)


def _rules(ruleset, kind: str) -> list:
    return [r for r in ruleset.rules if r.kind == kind]
