"""Print-ready static maps (PNG/PDF/SVG) on A4/A3 paper with Chinese text.

``export_map(kind, project, ...)`` builds the scene of one kind (layout, progress, site,
feasible), draws it in the metric analysis CRS with matplotlib and writes it atomically.
matplotlib is imported lazily, so ``import townsgis`` stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from townsgis.printmap.paper import PAPERS_MM, figsize_inches, paper_mm, pixel_size

if TYPE_CHECKING:
    from townsgis.project import Project

__all__ = ["PAPERS_MM", "export_map", "figsize_inches", "paper_mm", "pixel_size"]


def export_map(
    kind: str,
    project: Project,
    *,
    fmt: str = "png",
    output: str | Path | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: float = 300,
    **options,
) -> Path:
    """Build the ``kind`` map of ``project`` and write it to ``output``
    (default ``maps/<kind>.<fmt>`` in the project). Returns the path written."""
    from townsgis.printmap.export import export_scene
    from townsgis.printmap.scenes import build_scene

    scene = build_scene(kind, project, **options)
    out = Path(output) if output is not None else project.maps_dir / f"{kind}.{fmt}"
    return export_scene(scene, out, fmt, paper=paper, orientation=orientation, dpi=dpi)
