"""The message catalogue: every sentence townsgis says to a person, in Chinese and English.

``msg(key, lang=None, **params)`` renders one entry with ``str.format`` in ``lang`` (default:
the current language from :mod:`townsgis.i18n`, set by the CLI's ``--lang``; Chinese unless
told otherwise). Modules with many messages of their own keep them next to their code and add
them with :func:`register` (a key may be defined once only), so the catalogue stays one
namespace without one huge file:

    register({"import.no_rows": ("{file}：没有数据行", "{file}: no data rows")})
    raise DataError.of("import.no_rows", file=path)     # rendered in the current language
"""

from __future__ import annotations

from townsgis.i18n import get_lang

CATALOGUE: dict[str, tuple[str, str]] = {}


def register(entries: dict[str, tuple[str, str]]) -> None:
    """Add ``{key: (zh, en)}`` entries; a key defined twice is a programming error."""
    for key, pair in entries.items():
        if key in CATALOGUE and CATALOGUE[key] != tuple(pair):
            raise ValueError(f"message key {key!r} is defined twice")
        if len(pair) != 2:
            raise ValueError(f"message {key!r} needs (zh, en)")
        CATALOGUE[key] = (pair[0], pair[1])


def msg(key: str, lang: str | None = None, /, **params) -> str:
    """Entry ``key`` in ``lang`` (default: the current language), formatted with ``params``."""
    zh, en = CATALOGUE[key]
    text = en if (lang or get_lang()) == "en" else zh
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in CATALOGUE


def register_table(prefix: str, table: dict[str, dict[str, str]]) -> None:
    """Register a ``{"zh": {key: text}, "en": {key: text}}`` table as the entries
    ``prefix.key`` (both languages must have the same keys)."""
    if set(table["zh"]) != set(table["en"]):
        raise ValueError(f"{prefix}: zh and en keys differ: {set(table['zh']) ^ set(table['en'])}")
    register({f"{prefix}.{k}": (table["zh"][k], table["en"][k]) for k in table["zh"]})


def words(prefix: str, lang: str | None = None, /) -> dict[str, str]:
    """Every entry ``prefix.*`` in ``lang`` as ``{key: text}`` (for a module's own table)."""
    cut = len(prefix) + 1
    return {k[cut:]: msg(k, lang) for k in CATALOGUE if k.startswith(prefix + ".")}


def paren(text: str, inner: str, lang: str | None = None, /) -> str:
    """``text（inner）`` in Chinese, ``text (inner)`` in English."""
    return msg("punct.paren", lang, text=text, inner=inner)


def joined(items, lang: str | None = None, /, sep: str = "punct.list") -> str:
    """Items as one phrase: ``甲、乙`` / ``a, b`` (``sep`` a punctuation key)."""
    return msg(sep, lang).join(str(i) for i in items)


register(
    {
        # general
        "error.prefix": ("错误：{text}", "error: {text}"),
        "error.interrupted": ("已中断", "interrupted"),
        "error.unexpected": (
            "错误：意外的 {kind}：{text}（这是 townsgis 的缺陷；加 --debug 查看调用栈）",
            "error: unexpected {kind}: {text} (this is a bug in townsgis; run with --debug for "
            "a traceback)",
        ),
        "note.prefix": ("说明：{text}", "note: {text}"),
        # punctuation that differs by language (full-width in Chinese)
        "punct.list": ("、", ", "),
        "punct.semicolon": ("；", "; "),
        "punct.colon": ("：", ": "),
        "punct.comma": ("，", ", "),
        "punct.paren": ("{text}（{inner}）", "{text} ({inner})"),
        "findings.sheet": ("问题清单", "findings"),
        # maps
        "map.page_title": ("{place}{what}", "{place}: {what}"),
        "map.north": ("北 N", "N"),
        "yes": ("是", "yes"),
        "no": ("否", "no"),
        "none": ("无", "none"),
        "examples": ("示例：", "Examples:"),
        "schema.problem": ("{source}：{n} 个问题：", "{source}: {n} problem:"),
        "schema.problems": ("{source}：{n} 个问题：", "{source}: {n} problems:"),
        "level.all": ("各级", "all-level"),
        # what a column holds (schema, rule parameters)
        "dtype.str": ("文字", "text"),
        "dtype.float": ("数字", "numbers"),
        "dtype.int": ("整数", "whole numbers"),
        "dtype.bool": ("true/false", "true/false"),
        # command output
        "cli.note": ("说明：{text}", "note: {text}"),
        "cli.fixed": ("已修复：{text}", "fixed: {text}"),
        "cli.wrote": ("已写出 {path}", "wrote {path}"),
        "cli.wrote_size": ("已写出 {path}（{mb} MB）", "wrote {path} ({mb} MB)"),
        "import.checked": (
            "已检查 {source}：{count} 个{kind}，坐标系 {crs} → EPSG:4326，"
            "范围 [{bounds}]，未发现问题",
            "checked {source}: {count} {kind}, CRS {crs} → EPSG:4326, bounds [{bounds}], "
            "no problems",
        ),
        "import.wrote": (
            "已写出 {target}（{mode}：共 {total} 个{kind}）",
            "wrote {target} ({mode}: {total} {kind} in all)",
        ),
        "import.check_only": ("--check-only：未写入任何文件", "--check-only: nothing written"),
        "layers.none": (
            "还没有图层；用 `townsgis import KIND FILE` 添加（KIND：units、towns、projects、"
            "proposals）",
            "no layers yet; add them with `townsgis import KIND FILE` "
            "(KIND: units, towns, projects, proposals)",
        ),
        "layers.source": ("来源", "source"),
        # options
        "site.one_mode": (
            "请只给出其中一种：--lon 与 --lat、--boundary FILE、--file FILE",
            "give exactly one of: --lon and --lat, --boundary FILE, --file FILE",
        ),
        "site.lon_lat": ("--lon 与 --lat 须同时给出", "--lon and --lat go together; give both"),
        "site.point_needs": (
            "点位选址需要 --category 和 --level（如 --category 制造业 --level 省级培育）",
            "a point site needs --category and --level",
        ),
        "export.dpi": (
            "--dpi {dpi}：须在 10 到 1200 之间",
            "--dpi {dpi}: must be between 10 and 1200",
        ),
        "progress.xlsx_needs_o": (
            "--format xlsx 会写出文件：请用 -o FILE.xlsx 指定",
            "--format xlsx writes a file: give -o FILE.xlsx",
        ),
        "feasible.area": (
            "--area-km2 {value}：须大于 0（平方公里）",
            "--area-km2 {value}: must be > 0 (km²)",
        ),
        # vocabulary
        "vocab.unknown": (
            "无法识别的{what}“{value}”；可用的词：{accepted}",
            "unknown {what} {value!r}; accepted words: {accepted}",
        ),
        "vocab.town_label": ("{name}小镇", "{name} towns"),
        "vocab.did_you_mean": ("；是否应为“{word}”？", "; did you mean {word!r}?"),
        "vocab.unknown_unit": (
            "无法识别的县区“{value}”；可用：{accepted}",
            "unknown unit {value!r}; accepted: {accepted}",
        ),
        "vocab.ambiguous_unit": (
            "县区“{value}”不唯一，可能是：{matches}；请写完整名称或代码",
            "unit {value!r} is ambiguous: {matches}; give the full name or the code",
        ),
    }
)
