"""Waivers: approved exceptions to a rule for named towns, read from ``layers/waivers.toml``.

    [[waiver]]
    rule = "HZ-SPACING"
    towns = ["HZ-09", "HZ-14"]     # exactly the towns of the finding (order free)
    unit = "330523"                # optional instead of / in addition to towns (unit-scoped rules)
    reason = "..."
    document = "湖政办发〔2019〕xx号"
    expires = 2027-06-30           # TOML date; valid through that day

A waiver covers a finding when the rule matches and the finding's town set equals the waiver's
(a new town joining the finding is NOT silently covered). An expired waiver does not apply.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from townsgis.errors import DataError, TownsgisError
from townsgis.findings import Finding
from townsgis.messages import msg, register

register(
    {
        "waiver.expired": ("{waiver} 的豁免已于 {date} 到期", "waiver for {waiver} expired {date}"),
        "waiver.expired_again": (
            "{waiver} 的豁免已于 {date} 到期，该问题重新列出",
            "waiver for {waiver} expired {date}; the finding is reported again",
        ),
        "waiver.unmatched": (
            "{waiver} 的豁免没有对应的检查问题（{date} 到期）",
            "waiver for {waiver} matches no finding (expires {date})",
        ),
        "waiver.cannot_read": (
            "{path}：无法读取豁免：{reason}",
            "{path}: cannot read waivers: {reason}",
        ),
        "waiver.not_utf8": (
            "{path}：第 {line} 行不是 UTF-8 文本（是否存成了 GBK？）；请把文件存为 UTF-8",
            "{path}: line {line}: not UTF-8 text (saved as GBK?); save the file as UTF-8",
        ),
        "waiver.toml": ("{path}：TOML 语法错误：“{detail}”", "{path}: TOML syntax error: {detail}"),
        "waiver.top_keys": (
            "未知的顶层键 {keys}；请用 [[waiver]]",
            "unknown top-level keys {keys}; use [[waiver]]",
        ),
        "waiver.not_array": (
            "'waiver' 须为表数组（[[waiver]]），实际为 {found}",
            "'waiver' must be an array of tables ([[waiver]]), found {found}",
        ),
        "waiver.n": ("第 {n} 条豁免", "waiver #{n}"),
        "waiver.not_table": (
            "{label}：须为表（含 rule、towns 等的 [[waiver]]），实际为 {found}",
            "{label}: must be a table ([[waiver]] with rule, towns, ...), found {found}",
        ),
        "waiver.non_empty": (
            "{label}：{key} 须为非空字符串，实际为 {found}",
            "{label}: {key} must be a non-empty string, found {found}",
        ),
        "waiver.towns_list": (
            "{label}：'towns' 须为小镇编号列表，实际为 {found}",
            "{label}: 'towns' must be a list of town ids, found {found}",
        ),
        "waiver.unit_string": (
            "{label}：'unit' 须为字符串，实际为 {found}",
            "{label}: 'unit' must be a string, found {found}",
        ),
        "waiver.unknown_key": (
            "{label}：未知的键 {key}；可用：{allowed}",
            "{label}: unknown key {key}; allowed: {allowed}",
        ),
        "waiver.towns_or_unit": (
            "{label}：请给出 'towns' 或 'unit'",
            "{label}: give 'towns' or 'unit'",
        ),
        "waiver.expires": (
            "{label}：'expires' 须为日期（如 2027-06-30），实际为 {found}",
            "{label}: 'expires' must be a date like 2027-06-30, found {found}",
        ),
        "waiver.sample": (
            "{label}：'sample' 须为 true 或 false，实际为 {found}",
            "{label}: 'sample' must be true or false, found {found}",
        ),
    }
)

_KEYS = {"rule", "towns", "unit", "reason", "document", "expires", "sample"}


@dataclass(frozen=True)
class Waiver:
    rule: str
    towns: tuple[str, ...]
    reason: str
    document: str
    expires: dt.date
    unit: str | None = None
    sample: bool = False
    number: int = field(default=0, compare=False)  # position in the file: waiver #n

    def label(self) -> str:
        who = ",".join(sorted(self.towns)) or (self.unit or "")
        return f"{self.rule} {who}".strip()

    def matches(self, f: Finding) -> bool:
        if f.rule != self.rule:
            return False
        if self.towns and tuple(sorted(self.towns)) != f.town_ids:
            return False
        return not (self.unit is not None and f.unit != self.unit)

    def to_dict(self) -> dict:
        """JSON-ready; ``sample`` is true for an illustrative waiver (invented document)."""
        return {
            "rule": self.rule,
            "towns": list(self.towns),
            "unit": self.unit,
            "reason": self.reason,
            "document": self.document,
            "expires": self.expires.isoformat(),
            "sample": self.sample,
        }


def project_waivers(project) -> list[Waiver]:
    """The waivers of a project, read through its store; none when it has no waivers."""
    store = project.store
    return parse_waivers(store.read_document("waivers"), store.document_source("waivers"))


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read waivers; a missing file means none. Raises DataError listing every bad entry."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError.of(
            "waiver.cannot_read", path=str(path), reason=exc.strerror or exc
        ) from None
    return parse_waivers(data, str(path))


def parse_waivers(data: bytes | None, path: str) -> list[Waiver]:
    """Parse waivers TOML ``data`` (None: no waivers); ``path`` names it in messages."""
    if data is None:
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError.of("waiver.not_utf8", path=path, line=line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError.of("waiver.toml", path=path, detail=exc) from None
    problems: list[str] = []
    out: list[Waiver] = []
    entries = data.get("waiver", [])
    if set(data) - {"waiver"}:
        problems.append(msg("waiver.top_keys", keys=sorted(set(data) - {"waiver"})))
    if not isinstance(entries, list):
        problems.append(msg("waiver.not_array", found=repr(entries)))
        entries = []
    for i, w in enumerate(entries, start=1):
        label = msg("waiver.n", n=i)
        if not isinstance(w, dict):
            problems.append(msg("waiver.not_table", label=label, found=repr(w)))
            continue
        before = len(problems)
        for key in sorted(set(w) - _KEYS):
            allowed = ", ".join(repr(k) for k in sorted(_KEYS))
            problems.append(msg("waiver.unknown_key", label=label, key=repr(key), allowed=allowed))
        for key in ("rule", "reason", "document"):
            if not isinstance(w.get(key), str) or not w[key].strip():
                problems.append(
                    msg("waiver.non_empty", label=label, key=repr(key), found=repr(w.get(key)))
                )
        towns = w.get("towns", [])
        if not isinstance(towns, list) or not all(isinstance(t, str) for t in towns):
            problems.append(msg("waiver.towns_list", label=label, found=repr(towns)))
        unit = w.get("unit")
        if unit is not None and not isinstance(unit, str):
            problems.append(msg("waiver.unit_string", label=label, found=repr(unit)))
        if not towns and unit is None:
            problems.append(msg("waiver.towns_or_unit", label=label))
        exp = w.get("expires")
        if isinstance(exp, str):
            try:
                exp = dt.date.fromisoformat(exp)
            except ValueError:
                exp = None
        if isinstance(exp, dt.datetime):
            exp = exp.date()
        if not isinstance(exp, dt.date):
            problems.append(msg("waiver.expires", label=label, found=repr(w.get("expires"))))
        if "sample" in w and not isinstance(w["sample"], bool):
            problems.append(msg("waiver.sample", label=label, found=repr(w["sample"])))
        if len(problems) == before:
            out.append(
                Waiver(
                    rule=w["rule"],
                    towns=tuple(towns),
                    reason=w["reason"],
                    document=w["document"],
                    expires=exp,
                    unit=unit,
                    sample=bool(w.get("sample", False)),
                    number=i,
                )
            )
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise DataError(msg("waiver.problems", path=path, n=len(problems)) + "\n" + lines)
    return out


def check_waivers(
    waivers: list[Waiver],
    path: str | Path,
    *,
    rule_ids: set[str],
    town_ids: set[str],
    unit_ids: set[str] | None = None,
) -> None:
    """Raise one DataError naming each waiver that names a rule no rule set of the project
    has (``rule_ids``), a town not in the towns layer or a unit not in the units layer: such
    a waiver would otherwise be ignored in silence."""
    from townsgis.messages import msg
    from townsgis.validate import show

    problems = []
    for w in waivers:
        label = msg("waiver.label", n=w.number, what=w.label())
        if w.rule not in rule_ids:
            close = difflib.get_close_matches(w.rule, sorted(rule_ids), n=1)
            hint = msg("waiver.did_you_mean", rule=close[0]) if close else ""
            problems.append(msg("waiver.unknown_rule", label=label, rule=show(w.rule), hint=hint))
        for t in w.towns:
            if t not in town_ids:
                problems.append(msg("waiver.unknown_town", label=label, town=show(t)))
        if w.unit is not None and unit_ids is not None and w.unit not in unit_ids:
            problems.append(msg("waiver.unknown_unit", label=label, unit=show(w.unit)))
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise DataError(msg("waiver.problems", path=path, n=len(problems)) + "\n" + lines)


def project_rule_ids(project, extra=()) -> set[str]:
    """Ids of every rule in the project's rule sets (one that does not parse is skipped: it
    is reported when used) plus ``extra``."""
    ids = set(extra)
    store = project.store
    for name in store.rulesets():
        try:
            data = tomllib.loads((store.read_document(f"rules/{name}") or b"").decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TownsgisError):
            continue
        rules = data.get("rule", [])
        if isinstance(rules, list):
            ids |= {r["id"] for r in rules if isinstance(r, dict) and isinstance(r.get("id"), str)}
    return ids


def _register_messages() -> None:
    from townsgis.messages import register

    register(
        {
            "waiver.label": ("第 {n} 条豁免（{what}）", "waiver #{n} ({what})"),
            "waiver.did_you_mean": ("；是否应为 {rule}？", "; did you mean {rule!r}?"),
            "waiver.unknown_rule": (
                "{label}：规则 {rule} 不在本项目任何规则集中{hint}",
                "{label}: rule {rule} is in no rule set of the project{hint}",
            ),
            "waiver.unknown_town": (
                "{label}：小镇 {town} 不在小镇图层中",
                "{label}: town {town} is not in the towns layer",
            ),
            "waiver.unknown_unit": (
                "{label}：单元 {unit} 不在单元图层中",
                "{label}: unit {unit} is not in the units layer",
            ),
            "waiver.problems": ("{path}：{n} 个问题：", "{path}: {n} problem(s):"),
        }
    )


_register_messages()


def checked_project_waivers(ds, ruleset) -> list[Waiver]:
    """The project's waivers, each checked against the project: its rule must be a rule of
    one of the project's rule sets (or of ``ruleset``), its towns towns of ``ds`` and its
    unit a unit of ``ds``. Raises one DataError naming every waiver that is not."""
    waivers = project_waivers(ds.project)
    if waivers:
        rule_ids = {r.id for r in ruleset.rules}
        if any(w.rule not in rule_ids for w in waivers):  # else no need to read the others
            rule_ids = project_rule_ids(ds.project, rule_ids)
        check_waivers(
            waivers,
            ds.project.store.document_source("waivers"),
            rule_ids=rule_ids,
            town_ids={str(t) for t in ds.towns["town_id"]},
            unit_ids={str(u) for u in ds.unit_fields()["unit_id"]},
        )
    return waivers


def apply_waivers(
    findings: list[Finding],
    waivers: list[Waiver],
    today: dt.date,
    rule_ids: set[str] | None = None,
) -> list[str]:
    """Mark findings covered by a valid waiver as waived (in place); return notes for expired
    waivers and for waivers that match nothing. Waivers for rules outside ``rule_ids`` (other
    rule sets) are ignored."""
    notes: list[str] = []
    for w in waivers:
        if rule_ids is not None and w.rule not in rule_ids:
            continue
        hits = [f for f in findings if w.matches(f)]
        if w.expires < today:
            for f in hits:
                f.waiver = {**w.to_dict(), "expired": True}
            key = "waiver.expired_again" if hits else "waiver.expired"
            notes.append(msg(key, waiver=w.label(), date=w.expires.isoformat()))
            continue
        if not hits:
            notes.append(msg("waiver.unmatched", waiver=w.label(), date=w.expires.isoformat()))
        for f in hits:
            f.waived = True
            f.waiver = w.to_dict()
    return notes
