"""The schema of ``townsgis.toml``, a project's settings, checked when a project opens.

::

    [project]
    name_zh = "杭州市"              # text, required, not empty
    name_en = "Hangzhou"            # text
    city_code = "330100"            # six-digit administrative code (text)
    province_zh = "浙江省"          # text
    province_code = "330000"        # six-digit administrative code (text)
    default_ruleset = "hangzhou"    # rule set id in rules/ (a-z, 0-9, - and _)
    sample_data = false             # boolean: true marks every map and export "sample data"
    region_bbox = [118.3, 29.2, 120.8, 30.6]   # WGS84 [min_lon, min_lat, max_lon, max_lat]
    analysis_crs = "EPSG:4549"      # projected, metric CRS for distances and areas

    [store]                         # optional: where the data live (default: this folder)
    url = "postgresql://…"

Every key is type-checked (booleans are TOML booleans, not "no" or 0; the box is four finite
numbers in order); unknown keys are reported. All problems are collected and raised together
as one ``SettingsError`` naming the file and each key, exit code 2.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from typing import Any

from townsgis.errors import ProjectError

_CODE = re.compile(r"^\d{6}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SettingsError(ProjectError):
    """``townsgis.toml`` breaks its schema; holds every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(source, self.problems)

    def render(self, lang: str | None = None) -> str:
        from townsgis.messages import msg

        lines = "\n".join(f"  - {p}" for p in self.problems)
        n = len(self.problems)
        key = "schema.problem" if n == 1 else "schema.problems"
        return msg(key, lang, source=self.source, n=n) + "\n" + lines


def _text(v: Any) -> str | None:
    return None if isinstance(v, str) else f"must be text in quotes, found {_show(v)}"


def _name(v: Any) -> str | None:
    if not isinstance(v, str):
        return _text(v)
    return "must not be empty" if not v.strip() else None


def _code(v: Any) -> str | None:
    if not isinstance(v, str):
        return f'must be a six-digit code in quotes (e.g. "330100"), found {_show(v)}'
    if v and not _CODE.match(v):
        return f'must be a six-digit administrative code (e.g. "330100"), found {v!r}'
    return None


def _ruleset_id(v: Any) -> str | None:
    if not isinstance(v, str):
        return _text(v)
    if not _ID.match(v):
        return f"must be a rule set id such as huzhou-2018 (letters, digits, -, _), found {v!r}"
    return None


def _bool(v: Any) -> str | None:
    if isinstance(v, bool):
        return None
    return f"must be true or false (without quotes), found {_show(v)}"


def _bbox(v: Any) -> str | None:
    if not isinstance(v, list):
        return f"must be a list [min_lon, min_lat, max_lon, max_lat], found {_show(v)}"
    if len(v) != 4:
        return f"must have four numbers [min_lon, min_lat, max_lon, max_lat], found {len(v)}"
    bad = [x for x in v if isinstance(x, bool) or not isinstance(x, int | float)]
    if bad:
        return f"must hold numbers only, found {_show(bad[0])}"
    if not all(math.isfinite(x) for x in v):
        return "must hold finite numbers (no nan or inf)"
    x0, y0, x1, y1 = v
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180):
        return f"longitudes must lie in [-180, 180], found {x0} and {x1}"
    if not (-90 <= y0 <= 90 and -90 <= y1 <= 90):
        return f"latitudes must lie in [-90, 90], found {y0} and {y1}"
    if not (x0 < x1 and y0 < y1):
        return f"must be in order min_lon < max_lon and min_lat < max_lat, found {v}"
    return None


def _crs(v: Any) -> str | None:
    if not isinstance(v, str):
        return f'must be a CRS in quotes such as "EPSG:4549", found {_show(v)}'
    from townsgis.crs import metric_crs_problem

    try:
        problem = metric_crs_problem(v)
    except Exception:
        return f"{v!r} is not a CRS (use e.g. EPSG:4549)"
    return f"{v!r} {problem}" if problem else None


def _url(v: Any) -> str | None:
    if not isinstance(v, str) or "://" not in v:
        return f"must be a store URL such as postgresql://host/db, found {_show(v)}"
    return None


PROJECT_KEYS: dict[str, Callable[[Any], str | None]] = {
    "name_zh": _name,
    "name_en": _text,
    "city_code": _code,
    "province_zh": _text,
    "province_en": _text,
    "province_code": _code,
    "default_ruleset": _ruleset_id,
    "sample_data": _bool,
    "region_bbox": _bbox,
    "analysis_crs": _crs,
}
STORE_KEYS: dict[str, Callable[[Any], str | None]] = {"url": _url}
TABLES = {"project": PROJECT_KEYS, "store": STORE_KEYS}
REQUIRED = ("project.name_zh",)


def parse_settings(data: bytes | None, source: str) -> dict[str, dict]:
    """The checked settings ``{"project": {...}, "store": {...}}`` of TOML ``data``.

    Raises ``SettingsError`` listing every problem (``source`` names the file)."""
    if data is None:
        raise ProjectError(f"{source}: not a townsgis project (no settings)")
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SettingsError(source, ["not UTF-8 text; save the file as UTF-8"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(source, [f"invalid TOML: {exc}"]) from None
    problems = check_settings(raw)
    if problems:
        raise SettingsError(source, problems)
    return {name: dict(raw.get(name, {})) for name in TABLES}


def check_settings(raw: dict) -> list[str]:
    """Every problem of parsed ``townsgis.toml`` content, one line each, naming the key."""
    problems: list[str] = []
    for key, value in raw.items():
        if key not in TABLES:
            problems.append(
                f"{key}: unknown {'table' if isinstance(value, dict) else 'key'}; "
                f"expected {' or '.join(f'[{t}]' for t in TABLES)}"
            )
            continue
        if not isinstance(value, dict):
            problems.append(f"{key}: must be a table [{key}], found {_show(value)}")
            continue
        schema = TABLES[key]
        for sub, v in value.items():
            check = schema.get(sub)
            if check is None:
                problems.append(
                    f"{key}.{sub}: unknown key; known keys of [{key}]: {', '.join(schema)}"
                )
                continue
            problem = check(v)
            if problem:
                problems.append(f"{key}.{sub}: {problem}")
    if "project" not in raw:
        problems.append('project: missing table [project] (name_zh = "…" at least)')
    else:
        for req in REQUIRED:
            table, sub = req.split(".")
            if isinstance(raw.get(table), dict) and sub not in raw[table]:
                problems.append(f'{req}: missing (the city\'s Chinese name, e.g. "杭州市")')
    return problems


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return f"a list of {len(v)}"
    text = repr(v)
    return text if len(text) < 60 else text[:57] + "…"
