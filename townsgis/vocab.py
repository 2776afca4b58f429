"""The one vocabulary: every enumerated value townsgis knows, its Chinese and English label,
the words accepted for it on input, and its map colour and symbol.

Every output (text, JSON labels, Markdown, XLSX, web map, print map) takes names and colours
from here; every input (files, CLI options) is read with :func:`parse`. Category names follow
the notice (docs/notice-zh.txt §3.1.1: 制造类小镇、休闲旅游类小镇、其他现代服务业小镇); stage
names are its "four batches" (谋划储备、前期报批、开工实施、竣工投运).

    label("category", "manufacturing")          -> "制造类"
    label("category", "manufacturing", "en")    -> "manufacturing"
    parse("level", "省级培育")                   -> "provincial_cultivation"
    colour("category", "tourism")               -> "#33a02c"
    field_label("scenic_grade")                 -> "景区等级"

This module imports nothing heavy (no pandas), so the CLI's ``--help`` stays fast.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from townsgis.i18n import get_lang, pick


@dataclass(frozen=True)
class Term:
    """One enumerated value: canonical ``id``, labels, accepted input words, map style."""

    id: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    colour: str | None = None
    symbol: str | None = None  # matplotlib marker / short map sign, where a map draws it


def _terms(*terms: Term) -> tuple[Term, ...]:
    return terms


DOMAINS: dict[str, tuple[Term, ...]] = {
    # §3.1.1a/b: the notice's levels of a characteristic town
    "level": _terms(
        Term(
            "provincial_creation",
            "省级创建",
            "provincial (creation)",
            ("创建", "省级创建类", "省级创建小镇", "省创建", "provincial creation"),
            "#08519c",
            "o",
        ),
        Term(
            "provincial_cultivation",
            "省级培育",
            "provincial (cultivation)",
            ("培育", "省级培育类", "省级培育小镇", "省培育", "provincial cultivation"),
            "#3182bd",
            "s",
        ),
        Term(
            "provincial_named",
            "省级命名",
            "provincial (named)",
            ("命名", "已命名", "省级验收命名", "省级命名小镇", "provincial named"),
            "#006d2c",
            "D",
        ),
        Term(
            "municipal",
            "市级",
            "municipal",
            ("市级小镇", "市级特色小镇", "市级创建", "市级培育", "市"),
            "#756bb1",
            "^",
        ),
    ),
    # §3.1.3: the notice's wording (制造类小镇、休闲旅游类小镇、其他现代服务业小镇)
    "category": _terms(
        Term(
            "manufacturing",
            "制造类",
            "manufacturing",
            (
                "制造业",
                "制造",
                "先进制造业",
                "制造类小镇",
                "制造业小镇",
                "高端装备制造",
                "industry",
            ),
            "#1f78b4",
        ),
        Term(
            "tourism",
            "休闲旅游类",
            "leisure tourism",
            ("休闲旅游", "旅游", "旅游类", "休闲旅游类小镇", "旅游小镇", "旅游类小镇", "tourist"),
            "#33a02c",
        ),
        Term(
            "services",
            "其他现代服务业",
            "other modern services",
            (
                "现代服务业",
                "服务业",
                "服务类",
                "其他服务业",
                "其他现代服务业小镇",
                "现代服务业小镇",
                "服务业小镇",
                "service",
                "modern services",
            ),
            "#e6ab02",
        ),
    ),
    "unit_kind": _terms(
        Term("district", "市辖区", "district", ("区",), "#555555"),
        Term("county", "县", "county", ("县级市",), "#555555"),
        Term(
            "functional_zone",
            "功能区",
            "functional zone",
            ("开发区", "度假区", "zone"),
            "#6a3d9a",
        ),
    ),
    # §3.3.1: the "four batches", in pipeline order
    "stage": _terms(
        Term(
            "reserve", "谋划储备", "planning reserve", ("谋划", "储备", "谋划储备一批"), "#9e9ac8"
        ),
        Term("approval", "前期报批", "pre-approval", ("报批", "前期", "前期报批一批"), "#fdae6b"),
        Term(
            "construction",
            "开工实施",
            "under construction",
            ("开工", "在建", "实施", "开工实施一批", "建设中"),
            "#e6550d",
        ),
        Term(
            "operation",
            "竣工投运",
            "operating",
            ("竣工", "投运", "建成", "运营", "竣工投运一批", "完工"),
            "#31a354",
        ),
    ),
    "severity": _terms(
        Term("error", "错误", "error", ("严重",), "#d7191c"),
        Term("warning", "警告", "warning", ("警示", "warn"), "#fd8d3c"),
        Term("info", "提示", "info", ("信息", "information"), "#2b83ba"),
    ),
    # a progress target (§2): met, missed, or not measurable yet
    "target_state": _terms(
        Term("met", "达标", "met", ("是", "yes", "true"), "#1a9641"),
        Term("missed", "未达标", "not met", ("否", "no", "false", "not met"), "#d7191c"),
        Term(
            "stretch_missed",
            "力争未达",
            "stretch goal not reached",
            ("力争未达标", "stretch missed"),
            "#fdae61",
        ),
        Term("unknown", "无数据", "no data", ("—", "no data", "未知"), "#7f7f7f"),
    ),
    # what became of a finding
    "finding_state": _terms(
        Term("open", "未豁免", "not waived", ("active",), None),
        Term("waived", "已豁免", "waived", ("豁免",), "#7f7f7f"),
        Term(
            "sample_waiver",
            "示例豁免",
            "sample waiver",
            ("示例", "sample"),
            "#7f7f7f",
        ),
        Term("expired", "豁免已过期", "waiver expired", ("已过期", "过期"), None),
    ),
    # §3.4.3: scenic-area grade of a town (3A at least; tourism towns 4A)
    "scenic_grade": _terms(
        Term("none", "无", "none", ("未评级", "没有", "无等级", "-", "0", "0a")),
        Term("A", "A级", "A", ("1A", "1A级", "A级景区")),
        Term("2A", "2A级", "2A", ("AA", "AA级", "2A级景区", "AA级景区")),
        Term("3A", "3A级", "3A", ("AAA", "AAA级", "3A级景区", "AAA级景区")),
        Term("4A", "4A级", "4A", ("AAAA", "AAAA级", "4A级景区", "AAAA级景区")),
        Term("5A", "5A级", "5A", ("AAAAA", "AAAAA级", "5A级景区", "AAAAA级景区")),
    ),
    # the layer kinds of a project
    "layer_kind": _terms(
        Term("units", "县区与功能区", "units", ("县区", "单元", "行政区")),
        Term("towns", "特色小镇", "towns", ("小镇",)),
        Term("projects", "项目", "projects", ("项目库",)),
        Term("proposals", "候选选址", "proposals", ("选址", "拟选址")),
    ),
    # a proposed site's verdict
    # how sure a town's location is (towns layer ``location_confidence``)
    "confidence": _terms(
        Term("high", "高", "high", ("较高",)),
        Term("medium", "中", "medium", ("一般", "中等")),
        Term("low", "低", "low", ("较低",)),
    ),
    "verdict": _terms(
        Term("pass", "通过", "pass", ("合格",), "#1a9641"),
        Term("fail", "不通过", "fail", ("不合格",), "#d7191c"),
        Term("unknown", "未评估", "not evaluated", (), "#7f7f7f"),
    ),
}
OTHER_COLOUR = "#999999"  # a value outside its domain (never expected after validation)

# The domains' ids in their defined order, e.g. ``ids("stage")``.
LEVELS = tuple(t.id for t in DOMAINS["level"])
CATEGORIES = tuple(t.id for t in DOMAINS["category"])
UNIT_KINDS = tuple(t.id for t in DOMAINS["unit_kind"])
STAGES = tuple(t.id for t in DOMAINS["stage"])
SEVERITIES = tuple(t.id for t in DOMAINS["severity"])
SCENIC_GRADES = tuple(t.id for t in DOMAINS["scenic_grade"])

DOMAIN_NAMES = {  # what a domain is called, for messages
    "level": ("级别", "level"),
    "category": ("类别", "category"),
    "unit_kind": ("单元类型", "unit kind"),
    "stage": ("阶段", "stage"),
    "severity": ("严重程度", "severity"),
    "target_state": ("达标情况", "target state"),
    "finding_state": ("豁免状态", "waiver state"),
    "scenic_grade": ("景区等级", "scenic grade"),
    "verdict": ("结论", "verdict"),
    "confidence": ("位置可信度", "location confidence"),
    "layer_kind": ("图层类型", "layer kind"),
}


def _lang(lang: str | None) -> str:
    lang = lang or get_lang()
    return "en" if lang == "en" else "zh"


def ids(domain: str) -> tuple[str, ...]:
    """The canonical ids of ``domain`` in their defined order."""
    return tuple(t.id for t in _domain(domain))


def _domain(domain: str) -> tuple[Term, ...]:
    try:
        return DOMAINS[domain]
    except KeyError:
        known = ", ".join(DOMAINS)
        raise KeyError(f"unknown vocabulary domain {domain!r}; known: {known}") from None


def term(domain: str, value: str) -> Term | None:
    """The Term of ``value`` (a canonical id) in ``domain``, or None."""
    for t in _domain(domain):
        if t.id == value:
            return t
    return None


def label(domain: str, value, lang: str | None = None) -> str:
    """The label of ``value`` in ``lang`` (default: the current language). A value outside
    the domain is returned as text (never raises: outputs must not crash on odd data)."""
    if value is None:
        return "—"
    t = term(domain, str(value))
    if t is None:
        return str(value)
    return t.en if _lang(lang) == "en" else t.zh


def labels(domain: str, lang: str | None = None) -> dict[str, str]:
    """``{id: label}`` of every value of ``domain`` in ``lang``."""
    return {t.id: label(domain, t.id, lang) for t in _domain(domain)}


def town_label(category: str, lang: str | None = None) -> str:
    """A category as a kind of town: ``制造类小镇`` / ``manufacturing towns``."""
    from townsgis.messages import msg

    return msg("vocab.town_label", _lang(lang), name=label("category", category, lang))


def join(domain: str, values, lang: str | None = None) -> str:
    """Several values as one phrase: ``省级创建、省级培育`` / ``provincial (creation), …``."""
    from townsgis.messages import joined

    return joined((label(domain, v, lang) for v in values), _lang(lang))


def colour(domain: str, value) -> str:
    """Map colour of ``value`` as ``#rrggbb`` (grey for a value outside the domain)."""
    t = term(domain, str(value)) if value is not None else None
    return (t.colour if t and t.colour else None) or OTHER_COLOUR


def colours(domain: str) -> dict[str, str]:
    """``{id: colour}`` of every value of ``domain``."""
    return {t.id: colour(domain, t.id) for t in _domain(domain)}


def symbol(domain: str, value) -> str | None:
    """Map symbol (matplotlib marker) of ``value``, or None where the domain has none."""
    t = term(domain, str(value)) if value is not None else None
    return t.symbol if t else None


# --------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------
_SPACE = re.compile(r"[\s_\-·・]+")


def normalise(text: str) -> str:
    """Fold an input word for matching: NFKC (full-width → half-width), case, blanks,
    ``_``/``-`` and the brackets' style."""
    s = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    s = s.replace("（", "(").replace("）", ")")
    return _SPACE.sub("", s)


def _index(domain: str) -> dict[str, str]:
    idx = _INDEX.get(domain)
    if idx is None:
        idx = {}
        for t in _domain(domain):
            for word in (t.id, t.zh, t.en, *t.aliases):
                idx.setdefault(normalise(word), t.id)
        _INDEX[domain] = idx
    return idx


_INDEX: dict[str, dict[str, str]] = {}


def lookup(domain: str, text) -> str | None:
    """The canonical id of ``text`` in ``domain``, or None when it is not a known word."""
    if text is None:
        return None
    return _index(domain).get(normalise(text))


def accepted(domain: str, lang: str | None = None) -> str:
    """The accepted words of ``domain`` for a message: ``制造类（制造业、先进制造业…）；…``."""
    zh = _lang(lang) == "zh"
    parts = []
    for t in _domain(domain):
        main = t.zh if zh else t.en
        cjk = [w for w in (t.zh, *t.aliases) if _is_cjk(w)]
        latin = [w for w in (t.id, t.en, *t.aliases) if not _is_cjk(w)]
        words, seen = [], {normalise(main)}
        for w in (cjk[:3] + latin[:1]) if zh else (latin[:2] + cjk[:2]):
            if normalise(w) not in seen:
                seen.add(normalise(w))
                words.append(w)
        extra = "、".join(words) if zh else ", ".join(words)
        parts.append(f"{main}（{extra}）" if zh else f"{main} ({extra})")
    return "；".join(parts) if zh else "; ".join(parts)


def _is_cjk(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def parse(domain: str, text, *, what: str | None = None, lang: str | None = None) -> str:
    """The canonical id of ``text`` (an id, a zh/en label or an alias) in ``domain``.

    Raises :class:`townsgis.errors.DataError` naming the word and listing the accepted words
    in ``lang`` (default: the current language); ``what`` names where it came from
    (``--category``, ``towns.csv row 3``…).
    """
    found = lookup(domain, text)
    if found is not None:
        return found
    from townsgis.errors import DataError

    raise DataError(unknown_word(domain, text, what=what, lang=lang))


def unknown_word(domain: str, text, *, what: str | None = None, lang: str | None = None) -> str:
    """The message for a word outside ``domain``, listing the accepted words."""
    from townsgis.messages import msg

    lang = _lang(lang)
    name = pick(*DOMAIN_NAMES.get(domain, (domain, domain)), lang)
    where = f"{what}: " if what else ""
    out = msg("vocab.unknown", lang, what=name, value=str(text), accepted=accepted(domain, lang))
    close = difflib.get_close_matches(normalise(text), list(_index(domain)), n=1, cutoff=0.75)
    if close:
        out += msg("vocab.did_you_mean", lang, word=label(domain, _index(domain)[close[0]], lang))
    return where + out


# --------------------------------------------------------------------------------------
# field (column) names
# --------------------------------------------------------------------------------------
FIELDS: dict[str, tuple[str, str]] = {
    "name_zh": ("名称", "name"),
    "name_en": ("英文名称", "English name"),
    "name": ("名称", "name"),
    "town_id": ("小镇编号", "town id"),
    "unit_id": ("所属县区", "county/district"),
    "kind": ("类型", "kind"),
    "parent_id": ("上级单元", "parent unit"),
    "source": ("来源", "source"),
    "approximate": ("位置近似", "approximate"),
    "level": ("级别", "level"),
    "category": ("类别", "category"),
    "industry": ("主导产业", "industry"),
    "lead_department": ("牵头部门", "lead department"),
    "investor": ("投资主体", "investor"),
    "scenic_grade": ("景区等级", "scenic grade"),
    "planned_area_km2": ("规划面积（平方公里）", "planned area (km²)"),
    "construction_area_km2": ("建设用地面积（平方公里）", "construction land (km²)"),
    "residential_area_km2": ("居住用地面积（平方公里）", "residential land (km²)"),
    "investor_type": ("投资主体类型", "investor type"),
    "first_batch": ("首期项目", "first batch"),
    "project_id": ("项目编号", "project id"),
    "stage": ("阶段", "stage"),
    "total_investment": ("总投资（亿元）", "total investment (100M yuan)"),
    "invested_to_date": ("已完成投资（亿元）", "invested to date (100M yuan)"),
    "specialty_industry": ("特色产业投资（亿元）", "specialty industry (100M yuan)"),
    "government_share": ("政府投资占比", "government share"),
    "tech_investment": ("科技投入（亿元）", "S&T investment (100M yuan)"),
    "start_quarter": ("开始季度", "start quarter"),
    "stage_since": ("进入本阶段季度", "stage since"),
    "stage_history": ("阶段历程", "stage history"),
    "synthetic": ("合成数据", "synthetic"),
    "proposal_id": ("选址编号", "proposal id"),
    "area_km2": ("面积（平方公里）", "area (km²)"),
    "note": ("备注", "note"),
    "lon": ("经度", "longitude"),
    "lat": ("纬度", "latitude"),
    "rule": ("规则", "rule"),
    "clause": ("条款", "clause"),
    "severity": ("严重程度", "severity"),
    "message": ("说明", "message"),
    "towns": ("涉及小镇", "towns"),
    "measured": ("实测值", "measured"),
    "limit": ("限值", "limit"),
    "waived": ("豁免", "waived"),
    "unit": ("单位", "unit"),
    "location_confidence": ("位置可信度", "location confidence"),
    "location_note": ("位置说明", "location note"),
}


# Fields whose values are words of a domain (for showing a value: scenic_grade none → 无).
FIELD_DOMAINS = {
    "level": "level",
    "category": "category",
    "scenic_grade": "scenic_grade",
    "stage": "stage",
    "kind": "unit_kind",
    "severity": "severity",
}


def value_label(field: str, value, lang: str | None = None) -> str:
    """A field's value for people: ``value_label("scenic_grade", "none")`` → 无."""
    domain = FIELD_DOMAINS.get(field)
    if isinstance(value, list | tuple):
        from townsgis.messages import joined

        return joined((value_label(field, v, lang) for v in value), _lang(lang))
    return label(domain, value, lang) if domain else str(value)


OPS = {  # comparison words of an attribute rule
    ">=": ("不低于", ">="),
    ">": ("高于", ">"),
    "<=": ("不高于", "<="),
    "<": ("低于", "<"),
    "==": ("为", "="),
    "!=": ("不为", "!="),
    "in": ("属于", "in"),
    "not-in": ("不属于", "not in"),
    "not-empty": ("不为空", "not empty"),
}


def condition(field: str, op: str, value=None, lang: str | None = None) -> str:
    """``景区等级不低于3A级`` / ``scenic grade >= 3A``: an attribute condition for people."""
    zh = _lang(lang) == "zh"
    word = OPS.get(op, (op, op))[0 if zh else 1]
    name = field_label(field, lang)
    if op == "not-empty":
        return f"{name}{word}" if zh else f"{name} {word}"
    shown = value_label(field, value, lang)
    return f"{name}{word}{shown}" if zh else f"{name} {word} {shown}"


def field_label(field: str, lang: str | None = None) -> str:
    """Column/field name for people: ``scenic_grade`` → 景区等级 / scenic grade. An unknown
    field is returned with its underscores as spaces (never a raw snake_case id)."""
    pair = FIELDS.get(field)
    if pair is None:
        return field.replace("_", " ")
    return pick(*pair, lang)


# Header words accepted in files, per field; ``HEADERS_BY_KIND`` overrides where a word means
# different fields in different layers (类型: a unit's kind, a town's category).
HEADERS: dict[str, tuple[str, ...]] = {
    "name_zh": ("名称", "小镇名称", "中文名称", "小镇", "镇名", "名字", "name"),
    "name_en": ("英文名称", "英文名", "english name", "name en"),
    "town_id": ("小镇编号", "小镇代码", "小镇id"),
    "unit_id": (
        "所属区县",
        "所属县区",
        "区县",
        "县区",
        "所在区县",
        "所在县区",
        "区县代码",
        "县区代码",
        "行政区划代码",
        "行政区",
        "unit",
    ),
    "level": ("级别", "小镇级别", "层级", "创建级别"),
    "category": ("类别", "类型", "小镇类别", "小镇类型", "产业类别"),
    "industry": ("主导产业", "产业", "特色产业"),
    "lead_department": ("牵头部门", "联系部门", "责任部门"),
    "investor": ("投资主体", "投资建设主体", "建设主体"),
    "scenic_grade": ("景区等级", "景区级别", "a级景区"),
    "planned_area_km2": (
        "面积",
        "规划面积",
        "规划面积(平方公里)",
        "规划面积(km2)",
        "规划面积(km²)",
        "面积(平方公里)",
    ),
    "construction_area_km2": (
        "建设用地面积",
        "建设用地面积(平方公里)",
        "建设用地(平方公里)",
        "建设用地面积(km2)",
    ),
    "residential_area_km2": ("居住用地面积", "居住用地面积(平方公里)", "居住用地(平方公里)"),
    "investor_type": ("投资主体类型", "主体类型"),
    "first_batch": ("首期项目", "首期"),
    "approximate": ("位置近似", "近似"),
    "project_id": ("项目编号", "项目代码"),
    "stage": ("阶段", "项目阶段", "所处阶段"),
    "total_investment": ("总投资", "总投资(亿元)", "计划总投资", "计划总投资(亿元)"),
    "invested_to_date": ("已完成投资", "已完成投资(亿元)", "累计完成投资", "累计完成投资(亿元)"),
    "note": ("备注", "说明"),
    "lon": ("经度", "lng", "lon", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
}
HEADERS_BY_KIND: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "unit_id": ("单元编号", "行政区划代码", "区划代码", "代码", "编号"),
        "kind": ("类型", "单元类型"),
        "parent_id": ("上级单元", "上级代码"),
    },
    # a kind's words for a field replace the general ones (所属区县 is a unit's parent, not
    # its id); for a town's id they add to them
    "towns": {"town_id": ("编号", *HEADERS["town_id"])},
    "projects": {
        "name_zh": ("项目名称", "名称", "项目"),
        "town_id": ("所属小镇编号", "小镇编号"),
    },
    "proposals": {
        "proposal_id": ("编号", "选址编号"),
        "area_km2": ("面积", "面积(平方公里)", "用地面积", "规划面积", "规划面积(平方公里)"),
        "planned_area_km2": (),
    },
}


def header_words(field: str, kind: str | None = None) -> tuple[str, ...]:
    """The header words accepted for ``field`` in a layer of ``kind`` (as :func:`header_map`
    reads them), the field's own name first."""
    special = HEADERS_BY_KIND.get(kind or "", {})
    words = special[field] if field in special else HEADERS.get(field, ())
    return tuple(dict.fromkeys((field, *words)))


def header_map(columns, kind: str | None = None) -> dict[str, str]:
    """``{column as found: field}`` for the columns whose header is an accepted word of a
    field of layer ``kind`` (a column already named as the field is left alone; the first
    column found wins when two name the same field)."""
    words: dict[str, str] = {}
    special = HEADERS_BY_KIND.get(kind or "", {})
    for field, aliases in special.items():
        for w in aliases:
            words.setdefault(normalise(w), field)
    for field, aliases in HEADERS.items():
        if field in special:
            continue
        for w in (*aliases, *FIELDS.get(field, ())):
            words.setdefault(normalise(w), field)
    cols = [str(c) for c in columns]
    taken = set(cols)
    out: dict[str, str] = {}
    for c in cols:
        field = words.get(normalise(c))
        if field and field != c and field not in taken:
            out[c] = field
            taken.add(field)
    return out


# --------------------------------------------------------------------------------------
# unit names (南浔区, 南浔, 湖州开发区) wherever a unit id is accepted
# --------------------------------------------------------------------------------------
_SUFFIXES = ("区", "县", "市")


def _unit_names(units) -> dict[str, list[str]]:
    """``{unit_id: [id, name_zh, name_en, short name]}`` of a units table (any object with
    ``unit_id``/``name_zh``/``name_en`` columns, e.g. a GeoDataFrame)."""
    cols = [c for c in ("name_zh", "name_en") if c in units.columns]
    out: dict[str, list[str]] = {}
    values = [units[c].tolist() for c in ["unit_id", *cols]]  # lists: no row objects
    for row in zip(*values, strict=True):
        rec = dict(zip(["unit_id", *cols], row, strict=True))
        uid = str(rec["unit_id"])
        names = [uid] + [str(rec[c]) for c in cols if isinstance(rec.get(c), str) and rec[c]]
        zh = rec.get("name_zh")
        if isinstance(zh, str) and len(zh) > 2 and zh.endswith(_SUFFIXES):
            names.append(zh[:-1])  # 南浔区 → 南浔, 安吉县 → 安吉
        out[uid] = names
    return out


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def match_unit(text, units) -> list[str]:
    """The unit ids ``text`` may name: its id or code, its Chinese or English name, the name
    without 区/县/市, or an abbreviation keeping the name's characters in order (湖州开发区 for
    湖州经济技术开发区). Exact matches win; more than one id means ambiguous."""
    if text is None:
        return []
    want = normalise(text)
    if not want:
        return []
    names = _unit_names(units)
    exact = [u for u, ns in names.items() if any(normalise(n) == want for n in ns)]
    if exact:
        return exact
    if len(want) < 2 or not _is_cjk(want):
        return []
    return [
        u
        for u, ns in names.items()
        if _subsequence(want, normalise(ns[1] if len(ns) > 1 else ns[0]))
    ]


def unit_choices(units, lang: str | None = None) -> str:
    """``南浔区（330503）、…`` for a message listing the units."""
    zh = _lang(lang) == "zh"
    parts = []
    for uid, ns in _unit_names(units).items():
        name = ns[1] if len(ns) > 1 else uid
        if not zh and len(ns) > 2 and not _is_cjk(ns[2]):
            name = ns[2]
        parts.append(f"{name}（{uid}）" if zh else f"{name} ({uid})")
    return ("、" if zh else ", ").join(parts)


def parse_unit(text, units, *, what: str | None = None, lang: str | None = None) -> str:
    """The unit id ``text`` names (see :func:`match_unit`); DataError listing the units (in
    ``lang``) when it names none or several."""
    from townsgis.errors import DataError
    from townsgis.messages import joined, msg, paren

    found = match_unit(text, units)
    if len(found) == 1:
        return found[0]
    where = f"{what}: " if what else ""
    lang = _lang(lang)
    if found:
        names = _unit_names(units)
        shown = [(names[u][1] if len(names[u]) > 1 else u, u) for u in found]
        matches = joined((paren(n, u, lang) for n, u in shown), lang)
        raise DataError(where + msg("vocab.ambiguous_unit", lang, value=str(text), matches=matches))
    raise DataError(
        where + msg("vocab.unknown_unit", lang, value=str(text), accepted=unit_choices(units, lang))
    )
