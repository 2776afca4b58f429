"""Benchmark print-map export (`townsgis export layout`). Not a test; prints medians.

    /work/venv/bin/python benchmarks/bench_export.py [--repeats 5] [--paper A4] [--dpi 300]

Times, for the bundled Huzhou layout map on A4 landscape at 300 dpi:
- building the scene (load layers, run the huzhou-2018 rule set: includes 999 Monte Carlo
  simulations of the clustering rule), once per repeat;
- rendering + encoding each format (PNG 3508 × 2480, PDF and SVG with the font subset),
  from the same scene;
- the whole export (scene + render + atomic write) per format.
Wall-clock and CPU medians are both reported (CPU is steadier on a busy machine).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from townsgis.printmap import export_map
from townsgis.printmap.export import figure_bytes
from townsgis.printmap.scenes import layout_scene
from townsgis.project import Project


def timed(fn, repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn()`` over ``repeats`` runs after one warm-up."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--paper", default="A4")
    ap.add_argument("--orientation", default="landscape")
    ap.add_argument("--dpi", type=float, default=300)
    args = ap.parse_args()
    project = Project.open()
    print(f"{args.paper} {args.orientation} {args.dpi:g} dpi, median of {args.repeats}")
    w, c = timed(lambda: layout_scene(project), args.repeats)
    print(f"  scene (load + rules)      wall {w:6.2f} s   cpu {c:6.2f} s")
    scene = layout_scene(project)
    for fmt in ("png", "pdf", "svg"):
        w, c = timed(
            lambda fmt=fmt: figure_bytes(
                scene, fmt, paper=args.paper, orientation=args.orientation, dpi=args.dpi
            ),
            args.repeats,
        )
        print(f"  render {fmt}                wall {w:6.2f} s   cpu {c:6.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("png", "pdf", "svg"):
            out = Path(tmp) / f"layout.{fmt}"
            w, c = timed(
                lambda fmt=fmt, out=out: export_map(
                    "layout",
                    project,
                    fmt=fmt,
                    output=out,
                    paper=args.paper,
                    orientation=args.orientation,
                    dpi=args.dpi,
                ),
                args.repeats,
            )
            size = out.stat().st_size / 1e6
            print(f"  export {fmt} (end to end)   wall {w:6.2f} s   cpu {c:6.2f} s   {size:.1f} MB")


if __name__ == "__main__":
    main()
