"""Rule kinds. Importing this package registers every kind in :data:`KINDS`."""

from townsgis.checks import (  # noqa: F401
    attributes,
    caps,
    clustering,
    concentration,
    entity,
    landuse,
    spatial,
    water,
)
from townsgis.checks.registry import KINDS, Param, RuleContext, RuleKind, rule_kind

__all__ = ["KINDS", "Param", "RuleContext", "RuleKind", "rule_kind"]
