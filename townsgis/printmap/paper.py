"""Paper sizes: ISO A4/A3 in millimetres, figure sizes in inches, exact pixel sizes."""

from __future__ import annotations

from townsgis.errors import TownsgisError
from townsgis.messages import register

register(
    {
        "paper.unknown": (
            "未知的纸张 {paper}；可用：{allowed}",
            "unknown paper {paper}; expected one of {allowed}",
        ),
        "paper.orientation": (
            "未知的页面方向 {value}；可用：{allowed}",
            "unknown orientation {value}; expected {allowed}",
        ),
        "paper.dpi": ("dpi 须为正数，实际为 {dpi}", "dpi must be positive, got {dpi}"),
    }
)

MM_PER_INCH = 25.4
# ISO 216, landscape (width, height) in mm.
PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
ORIENTATIONS = ("landscape", "portrait")


def paper_mm(paper: str, orientation: str = "landscape") -> tuple[float, float]:
    """(width, height) of ``paper`` in millimetres for ``orientation``."""
    key = paper.upper()
    if key not in PAPERS_MM:
        raise TownsgisError.of(
            "paper.unknown", paper=repr(paper), allowed=", ".join(sorted(PAPERS_MM))
        )
    if orientation not in ORIENTATIONS:
        raise TownsgisError.of(
            "paper.orientation", value=repr(orientation), allowed=", ".join(ORIENTATIONS)
        )
    w, h = PAPERS_MM[key]
    return (w, h) if orientation == "landscape" else (h, w)


def pixel_size(paper: str, orientation: str, dpi: float) -> tuple[int, int]:
    """Exact pixel size of the paper at ``dpi`` (A4 landscape at 300 dpi → 3508 × 2480)."""
    if dpi <= 0:
        raise TownsgisError.of("paper.dpi", dpi=dpi)
    w, h = paper_mm(paper, orientation)
    return round(w / MM_PER_INCH * dpi), round(h / MM_PER_INCH * dpi)


def figsize_inches(paper: str, orientation: str, dpi: float | None = None) -> tuple[float, float]:
    """Figure size in inches. With ``dpi`` the size is snapped so that size × dpi is the exact
    whole pixel count (for raster output); without, it is the exact paper size (vector output)."""
    w, h = paper_mm(paper, orientation)
    if dpi is None:
        return w / MM_PER_INCH, h / MM_PER_INCH
    pw, ph = pixel_size(paper, orientation, dpi)
    # A hair over the whole pixel count, so Agg's int() truncation lands on it exactly.
    return (pw + 1e-3) / dpi, (ph + 1e-3) / dpi
