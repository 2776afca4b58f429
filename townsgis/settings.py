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

from townsgis.errors import ProblemList, ProjectError
from townsgis.messages import msg, register

_CODE = re.compile(r"^\d{6}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SettingsError(ProblemList, ProjectError):
    """``townsgis.toml`` breaks its schema; holds every problem found."""


register(
    {
        "settings.text": (
            "应为带引号的文字，现为 {found}",
            "must be text in quotes, found {found}",
        ),
        "settings.empty": ("不能为空", "must not be empty"),
        "settings.code_type": (
            '应为带引号的六位代码（如 "330100"），现为 {found}',
            'must be a six-digit code in quotes (e.g. "330100"), found {found}',
        ),
        "settings.code": (
            '应为六位行政区划代码（如 "330100"），现为 {found}',
            'must be a six-digit administrative code (e.g. "330100"), found {found}',
        ),
        "settings.ruleset_id": (
            "应为规则集编号，如 huzhou-2018（字母、数字、-、_），现为 {found}",
            "must be a rule set id such as huzhou-2018 (letters, digits, -, _), found {found}",
        ),
        "settings.bool": (
            "应为 true 或 false（不加引号），现为 {found}",
            "must be true or false (without quotes), found {found}",
        ),
        "settings.bbox_type": (
            "应为列表 [最小经度, 最小纬度, 最大经度, 最大纬度]，现为 {found}",
            "must be a list [min_lon, min_lat, max_lon, max_lat], found {found}",
        ),
        "settings.bbox_len": (
            "应有四个数 [最小经度, 最小纬度, 最大经度, 最大纬度]，现有 {n} 个",
            "must have four numbers [min_lon, min_lat, max_lon, max_lat], found {n}",
        ),
        "settings.bbox_numbers": (
            "只能是数字，现有 {found}",
            "must hold numbers only, found {found}",
        ),
        "settings.bbox_finite": (
            "必须是有限数（不能是 nan 或 inf）",
            "must hold finite numbers (no nan or inf)",
        ),
        "settings.bbox_lon": (
            "经度应在 [-180, 180] 内，现为 {a} 和 {b}",
            "longitudes must lie in [-180, 180], found {a} and {b}",
        ),
        "settings.bbox_lat": (
            "纬度应在 [-90, 90] 内，现为 {a} 和 {b}",
            "latitudes must lie in [-90, 90], found {a} and {b}",
        ),
        "settings.bbox_order": (
            "应按 最小经度 < 最大经度、最小纬度 < 最大纬度 排列，现为 {found}",
            "must be in order min_lon < max_lon and min_lat < max_lat, found {found}",
        ),
        "settings.crs_type": (
            '应为带引号的坐标系，如 "EPSG:4549"，现为 {found}',
            'must be a CRS in quotes such as "EPSG:4549", found {found}',
        ),
        "settings.crs_unknown": (
            "{found} 不是坐标系（例如 EPSG:4549）",
            "{found} is not a CRS (use e.g. EPSG:4549)",
        ),
        "settings.crs_bad": ("{found} {problem}", "{found} {problem}"),
        "settings.url": (
            "应为存储地址，如 postgresql://主机/数据库，现为 {found}",
            "must be a store URL such as postgresql://host/db, found {found}",
        ),
        "settings.no_settings": (
            "{source}：不是 townsgis 项目（没有设置）",
            "{source}: not a townsgis project (no settings)",
        ),
        "settings.not_utf8": (
            "不是 UTF-8 文本；请另存为 UTF-8",
            "not UTF-8 text; save the file as UTF-8",
        ),
        "settings.toml": ("TOML 语法错误：{error}", "invalid TOML: {error}"),
        "settings.unknown_table": (
            "{key}：未知的表；应为 {known}",
            "{key}: unknown table; expected {known}",
        ),
        "settings.unknown_top_key": (
            "{key}：未知的键；应为表 {known}",
            "{key}: unknown key; expected {known}",
        ),
        "settings.not_table": (
            "{key}：应为表 [{key}]，现为 {found}",
            "{key}: must be a table [{key}], found {found}",
        ),
        "settings.unknown_key": (
            "{key}：未知的键；[{table}] 的键有：{known}",
            "{key}: unknown key; known keys of [{table}]: {known}",
        ),
        "settings.no_project": (
            '项目：缺少表 [project]（至少要有 name_zh = "…"）',
            'project: missing table [project] (name_zh = "…" at least)',
        ),
        "settings.missing": (
            '{key}：缺失（城市中文名，如 "杭州市"）',
            '{key}: missing (the city\'s Chinese name, e.g. "杭州市")',
        ),
        "settings.key_problem": ("{key}：{problem}", "{key}: {problem}"),
        "settings.list_of": ("含 {n} 项的列表", "a list of {n}"),
        "settings.a_table": ("一个表", "a table"),
    }
)


def _text(v: Any) -> str | None:
    return None if isinstance(v, str) else msg("settings.text", found=_show(v))


def _name(v: Any) -> str | None:
    if not isinstance(v, str):
        return _text(v)
    return msg("settings.empty") if not v.strip() else None


def _code(v: Any) -> str | None:
    if not isinstance(v, str):
        return msg("settings.code_type", found=_show(v))
    if v and not _CODE.match(v):
        return msg("settings.code", found=repr(v))
    return None


def _ruleset_id(v: Any) -> str | None:
    if not isinstance(v, str):
        return _text(v)
    if not _ID.match(v):
        return msg("settings.ruleset_id", found=repr(v))
    return None


def _bool(v: Any) -> str | None:
    if isinstance(v, bool):
        return None
    return msg("settings.bool", found=_show(v))


def _bbox(v: Any) -> str | None:
    if not isinstance(v, list):
        return msg("settings.bbox_type", found=_show(v))
    if len(v) != 4:
        return msg("settings.bbox_len", n=len(v))
    bad = [x for x in v if isinstance(x, bool) or not isinstance(x, int | float)]
    if bad:
        return msg("settings.bbox_numbers", found=_show(bad[0]))
    if not all(math.isfinite(x) for x in v):
        return msg("settings.bbox_finite")
    x0, y0, x1, y1 = v
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180):
        return msg("settings.bbox_lon", a=x0, b=x1)
    if not (-90 <= y0 <= 90 and -90 <= y1 <= 90):
        return msg("settings.bbox_lat", a=y0, b=y1)
    if not (x0 < x1 and y0 < y1):
        return msg("settings.bbox_order", found=v)
    return None


def _crs(v: Any) -> str | None:
    if not isinstance(v, str):
        return msg("settings.crs_type", found=_show(v))
    from townsgis.crs import metric_crs_problem

    try:
        problem = metric_crs_problem(v)
    except Exception:
        return msg("settings.crs_unknown", found=repr(v))
    return msg("settings.crs_bad", found=repr(v), problem=problem) if problem else None


def _url(v: Any) -> str | None:
    if not isinstance(v, str) or "://" not in v:
        return msg("settings.url", found=_show(v))
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
        raise ProjectError.of("settings.no_settings", source=source)
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SettingsError(source, [msg("settings.not_utf8")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(source, [msg("settings.toml", error=str(exc))]) from None
    problems = check_settings(raw)
    if problems:
        raise SettingsError(source, problems)
    return {name: dict(raw.get(name, {})) for name in TABLES}


def check_settings(raw: dict) -> list[str]:
    """Every problem of parsed ``townsgis.toml`` content, one line each, naming the key."""
    problems: list[str] = []
    for key, value in raw.items():
        if key not in TABLES:
            known = " / ".join(f"[{t}]" for t in TABLES)
            which = "table" if isinstance(value, dict) else "top_key"
            problems.append(msg(f"settings.unknown_{which}", key=key, known=known))
            continue
        if not isinstance(value, dict):
            problems.append(msg("settings.not_table", key=key, found=_show(value)))
            continue
        schema = TABLES[key]
        for sub, v in value.items():
            check = schema.get(sub)
            if check is None:
                problems.append(
                    msg(
                        "settings.unknown_key",
                        key=f"{key}.{sub}",
                        table=key,
                        known=", ".join(schema),
                    )
                )
                continue
            problem = check(v)
            if problem:
                problems.append(msg("settings.key_problem", key=f"{key}.{sub}", problem=problem))
    if "project" not in raw:
        problems.append(msg("settings.no_project"))
    else:
        for req in REQUIRED:
            table, sub = req.split(".")
            if isinstance(raw.get(table), dict) and sub not in raw[table]:
                problems.append(msg("settings.missing", key=req))
    return problems


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, dict):
        return msg("settings.a_table")
    if isinstance(v, list):
        return msg("settings.list_of", n=len(v))
    text = repr(v)
    return text if len(text) < 60 else text[:57] + "…"
