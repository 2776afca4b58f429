"""English forms of Chinese administrative names for English maps: Hanyu Pinyin of the name
(pypinyin, which reads place-name polyphones such as 六安 Lu'an and 乐清 Yueqing) plus the
English word for its administrative suffix (区 District, 县 County, 市 City …).

A romanisation, not an official English name: minority-language names (乌鲁木齐 Ürümqi) and
the few polyphones pypinyin misreads come out as plain pinyin. Used when boundaries are built
(``townsgis init --city``, ``scripts/build_boundaries.py``), never at run time; pypinyin comes
with the ``boundaries`` extra."""

from __future__ import annotations

from townsgis.errors import ProjectError

# longest first: 自治县 before 县, 新区 before 区
SUFFIXES = (
    ("特别行政区", "SAR"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("新区", "New Area"),
    ("林区", "Forestry District"),
    ("地区", "Prefecture"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("盟", "League"),
)
SOURCE_NOTE = "name_en: Hanyu Pinyin romanisation (pypinyin), not an official English name"


def _pinyin(text: str) -> str:
    """``临安`` → ``Lin'an``: tone-less syllables joined, an apostrophe before a syllable that
    starts with a, o or e, ü kept, the first letter capitalised."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:
        raise ProjectError.of("boundaries.install") from None
    out = ""
    for syl in lazy_pinyin(text, v_to_u=True, errors="default"):
        if out and syl[:1] in ("a", "o", "e"):
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


def english_name(name_zh: str, *, suffix: bool = True) -> str:
    """``宜兴市`` → ``Yixing City``, ``吴中区`` → ``Wuzhong District``; with ``suffix=False``
    the stem only (``杭州市`` → ``Hangzhou``, the way a city's own name is written)."""
    name = name_zh.strip()
    for zh, en in SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh):
            stem = _pinyin(name[: -len(zh)])
            return f"{stem} {en}" if suffix else stem
    return _pinyin(name)
