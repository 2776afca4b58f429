"""The CJK font: Noto Sans SC (SIL OFL 1.1) from the PyPI package ``pylopdf-fonts-zh-cn``.

matplotlib draws PNG straight from the OpenType (CFF) file. For PDF it cannot embed CFF
outlines cleanly (it writes them as a TrueType font file, which some readers reject), so
``truetype_subset`` converts just the characters a figure uses into a small TrueType font
(fontTools subset + cubic→quadratic), which the PDF embeds as a CID TrueType subset and SVG
embeds as an ``@font-face`` data URL. Text stays text in both.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from functools import cache
from pathlib import Path

from townsgis.errors import TownsgisError
from townsgis.messages import register as register_messages

register_messages(
    {
        "fonts.missing_package": (
            "缺少中文字体包：pip install pylopdf-fonts-zh-cn",
            "the Chinese font package is missing: pip install pylopdf-fonts-zh-cn",
        ),
        "fonts.missing_file": (
            "{path}：pylopdf-fonts-zh-cn 中缺少中文字体文件",
            "{path}: Chinese font file missing from pylopdf-fonts-zh-cn",
        ),
    }
)

FAMILY = "Noto Sans SC"
_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))


@cache
def font_path() -> Path:
    """Path of the Noto Sans SC OpenType file shipped by ``pylopdf-fonts-zh-cn``."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise TownsgisError.of("fonts.missing_package") from None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():  # pragma: no cover
        raise TownsgisError.of("fonts.missing_file", path=str(path))
    return path


@cache
def register() -> str:
    """Register the font with matplotlib once; return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    return FAMILY


def rc_params() -> dict:
    """matplotlib settings for print output: the CJK font, embedded fonts, text kept as text."""
    register()
    return {
        "font.family": [FAMILY],
        "font.size": 8,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "axes.unicode_minus": False,
        "text.parse_math": False,  # user text with "$" is text, not mathtext
        "savefig.dpi": 300,
    }


def missing_chars(text: str) -> set[str]:
    """Characters of ``text`` the font has no glyph for (whitespace ignored)."""
    cmap = _cmap()
    return {c for c in text if not c.isspace() and ord(c) not in cmap}


@cache
def _cmap() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path()), lazy=True) as f:
        return frozenset(f.getBestCmap())


def truetype_subset(chars: str) -> Path:
    """A TrueType (glyf) font holding only ``chars`` of Noto Sans SC; cached by content."""
    # Printable ASCII always: matplotlib measures "lp" for line heights whatever the text.
    chars = "".join(sorted(set(chars) | set(_ASCII)))
    key = hashlib.sha256(chars.encode("utf-8")).hexdigest()[:16]
    folder = cache_folder()
    out = folder / f"NotoSansSC-{key}.ttf"
    if out.is_file():
        return out
    from townsgis.fileaccess import temp_file

    tmp = Path(temp_file(out))
    try:
        tmp.write_bytes(_build_subset(chars))
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def cache_folder() -> Path:
    """The per-user folder of font subsets: ``$XDG_CACHE_HOME/townsgis/fonts`` (default
    ``~/.cache/townsgis/fonts``, mode 0700, used only when private to this user:
    ``townsgis.usercache``); otherwise a fresh private folder for this run, so no other local
    user can plant a font file that a PDF export would embed."""
    from townsgis.usercache import user_cache_folder

    return user_cache_folder("fonts") or _run_folder()


@cache
def _run_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="townsgis-fonts-"))


def _build_subset(chars: str) -> bytes:
    import io

    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.desubroutinize = True
    font = subset.load_font(str(font_path()), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:  # a few hundred glyphs: the characters on one map
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for name in order:
        glyphs[name].recalcBounds(glyf)
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    hmtx = font["hmtx"]
    for name in order:
        hmtx[name] = (hmtx[name][0], getattr(glyphs[name], "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.recalc(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    buf = io.BytesIO()
    font.save(buf)
    font.close()
    return buf.getvalue()


def figure_text(fig) -> str:
    """Every character drawn as text in ``fig`` (after layout, so tick labels are final)."""
    from matplotlib.text import Text

    fig.draw_without_rendering()
    return "".join(t.get_text() for t in fig.findobj(Text) if t.get_visible())


def use_subset_font(fig) -> Path:
    """Point every text of ``fig`` at a TrueType subset of the characters it uses."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

    path = truetype_subset(figure_text(fig))
    for t in fig.findobj(Text):
        t.set_fontproperties(FontProperties(fname=str(path), size=t.get_fontsize()))
    return path


def svg_font_face(path: Path) -> str:
    """An SVG ``<style>`` block embedding the font file at ``path`` as a data URL."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (
        '<style type="text/css">@font-face{font-family:\'' + FAMILY + "';"
        f"src:url(data:font/ttf;base64,{data}) format('truetype');}}</style>"
    )
