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

from townsgis.errors import RulesetError, RulesetProblems
from townsgis.findings import Severity
from townsgis.i18n import pick
from townsgis.messages import msg, register

register(
    {
        "ruleset.cannot_read": (
            "{path}：无法读取规则集：{reason}",
            "{path}: cannot read rule set: {reason}",
        ),
        "ruleset.not_utf8": ("{path}：不是 UTF-8 文本", "{path}: not UTF-8 text"),
        "ruleset.toml": (
            "{source}：TOML 语法错误（{where}）：“{detail}”",
            "{source}: TOML syntax error ({where}): {detail}",
        ),
        "ruleset.line_col": ("第 {line} 行第 {col} 列", "line {line}, column {col}"),
        "ruleset.no_head": (
            "缺少 [ruleset] 表（须有 id、version、title_zh、title_en）",
            "missing [ruleset] table with id, version, title_zh, title_en",
        ),
        "ruleset.unknown_key": (
            "{where}：未知的键 {key}；可用：{allowed}",
            "{where}: unknown key {key}; allowed: {allowed}",
        ),
        "ruleset.must_be_string": (
            "{where}：键 {key} 须为字符串，实际为 {found}",
            "{where}: key {key} must be a string, found {found}",
        ),
        "ruleset.crs": (
            "[ruleset]：analysis_crs {crs} {problem}",
            "[ruleset]: analysis_crs {crs} {problem}",
        ),
        "ruleset.crs_unknown": (
            "不是已知的坐标系（如 EPSG:4549）",
            "is not a known CRS (e.g. EPSG:4549)",
        ),
        "ruleset.unknown_table": (
            "未知的顶层表 {key}；可用：ruleset、rule、target、interpretation",
            "unknown top-level table {key}; allowed: ruleset, rule, target, interpretation",
        ),
        "ruleset.not_array": (
            "{key} 须为表数组（[[{key}]]）",
            "{key!r} must be an array of tables ([[{key}]])",
        ),
        "ruleset.duplicate_rule": ("规则 {id}：规则编号重复", "rule {id}: duplicate rule id"),
        "ruleset.rule": ("规则 {id}", "rule {id}"),
        "ruleset.rule_n": ("第 {n} 条规则", "rule #{n}"),
        "ruleset.target": ("目标 {id}", "target {id}"),
        "ruleset.target_n": ("第 {n} 个目标", "target #{n}"),
        "ruleset.must_be_table": ("{where}：须为表", "{where}: must be a table"),
        "ruleset.required_string": (
            "{where}：键 {key} 必填（非空字符串），实际为 {found}",
            "{where}: key {key} is required (a non-empty string), found {found}",
        ),
        "ruleset.bad_severity": (
            "{where}：键 'severity' 的值 {value} 无效；可用：{allowed}",
            "{where}: key 'severity' has value {value}; allowed: {allowed}",
        ),
        "ruleset.unknown_kind": (
            "{where}：键 'kind' 的值 {value} 未知；可用：{allowed}",
            "{where}: key 'kind' has unknown value {value}; allowed: {allowed}",
        ),
        "ruleset.unknown_param": (
            "{where}：种类 {kind} 没有键 {key}；可用：{allowed}",
            "{where}: unknown key {key} for kind {kind}; allowed: {allowed}",
        ),
        "ruleset.wrong_type": (
            "{where}：键 {key} 的值 {value} 类型不对；应为：{allowed}",
            "{where}: key {key} has wrong type {value}; allowed: {allowed}",
        ),
        "ruleset.bad_value": (
            "{where}：键 {key} 的值 {value} 无效；应为：{allowed}",
            "{where}: key {key} has bad value {value}; allowed: {allowed}",
        ),
        "ruleset.param_required": (
            "{where}：种类 {kind} 须有键 {key}：{allowed}",
            "{where}: key {key} is required for kind {kind}: {allowed}",
        ),
        "ruleset.key_required": ("{where}：键 {key} 必填", "{where}: key {key} is required"),
        "ruleset.per_year_or_average": (
            "{where}：per_year 与 average_annual 只能给出一个",
            "{where}: give per_year or average_annual, not both",
        ),
        "ruleset.base_year": (
            "{where}：键 'base_year' 需要 average_annual = true",
            "{where}: key 'base_year' needs average_annual = true",
        ),
        "ruleset.deadline": ("'YYYY' 或 'YYYYQn'", "'YYYY' or 'YYYYQn'"),
    }
)

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
        return pick(self.title_zh, self.title_en, lang)


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
        return pick(self.title_zh, self.title_en, lang)


def load_ruleset(path: str | Path) -> RuleSet:
    """Read and validate the rule set at ``path``. Raises RulesetError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesetError.of(
            "ruleset.cannot_read", path=str(path), reason=exc.strerror or exc
        ) from None
    except UnicodeDecodeError:
        raise RulesetError.of("ruleset.not_utf8", path=str(path)) from None
    return parse_ruleset(text, source=path)


def parse_ruleset(text: str, *, source: str | Path = "<rule set>") -> RuleSet:
    """Parse and validate rule set TOML ``text``; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where, detail = _toml_position(exc, text)
        raise RulesetError.of(
            "ruleset.toml", source=str(source), where=where, detail=detail
        ) from None
    problems: list[str] = []
    head = data.get("ruleset")
    if not isinstance(head, dict):
        problems.append(msg("ruleset.no_head"))
        head = {}
    for key in sorted(set(head) - RULESET_KEYS):
        problems.append(
            msg(
                "ruleset.unknown_key", where="[ruleset]", key=repr(key), allowed=_list(RULESET_KEYS)
            )
        )
    for key in ("id", "version", "title_zh", "title_en"):
        if head and not isinstance(head.get(key), str):
            problems.append(
                msg(
                    "ruleset.must_be_string",
                    where="[ruleset]",
                    key=repr(key),
                    found=repr(head.get(key)),
                )
            )
    crs = head.get("analysis_crs")
    if crs is not None:
        from pyproj import CRS
        from pyproj.exceptions import CRSError as ProjCRSError

        from townsgis.crs import metric_crs_problem

        try:
            problem = metric_crs_problem(CRS.from_user_input(crs))
        except (ProjCRSError, TypeError, ValueError):
            problem = msg("ruleset.crs_unknown")
        if problem:
            problems.append(msg("ruleset.crs", crs=repr(crs), problem=problem))
    for key in sorted(set(data) - {"ruleset", "rule", "target", "interpretation"}):
        problems.append(msg("ruleset.unknown_table", key=repr(key)))
    from townsgis.interpretation import check_interpretation

    interp, bad = check_interpretation(data.get("interpretation"))
    problems += bad

    rules = data.get("rule", [])
    if not isinstance(rules, list):
        problems.append(msg("ruleset.not_array", key="rule"))
        rules = []
    specs = []
    seen: set[str] = set()
    for i, raw in enumerate(rules, start=1):
        spec = _rule(raw, i, problems)
        if spec is not None:
            if spec.id in seen:
                problems.append(msg("ruleset.duplicate_rule", id=spec.id))
            seen.add(spec.id)
            specs.append(spec)

    targets = data.get("target", [])
    if not isinstance(targets, list):
        problems.append(msg("ruleset.not_array", key="target"))
        targets = []
    for i, raw in enumerate(targets, start=1):
        _target(raw, i, problems)

    if problems:
        raise RulesetProblems(str(source), problems)
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
        problems.append(msg("ruleset.must_be_table", where=msg("ruleset.rule_n", n=i)))
        return None
    rid = raw.get("id")
    label = (
        msg("ruleset.rule", id=rid) if isinstance(rid, str) and rid else msg("ruleset.rule_n", n=i)
    )
    before = len(problems)
    for key in ("id", "clause", "title_zh", "title_en", "kind"):
        val = raw.get(key)
        if not isinstance(val, str) or not val.strip():
            problems.append(
                msg("ruleset.required_string", where=label, key=repr(key), found=repr(val))
            )
    sev = raw.get("severity")
    allowed_sev = [s.value for s in Severity]
    if sev not in allowed_sev:
        problems.append(
            msg("ruleset.bad_severity", where=label, value=repr(sev), allowed=_list(allowed_sev))
        )
    kind_name = raw.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if isinstance(kind_name, str) and kind is None:
        problems.append(
            msg("ruleset.unknown_kind", where=label, value=repr(kind_name), allowed=_list(KINDS))
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
                msg(
                    "ruleset.unknown_param",
                    where=label,
                    key=repr(key),
                    kind=repr(kind.name),
                    allowed=_list(RULE_KEYS | set(kind.params)),
                )
            )
            continue
        err = p.check(val)
        if err:
            key_ = "ruleset.wrong_type" if err == "wrong type" else "ruleset.bad_value"
            problems.append(
                msg(key_, where=label, key=repr(key), value=repr(val), allowed=p.allowed())
            )
            continue
        params[key] = val
    for key, p in kind.params.items():
        if key not in raw:
            if p.required:
                problems.append(
                    msg(
                        "ruleset.param_required",
                        where=label,
                        key=repr(key),
                        kind=repr(kind.name),
                        allowed=p.allowed(),
                    )
                )
            else:
                params[key] = p.default
    if kind.validate is not None and len(problems) == before:
        problems.extend(f"{label}: {text}" for text in kind.validate(params))
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
        raise RulesetProblems(str(rs.path), problems)


def _list(values) -> str:
    """Allowed words for a message: ``'a', 'b'`` (sorted, quoted as in the file)."""
    return ", ".join(repr(v) for v in sorted(values))


def _type_words(typ) -> str:
    from townsgis.checks.registry import type_words

    return type_words({bool: "bool", int: "int", float: "number"}.get(typ, "str"))


def _target(raw: Any, i: int, problems: list[str]) -> None:
    if not isinstance(raw, dict):
        problems.append(msg("ruleset.must_be_table", where=msg("ruleset.target_n", n=i)))
        return
    tid = raw.get("id")
    label = (
        msg("ruleset.target", id=tid)
        if isinstance(tid, str) and tid
        else msg("ruleset.target_n", n=i)
    )
    for key, typ in TARGET_REQUIRED.items():
        val = raw.get(key)
        if key not in raw:
            problems.append(msg("ruleset.key_required", where=label, key=repr(key)))
        elif (
            not isinstance(val, typ)
            or isinstance(val, bool)
            or (isinstance(val, float) and not math.isfinite(val))
        ):
            want = _type_words(float if key == "value" else str)
            problems.append(
                msg("ruleset.wrong_type", where=label, key=repr(key), value=repr(val), allowed=want)
            )
    for key, typ in TARGET_OPTIONAL.items():
        bad_int = typ is int and isinstance(raw.get(key), bool)
        if key in raw and (not isinstance(raw[key], typ) or bad_int):
            problems.append(
                msg(
                    "ruleset.wrong_type",
                    where=label,
                    key=repr(key),
                    value=repr(raw[key]),
                    allowed=_type_words(typ),
                )
            )
    for key in sorted(set(raw) - set(TARGET_REQUIRED) - set(TARGET_OPTIONAL)):
        allowed = _list(set(TARGET_REQUIRED) | set(TARGET_OPTIONAL))
        problems.append(msg("ruleset.unknown_key", where=label, key=repr(key), allowed=allowed))
    cmp_ = raw.get("comparison")
    if isinstance(cmp_, str) and cmp_ not in COMPARISONS:
        problems.append(
            msg(
                "ruleset.bad_value",
                where=label,
                key="'comparison'",
                value=repr(cmp_),
                allowed=", ".join(repr(c) for c in COMPARISONS),
            )
        )
    dl = raw.get("deadline")
    if isinstance(dl, str) and not _DEADLINE.match(dl):
        problems.append(
            msg(
                "ruleset.bad_value",
                where=label,
                key="'deadline'",
                value=repr(dl),
                allowed=msg("ruleset.deadline"),
            )
        )
    if raw.get("per_year") and raw.get("average_annual"):
        problems.append(msg("ruleset.per_year_or_average", where=label))
    if "base_year" in raw and not raw.get("average_annual"):
        problems.append(msg("ruleset.base_year", where=label))
    scope = raw.get("scope")
    if isinstance(scope, str) and scope not in SCOPES:
        problems.append(
            msg(
                "ruleset.bad_value",
                where=label,
                key="'scope'",
                value=repr(scope),
                allowed=", ".join(repr(s) for s in SCOPES),
            )
        )


def _toml_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, str]:
    """(where, the parser's message) of a TOML error: ``第 3 行第 5 列`` / ``line 3, column
    5`` (tomllib puts the position in its message; the message itself stays the parser's)."""
    detail = str(exc)
    lineno = getattr(exc, "lineno", None)
    colno = getattr(exc, "colno", None)
    if lineno is None:
        m = re.search(r"\(at line (\d+), column (\d+)\)", detail)
        if m:
            lineno, colno = int(m.group(1)), int(m.group(2))
    base = re.sub(r"\s*\(at line \d+, column \d+\)", "", detail).strip()
    if lineno is None:
        return "?", base
    return msg("ruleset.line_col", line=lineno, col=colno), base
