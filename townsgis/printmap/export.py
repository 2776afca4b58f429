"""Save a rendered print map as PNG, PDF or SVG, atomically, with the CJK font embedded."""

from __future__ import annotations

import io
import re
from pathlib import Path

from townsgis.errors import TownsgisError
from townsgis.layers import write_text_atomic
from townsgis.mapmodel.model import MapModel
from townsgis.messages import register
from townsgis.printmap import fonts
from townsgis.printmap.render import render

register(
    {
        "export.format": (
            "未知的格式 {fmt}；可用：{allowed}",
            "unknown format {fmt}; expected one of {allowed}",
        ),
        "export.no_glyph": (
            "Noto Sans SC 字体中没有这些字：{chars}（请改名或换一个字）",
            "no glyph in Noto Sans SC for: {chars} (rename the feature or replace the character)",
        ),
    }
)

FORMATS = ("png", "pdf", "svg")


def figure_bytes(
    scene: MapModel,
    fmt: str,
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: float = 300,
) -> bytes:
    """Render ``scene`` and return the file content in ``fmt`` (png|pdf|svg).

    PNG has the paper's exact pixel size at ``dpi``; PDF and SVG have the exact paper size
    (points) with text kept as text and the font embedded (PDF: TrueType subset; SVG:
    ``@font-face`` data URL). Raises TownsgisError when a character has no glyph in the font.
    """
    import matplotlib

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise TownsgisError.of("export.format", fmt=repr(fmt), allowed=", ".join(FORMATS))
    missing = fonts.missing_chars(scene_text(scene))
    if missing:
        raise TownsgisError.of("export.no_glyph", chars=" ".join(sorted(missing)))
    with matplotlib.rc_context(fonts.rc_params()):
        fig = render(scene, paper, orientation, dpi if fmt == "png" else None)
        buf = io.BytesIO()
        meta = {"Title": scene.title, "Creator": "townsgis"}
        if fmt == "png":
            fig.savefig(
                buf, format="png", dpi=dpi, metadata={"Title": scene.title, "Software": "townsgis"}
            )
            return buf.getvalue()
        subset = fonts.use_subset_font(fig)
        if fmt == "pdf":
            fig.savefig(buf, format="pdf", metadata=meta)
            return buf.getvalue()
        fig.savefig(buf, format="svg", metadata={"Title": scene.title, "Creator": "townsgis"})
        return embed_svg_font(buf.getvalue().decode("utf-8"), subset).encode("utf-8")


def scene_text(scene: MapModel) -> str:
    """All text a model can put on the sheet (names, title, findings, legend, notes)."""
    parts = [scene.title, scene.subtitle, scene.ruleset, scene.review_number or ""]
    parts += scene.sources + scene.notes
    parts += [f.label_text() or "" for ly in scene.layers for f in ly.features]
    parts += [e.label for sec in scene.legend for e in sec.entries]
    parts += [sec.title for sec in scene.legend]
    parts += [it.line() for it in scene.findings]
    if scene.locator is not None:
        loc = scene.locator
        parts += [loc.caption, loc.city_name, loc.province_name]
    return "".join(parts)


def embed_svg_font(svg: str, font_file: Path) -> str:
    """Insert an ``@font-face`` rule carrying ``font_file`` right after the root <svg> tag."""
    match = re.search(r"<svg\b[^>]*>", svg)
    if match is None:  # pragma: no cover - matplotlib always writes one
        raise TownsgisError("SVG output has no <svg> element")
    style = "\n <defs>" + fonts.svg_font_face(font_file) + "</defs>"
    return svg[: match.end()] + style + svg[match.end() :]


def export_scene(
    scene: MapModel,
    output: str | Path,
    fmt: str | None = None,
    *,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: float = 300,
) -> Path:
    """Render ``scene`` and write it to ``output`` atomically; the format defaults to the suffix."""
    output = Path(output)
    fmt = (fmt or output.suffix.lstrip(".") or "png").lower()
    data = figure_bytes(scene, fmt, paper=paper, orientation=orientation, dpi=dpi)
    return write_text_atomic(data, output)
