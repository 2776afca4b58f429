"""The web maps' page CSS and hatch pattern (colours and words live in ``townsgis.vocab``
and ``townsgis.mapmodel``)."""

from __future__ import annotations

# The page's own CSS (labels, popups, legend, title, hatching).
PAGE_CSS = """
html, body {margin:0; padding:0; height:100%;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  "WenQuanYi Micro Hei", sans-serif;}
.leaflet-container.leaflet-container {background:#f4f4f4; font-family:inherit;}
/* without tiles the city's land is lighter than its neighbours and the ground, as in print */
.tg-notiles path.tg-unit:not(.tg-zone) {fill:#ffffff !important; fill-opacity:0.6 !important;}
.leaflet-tooltip.tg-label {background:transparent; border:none; box-shadow:none; padding:0;
  font-size:12px; font-weight:600; color:#222;
  text-shadow:0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff;}
.leaflet-tooltip.tg-label::before {display:none;}
.leaflet-tooltip.tg-unit-label {font-size:14px; color:#666; font-weight:400;}
.leaflet-tooltip.tg-town-label {font-size:12px;}
.leaflet-tooltip.tg-dist-label {color:#b30000; font-size:13px; font-weight:700;}
.leaflet-tooltip.tg-dist-warning {color:#d94801;}
.leaflet-tooltip.tg-dist-waived {color:#555; font-style:italic;}
.tg-zone {fill:url(#tg-hatch) !important; fill-opacity:1 !important;}
.leaflet-tooltip.tg-neighbour-label {font-size:12px; color:#8a8a8a; font-weight:400;}
.leaflet-tooltip.tg-water-label {font-size:12px; color:#4a78a8; font-style:italic;}
/* city-wide findings are listed in the title block: their outline takes no clicks */
path.tg-city-wide {pointer-events:none !important;}
/* an area finding takes clicks on its outline only: the towns under it keep theirs */
path.tg-finding-area {pointer-events:visibleStroke !important;}
path.tg-neighbour, path.tg-water {pointer-events:none !important;}
/* the progress map's project canvas: clicks go to the county/town under it (progress.js) */
.leaflet-tg-projects-pane canvas {pointer-events:none !important;}
.tg-popup table {border-collapse:collapse; font-size:12px;}
.tg-popup th {text-align:left; padding:1px 8px 1px 0; color:#555; font-weight:500;
  vertical-align:top; white-space:nowrap;}
.tg-popup td {padding:1px 0; max-width:300px;}
.tg-box {background:rgba(255,255,255,0.93); border-radius:4px; padding:6px 10px;
  box-shadow:0 1px 4px rgba(0,0,0,0.35); font-size:12px; line-height:1.45;}
.tg-title {position:absolute; top:10px; left:60px; z-index:1000; max-width:46%;}
.tg-title h1 {font-size:16px; margin:0 0 2px 0;}
.tg-title .tg-warn {color:#a50f15; font-weight:600;}
.tg-legend {position:absolute; bottom:28px; right:10px; z-index:1000; max-height:70%;
  overflow:auto;}
.tg-legend h4 {margin:4px 0 2px 0; font-size:12px;}
.tg-legend .tg-item {white-space:nowrap;}
.tg-legend svg {vertical-align:middle; margin-right:4px;}
.tg-slider {min-width:260px;}
.tg-slider input {width:100%;}
"""

# An SVG hatch pattern referenced by ``.tg-zone`` (functional zones, approximate).
HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="tg-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff" '
    'fill-opacity="0.15"/><line x1="0" y1="0" x2="0" y2="8" stroke="#6a3d9a" '
    'stroke-width="2" stroke-opacity="0.55"/></pattern></defs></svg>'
)
