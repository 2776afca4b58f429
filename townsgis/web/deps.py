"""What every route needs: the settings, the loaded inputs, the user's language, and the
parsing of the few values a request carries (category, level, unit, rule set id).

Parsing goes through ``townsgis.vocab`` exactly as the CLI's options do, so 制造业 and
省级培育 are accepted wherever ``manufacturing`` and ``provincial_cultivation`` are.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from fastapi import Query, Request

from townsgis import vocab
from townsgis.choices import FailOn, Lang
from townsgis.i18n import using
from townsgis.web.errors import request_lang
from townsgis.web.state import InputCache, Settings

RULESET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class Crs(StrEnum):
    """Coordinates a request may use (Amap/Tencent points are GCJ-02, Baidu BD-09)."""

    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"
    cgcs2000 = "cgcs2000"


LangQ = Annotated[Lang | None, Query(description="Language of labels and messages (zh, en).")]
RulesetQ = Annotated[
    str | None,
    Query(
        description="Rule set id in the project (e.g. huzhou-2018); default: the project's.",
        pattern=RULESET_ID.pattern,
        max_length=64,
    ),
]
FailOnQ = Annotated[FailOn, Query(description="Lowest severity that fails a site.")]


def settings(request: Request) -> Settings:
    return request.app.state.settings


def cache(request: Request) -> InputCache:
    return request.app.state.inputs


def lang_of(request: Request) -> str:
    return request_lang(request)


def parse_term(domain: str, text: str, what: str, lang: str) -> str:
    """The vocabulary id of ``text`` (id, zh/en label or alias); DataError (→ 400) if unknown."""
    with using(lang):
        return vocab.parse(domain, text.strip(), what=what, lang=lang)


def parse_unit(text: str | None, units, lang: str) -> str | None:
    """A unit id from an id or a unit's zh/en name (南浔区); None when not given."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    for col in ("unit_id", "name_zh", "name_en"):
        if col in units.columns:
            hit = units.loc[units[col].astype(str) == text, "unit_id"]
            if len(hit):
                return str(hit.iloc[0])
    from townsgis.errors import DataError
    from townsgis.i18n import pick
    from townsgis.messages import joined, msg

    known = joined(units[pick("name_zh", "unit_id", lang)].astype(str), lang)
    raise DataError(msg("vocab.unknown_unit", lang, value=text, accepted=known))
