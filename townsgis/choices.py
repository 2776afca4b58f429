"""The fixed choices a person picks from, shared by the CLI and the web app: each defined
once, from the library's own lists (languages from i18n, severities from findings' words,
papers and orientations from printmap.paper). Light imports only: ``townsgis --help`` must not
load geopandas."""

from __future__ import annotations

from enum import StrEnum

from townsgis.i18n import LANGS
from townsgis.printmap.paper import ORIENTATIONS, PAPERS_MM

Lang = StrEnum("Lang", {code: code for code in LANGS})
"""Language of labels and messages."""

# `--fail-on`: the lowest severity that fails (info never does)
FailOn = StrEnum("FailOn", {s: s for s in ("error", "warning")})

# print map formats (printmap renders each)
PrintFormat = StrEnum("PrintFormat", {f: f for f in ("png", "pdf", "svg")})

Paper = StrEnum("Paper", {p: p for p in PAPERS_MM})

Orientation = StrEnum("Orientation", {o: o for o in ORIENTATIONS})
