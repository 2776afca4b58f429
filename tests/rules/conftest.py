"""Fixtures for the rule tests; the layout helpers live in rules_fixtures.py."""

from __future__ import annotations

import pytest
from rules_fixtures import make_ds, rules_text, ruleset_text

from townsgis.engine import run_rules
from townsgis.ruleset import parse_ruleset


@pytest.fixture
def run_kind(tmp_path):
    """run_kind(rows, kind, **params) -> findings of that single rule on the layout."""

    def run(rows: list[dict], kind: str, severity: str = "error", **params):
        rs = parse_ruleset(ruleset_text(kind, severity, **params), source="fixture.toml")
        return run_rules(make_ds(rows, tmp_path), rs, waivers=[]).findings

    return run


@pytest.fixture
def run_set(tmp_path):
    """run_set(rows, [rule(...), ...]) -> findings of a rule set holding those rules."""

    def run(rows: list[dict], rules: list[dict]):
        rs = parse_ruleset(rules_text(rules), source="fixture.toml")
        return run_rules(make_ds(rows, tmp_path), rs, waivers=[]).findings

    return run
