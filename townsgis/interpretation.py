"""Readings of the notice that its text leaves open, declared once: each is a rule-set
parameter (``[interpretation]`` table of a rule set) with the allowed values, the default and
what each value means, so that `check`, `capacity` and `progress` can say which reading they
used. The defaults are argued from the Chinese text in rules/huzhou-2018.toml."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from townsgis.i18n import pick
from townsgis.messages import joined, msg, register

register({"interp.head": ("本规则集对通知的解读", "Readings of the notice used")})


@dataclass(frozen=True)
class Reading:
    """One open interpretation: its key, the clause, the allowed values with their meaning
    (zh, en) and the default."""

    key: str
    clause: str
    question_zh: str
    question_en: str
    values: dict[Any, tuple[str, str]]
    default: Any

    def text(self, value: Any, lang: str = "zh") -> str:
        question = pick(self.question_zh, self.question_en, lang)
        answer = pick(*self.values[value], lang)
        return f"{self.clause} {question}{msg('punct.colon', lang)}{answer}"


READINGS: dict[str, Reading] = {
    r.key: r
    for r in [
        Reading(
            "named_in_caps",
            "§3.1.1b/c",
            "省级命名小镇是否计入省级小镇上限",
            "do provincially named towns count against the provincial caps",
            {
                True: ("计入（命名小镇占用其创建时的名额）", "yes (a named town keeps its slot)"),
                False: ("不计入（只计创建、培育类）", "no (creation and cultivation only)"),
            },
            True,
        ),
        Reading(
            "in_principle_scope",
            "§3.1.1c",
            "“原则上”的适用范围",
            "what 原则上 (in principle) governs",
            {
                "whole_sentence": (
                    "整句：县区和两个功能区的上限均可经批准豁免",
                    "the whole sentence: county and zone caps may both be waived",
                ),
                "counties": (
                    "仅县区：两个功能区的上限为硬性，豁免无效",
                    "the counties only: the zone caps are hard, waivers do not apply",
                ),
            },
            "whole_sentence",
        ),
        Reading(
            "veto_unit",
            "§4.3b",
            "一票否决落在",
            "the one-vote veto falls on",
            {
                "county": (
                    "县区（功能区的小镇计入其所在县区）",
                    "the county/district (a zone's towns count for its parent)",
                ),
                "unit": (
                    "小镇申报的单元（含功能区）",
                    "the unit the town declares (zones included)",
                ),
            },
            "county",
        ),
        Reading(
            "bulletin_scope",
            "§4.2a",
            "季度通报汇总的小镇",
            "towns summarised in the quarterly bulletin",
            {
                "provincial": (
                    "省级特色小镇（创建、培育、命名）",
                    "provincial towns (creation, cultivation, named)",
                ),
                "all": ("全部小镇（含市级）", "all towns (municipal included)"),
            },
            "provincial",
        ),
    ]
}


def rule_clauses(ruleset) -> set[str]:
    """The clauses the rules of ``ruleset`` cite."""
    return {r.clause for r in getattr(ruleset, "rules", ())}


#: Which readings each command depends on (and reports).
USED_BY = {
    "check": ("named_in_caps", "in_principle_scope"),
    "capacity": ("named_in_caps",),
    "progress": ("veto_unit", "bulletin_scope"),
}


def check_interpretation(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """The readings of an ``[interpretation]`` table (defaults filled in) and its problems."""
    problems: list[str] = []
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return {k: r.default for k, r in READINGS.items()}, [
            msg("ruleset.must_be_table", where="[interpretation]")
        ]
    for key in sorted(set(raw) - set(READINGS)):
        allowed = ", ".join(repr(k) for k in sorted(READINGS))
        problems.append(
            msg("ruleset.unknown_key", where="[interpretation]", key=repr(key), allowed=allowed)
        )
    out = {}
    for key, r in READINGS.items():
        v = raw.get(key, r.default)
        ok = any(v == c and type(v) is type(c) for c in r.values)
        if not ok:
            allowed = ", ".join(
                repr(c).lower() if isinstance(c, bool) else repr(c) for c in r.values
            )
            problems.append(
                msg(
                    "ruleset.bad_value",
                    where="[interpretation]",
                    key=repr(key),
                    value=repr(v),
                    allowed=allowed,
                )
            )
            v = r.default
        out[key] = v
    return out, problems


def _clause_ids(clause: str) -> set[str]:
    """'§3.1.1b/c' → {'§3.1.1b', '§3.1.1c'}."""
    head, *rest = clause.split("/")
    return {head} | {head[: -len(x)] + x for x in rest}


def readings(
    interp: dict[str, Any], command: str, lang: str = "zh", clauses: set[str] | None = None
) -> list[dict[str, Any]]:
    """The readings ``command`` used: ``[{key, clause, value, text}]``; with ``clauses`` (the
    clauses a rule set's rules cite) only the readings of those clauses."""
    out = []
    for key in USED_BY[command]:
        r = READINGS[key]
        if clauses is not None and not (_clause_ids(r.clause) & clauses):
            continue
        v = interp.get(key, r.default)
        out.append({"key": key, "clause": r.clause, "value": v, "text": r.text(v, lang)})
    return out


def readings_line(
    interp: dict[str, Any], command: str, lang: str = "zh", clauses: set[str] | None = None
) -> str:
    """One line naming the readings ``command`` used, for text output ('' when none)."""
    used = readings(interp, command, lang, clauses)
    if not used:
        return ""
    texts = joined((x["text"] for x in used), lang, sep="punct.semicolon")
    return msg("interp.head", lang) + msg("punct.colon", lang) + texts
