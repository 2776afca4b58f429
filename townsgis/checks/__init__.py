"""Rule kinds. Importing this package registers every kind in :data:`KINDS`."""

from townsgis.checks import attributes, caps, clustering, concentration, spatial  # noqa: F401
from townsgis.checks.registry import KINDS, Param, RuleContext, RuleKind, rule_kind

__all__ = ["KINDS", "Param", "RuleContext", "RuleKind", "rule_kind"]
