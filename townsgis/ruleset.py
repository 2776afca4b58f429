"""Rule sets are TOML data: load one, validate every rule against the kind registry.

File layout::

    [ruleset]            id, version, title_zh, title_en, analysis_crs (optional EPSG code)
    [[rule]]             id, clause, title_zh, title_en, severity, kind + the kind's parameters
    [[target]]           §2/§3 targets read by ``townsgis progress``

Every problem in a file is collected and raised as ONE :class:`RulesetError`.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from townsgis.errors import RulesetError
from townsgis.findings import Severity

RULE_KEYS = {"id", "clause", "title_zh", "title_en", "severity", "kind"}
RULESET_KEYS = {"id", "version", "title_zh", "title_en", "analysis_crs", "note"}
TARGET_REQUIRED = {
    "id": str,
    "clause": str,
    "metric": str,
    "comparison": str,
    "value": (int, float),
    "unit": str,
    "deadline": str,
}
TARGET_OPTIONAL = {
    "title_zh": str,
    "title_en": str,
    "scope": str,
    "per_year": bool,
    # 年均增长 (§3.4.2): judged on the compound average of the yearly growth figures
    "average_annual": bool,
    "base_year": int,
    # 力争 (strive for): a stretch goal, shown but not counted as a failure
    "stretch": bool,
}
COMPARISONS = (">=", ">", "<=", "<", "==")
SCOPES = ("city", "town", "unit")
_DEADLINE = re.compile(r"^\d{4}(Q[1-4])?$")


@dataclass(frozen=True)
class RuleSpec:
    """One rule of a rule set: which kind runs with which parameters, citing which clause."""

    id: str
    clause: str
    title_zh: str
    title_en: str
    severity: Severity
    kind: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set file."""

    id: str
    version: str
    title_zh: str
    title_en: str
    analysis_crs: str | None
    rules: tuple[RuleSpec, ...]
    targets: tuple[dict, ...]
    path: Path | None = None
    #: readings of open clauses (townsgis.interpretation.READINGS), defaults filled in
    interpretation: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def hard_rule_ids(self) -> set[str]:
        """Rules no waiver can cover under this rule set's readings: the functional-zone caps
        of §3.1.1c when 原则上 governs the counties only (``in_principle_scope``)."""
        if self.interpretation.get("in_principle_scope") != "counties":
            return set()
        return {
            r.id
            for r in self.rules
            if r.kind == "unit-cap" and r.params.get("unit_kinds") == ["functional_zone"]
        }

    def rule(self, rule_id: str) -> RuleSpec:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


def load_ruleset(path: str | Path) -> RuleSet:
    """Read and validate the rule set at ``path``. Raises RulesetError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesetError(f"{path}: cannot read rule set: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RulesetError(f"{path}: not UTF-8 text") from None
    return parse_ruleset(text, source=path)


def parse_ruleset(text: str, *, source: str | Path = "<rule set>") -> RuleSet:
    """Parse and validate rule set TOML ``text``; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesetError(f"{source}: TOML syntax error: {_toml_position(exc, text)}") from None
    problems: list[str] = []
    head = data.get("ruleset")
    if not isinstance(head, dict):
        problems.append("missing [ruleset] table with id, version, title_zh, title_en")
        head = {}
    for key in sorted(set(head) - RULESET_KEYS):
        problems.append(f"[ruleset]: unknown key {key!r}; allowed: {sorted(RULESET_KEYS)}")
    for key in ("id", "version", "title_zh", "title_en"):
        if head and not isinstance(head.get(key), str):
            problems.append(f"[ruleset]: key {key!r} must be a string, found {head.get(key)!r}")
    crs = head.get("analysis_crs")
    if crs is not None:
        from pyproj import CRS
        from pyproj.exceptions import CRSError as ProjCRSError

        from townsgis.crs import metric_crs_problem

        try:
            problem = metric_crs_problem(CRS.from_user_input(crs))
        except (ProjCRSError, TypeError, ValueError):
            problem = "is not a known CRS (e.g. EPSG:4549)"
        if problem:
            problems.append(f"[ruleset]: analysis_crs {crs!r} {problem}")
    for key in sorted(set(data) - {"ruleset", "rule", "target", "interpretation"}):
        problems.append(
            f"unknown top-level table {key!r}; allowed: ruleset, rule, target, interpretation"
        )
    from townsgis.interpretation import check_interpretation

    interp, bad = check_interpretation(data.get("interpretation"))
    problems += bad

    rules = data.get("rule", [])
    if not isinstance(rules, list):
        problems.append("'rule' must be an array of tables ([[rule]])")
        rules = []
    specs = []
    seen: set[str] = set()
    for i, raw in enumerate(rules, start=1):
        spec = _rule(raw, i, problems)
        if spec is not None:
            if spec.id in seen:
                problems.append(f"rule {spec.id}: duplicate rule id")
            seen.add(spec.id)
            specs.append(spec)

    targets = data.get("target", [])
    if not isinstance(targets, list):
        problems.append("'target' must be an array of tables ([[target]])")
        targets = []
    for i, raw in enumerate(targets, start=1):
        _target(raw, i, problems)

    if problems:
        n = len(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        raise RulesetError(f"{source}: {n} problem{'s' if n != 1 else ''}:\n{lines}")
    return RuleSet(
        id=head["id"],
        version=head["version"],
        title_zh=head["title_zh"],
        title_en=head["title_en"],
        analysis_crs=crs,
        rules=tuple(_read_named(s, interp) for s in specs),
        targets=tuple(targets),
        path=Path(source) if not isinstance(source, Path) else source,
        interpretation=interp,
    )


PROVINCIAL_LIST = {"provincial_creation", "provincial_cultivation"}


def _read_named(spec: RuleSpec, interp: dict[str, Any]) -> RuleSpec:
    """With ``named_in_caps`` (§3.1.1b/c), a cap on the provincial creation + cultivation
    towns also counts the provincially named ones."""
    levels = spec.params.get("levels")
    if (
        interp.get("named_in_caps")
        and spec.kind in ("count-cap", "unit-cap")
        and levels
        and set(levels) >= PROVINCIAL_LIST
        and "provincial_named" not in levels
    ):
        params = dict(spec.params) | {"levels": [*levels, "provincial_named"]}
        return RuleSpec(
            spec.id, spec.clause, spec.title_zh, spec.title_en, spec.severity, spec.kind, params
        )
    return spec


def _rule(raw: Any, i: int, problems: list[str]) -> RuleSpec | None:
    from townsgis.checks import KINDS  # imports every kind module

    if not isinstance(raw, dict):
        problems.append(f"rule #{i}: must be a table")
        return None
    rid = raw.get("id")
    label = f"rule {rid}" if isinstance(rid, str) and rid else f"rule #{i}"
    before = len(problems)
    for key in ("id", "clause", "title_zh", "title_en", "kind"):
        val = raw.get(key)
        if not isinstance(val, str) or not val.strip():
            problems.append(f"{label}: key {key!r} is required (a non-empty string), found {val!r}")
    sev = raw.get("severity")
    allowed_sev = [s.value for s in Severity]
    if sev not in allowed_sev:
        problems.append(f"{label}: key 'severity' has value {sev!r}; allowed: {allowed_sev}")
    kind_name = raw.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if isinstance(kind_name, str) and kind is None:
        problems.append(
            f"{label}: key 'kind' has unknown value {kind_name!r}; allowed: {sorted(KINDS)}"
        )
        return None
    if kind is None:
        return None
    params: dict[str, Any] = {}
    for key, val in raw.items():
        if key in RULE_KEYS:
            continue
        p = kind.params.get(key)
        if p is None:
            problems.append(
                f"{label}: unknown key {key!r} for kind {kind.name!r}; "
                f"allowed: {sorted(RULE_KEYS | set(kind.params))}"
            )
            continue
        err = p.check(val)
        if err:
            problems.append(f"{label}: key {key!r} has {err} {val!r}; allowed: {p.allowed()}")
            continue
        params[key] = val
    for key, p in kind.params.items():
        if key not in raw:
            if p.required:
                problems.append(
                    f"{label}: key {key!r} is required for kind {kind.name!r}: {p.allowed()}"
                )
            else:
                params[key] = p.default
    if kind.validate is not None and len(problems) == before:
        problems.extend(f"{label}: {msg}" for msg in kind.validate(params))
    if len(problems) != before:
        return None
    return RuleSpec(
        id=rid,
        clause=raw["clause"],
        title_zh=raw["title_zh"],
        title_en=raw["title_en"],
        severity=Severity(sev),
        kind=kind_name,
        params=params,
    )


def check_references(rs: RuleSet, town_columns, unit_ids) -> None:
    """Check that every town field and unit id the rules of ``rs`` name exists: a column of
    the towns layer (``town_columns``) or of the towns schema, a unit of ``unit_ids``.
    Raises one RulesetError naming the rule set file and, for each problem, the rule and key
    (a typo would otherwise match nothing, silently)."""
    from townsgis.checks import KINDS
    from townsgis.checks.registry import unknown_reference
    from townsgis.schema import SCHEMAS

    fields = {str(c) for c in town_columns} | {c.name for c in SCHEMAS["towns"].columns}
    fields.discard("geometry")
    units = {str(u) for u in unit_ids}
    problems: list[str] = []
    for spec in rs.rules:
        for key, param in KINDS[spec.kind].params.items():
            value = spec.params.get(key)
            if param.ref is None or value is None:
                continue
            if param.ref == "field":
                names, known, what = [value], fields, "town field"
                if key == "source" and value == "geometry":
                    continue
            elif param.ref == "field-keys":
                names, known, what = list(value), fields, "town field"
            elif param.ref == "units":
                names, known, what = list(value), units, "unit"
            else:
                names, known, what = list(value), units, "unit"
            problems += [
                unknown_reference(spec, key, str(n), what, known)
                for n in names
                if str(n) not in known
            ]
    if problems:
        n = len(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        raise RulesetError(f"{rs.path}: {n} problem{'s' if n != 1 else ''}:\n{lines}")


def _target(raw: Any, i: int, problems: list[str]) -> None:
    if not isinstance(raw, dict):
        problems.append(f"target #{i}: must be a table")
        return
    tid = raw.get("id")
    label = f"target {tid}" if isinstance(tid, str) and tid else f"target #{i}"
    for key, typ in TARGET_REQUIRED.items():
        val = raw.get(key)
        if key not in raw:
            problems.append(f"{label}: key {key!r} is required")
        elif (
            not isinstance(val, typ)
            or isinstance(val, bool)
            or (isinstance(val, float) and not math.isfinite(val))
        ):
            want = "a finite number" if key == "value" else "a string"
            problems.append(f"{label}: key {key!r} has wrong type {val!r}; allowed: {want}")
    for key, typ in TARGET_OPTIONAL.items():
        bad_int = typ is int and isinstance(raw.get(key), bool)
        if key in raw and (not isinstance(raw[key], typ) or bad_int):
            want = {bool: "true or false", int: "an integer"}.get(typ, "a string")
            problems.append(f"{label}: key {key!r} has wrong type {raw[key]!r}; allowed: {want}")
    for key in sorted(set(raw) - set(TARGET_REQUIRED) - set(TARGET_OPTIONAL)):
        allowed = sorted(set(TARGET_REQUIRED) | set(TARGET_OPTIONAL))
        problems.append(f"{label}: unknown key {key!r}; allowed: {allowed}")
    cmp_ = raw.get("comparison")
    if isinstance(cmp_, str) and cmp_ not in COMPARISONS:
        problems.append(
            f"{label}: key 'comparison' has bad value {cmp_!r}; allowed: {list(COMPARISONS)}"
        )
    dl = raw.get("deadline")
    if isinstance(dl, str) and not _DEADLINE.match(dl):
        problems.append(
            f"{label}: key 'deadline' has bad value {dl!r}; allowed: 'YYYY' or 'YYYYQn'"
        )
    if raw.get("per_year") and raw.get("average_annual"):
        problems.append(f"{label}: give per_year or average_annual, not both")
    if "base_year" in raw and not raw.get("average_annual"):
        problems.append(f"{label}: key 'base_year' needs average_annual = true")
    scope = raw.get("scope")
    if isinstance(scope, str) and scope not in SCOPES:
        problems.append(f"{label}: key 'scope' has bad value {scope!r}; allowed: {list(SCOPES)}")


def _toml_position(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """'line L, column C: message' for a TOML error (tomllib puts it in the message)."""
    msg = str(exc)
    lineno = getattr(exc, "lineno", None)
    colno = getattr(exc, "colno", None)
    if lineno is None:
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if m:
            lineno, colno = int(m.group(1)), int(m.group(2))
    base = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg).strip()
    if lineno is None:
        return base
    return f"line {lineno}, column {colno}: {base}"
