"""Stable fingerprints of findings, and what changed between two runs of a check.

A finding's *key* names what it is about, not how big it is: the rule, the towns (sorted ids)
and the unit, plus an occurrence number when one rule reports the same towns more than once
in a run. The key of a finding stays the same from run to run while the problem persists,
even when its measured value moves. A *verdict fingerprint* covers a whole set of findings:
keys, severities, waived flags, measured values and limits (as the JSON report rounds them),
so any change in what a check says changes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from townsgis.findings import Finding

KEY_CHARS = 16


def _digest(obj: Any, n: int = KEY_CHARS) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def finding_keys(findings: Iterable[Finding]) -> list[str]:
    """The stable key of each finding, in order (see the module docstring)."""
    seen: dict[str, int] = {}
    keys = []
    for f in findings:
        ident = [f.rule, list(f.town_ids), f.unit]
        base = _digest(ident)
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else _digest([*ident, seen[base]]))
    return keys


def verdict_fingerprint(findings: Iterable[Finding]) -> str:
    """One fingerprint of everything a set of findings says (order does not matter)."""
    findings = list(findings)
    rows = sorted(
        [
            key,
            str(f.severity),
            bool(f.waived),
            json.dumps(f.to_dict()["measured"], sort_keys=True, default=str),
            json.dumps(f.to_dict()["limit"], sort_keys=True, default=str),
        ]
        for key, f in zip(finding_keys(findings), findings, strict=True)
    )
    return _digest(rows, 32)


@dataclass
class Changes:
    """Findings of this run against an earlier one: ``new`` and ``persisting`` are indexes
    into this run's findings; ``resolved`` are the earlier run's entries no longer found."""

    since: str
    new: list[int] = field(default_factory=list)
    persisting: list[int] = field(default_factory=list)
    resolved: list[dict] = field(default_factory=list)

    def state(self, i: int) -> str:
        return "new" if i in self.new else "persisting"

    def to_dict(self) -> dict:
        return {
            "since": self.since,
            "new": len(self.new),
            "persisting": len(self.persisting),
            "resolved": self.resolved,
        }


def run_record(result, when: str, lang: str = "zh") -> dict:
    """What a recorded run keeps: when, the rule set, the verdict fingerprint and per finding
    its key, rule, towns, unit and message."""
    findings = result.findings
    return {
        "at": when,
        "ruleset_id": result.ruleset.id,
        "ruleset_version": str(result.ruleset.version),
        "fingerprint": verdict_fingerprint(findings),
        "findings": [
            {
                "key": k,
                "rule": f.rule,
                "towns": list(f.town_ids),
                "unit": f.unit,
                "message": f.message(lang),
            }
            for k, f in zip(finding_keys(findings), findings, strict=True)
        ],
    }


def compare(findings: list[Finding], earlier: dict) -> Changes:
    """This run's findings against an earlier run record (``run_record``) or a
    ``check --format json`` document carrying finding keys."""
    keys = finding_keys(findings)
    before = {e["key"]: e for e in earlier.get("findings", []) if "key" in e}
    ch = Changes(since=str(earlier.get("at", "")))
    for i, k in enumerate(keys):
        (ch.persisting if k in before else ch.new).append(i)
    now = set(keys)
    ch.resolved = [e for k, e in before.items() if k not in now]
    return ch
