"""Regenerate the reference PNG of the fixture scene (A4 landscape, 50 dpi).

Run after an intended change to the print layout, look at the image, then commit it:

    /work/venv/bin/python tests/printmap/make_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference" / "fixture-a4-landscape-50dpi.png"
DPI = 50


def render_fixture() -> bytes:
    sys.path.insert(0, str(HERE))
    from printmap_fixtures import make_scene

    from townsgis.printmap.export import figure_bytes

    return figure_bytes(make_scene(), "png", paper="A4", orientation="landscape", dpi=DPI)


if __name__ == "__main__":
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_bytes(render_fixture())
    print(REFERENCE)
