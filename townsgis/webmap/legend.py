"""A categorical legend and a title block (folium has neither), with escaped text."""

from __future__ import annotations

from dataclasses import dataclass, field

from townsgis.webmap.assets import RawHTML
from townsgis.webmap.escape import esc


@dataclass
class LegendItem:
    """One legend entry. ``kind``: fill | line | circle | hatch. ``color`` is a CSS colour."""

    label: str
    color: str
    kind: str = "fill"
    dash: str | None = None
    stroke: str | None = None
    radius: float = 6.0


@dataclass
class LegendSection:
    title: str
    items: list[LegendItem] = field(default_factory=list)


def _swatch(item: LegendItem) -> str:
    c = esc(item.color)
    stroke = esc(item.stroke or item.color)
    if item.kind == "line":
        dash = f' stroke-dasharray="{esc(item.dash)}"' if item.dash else ""
        return (
            f'<svg width="26" height="12"><line x1="1" y1="6" x2="25" y2="6" stroke="{c}" '
            f'stroke-width="3"{dash}/></svg>'
        )
    if item.kind == "circle":
        r = max(2.0, min(item.radius, 10.0))
        size = int(2 * r + 4)
        return (
            f'<svg width="{size}" height="{size}"><circle cx="{size / 2}" cy="{size / 2}" '
            f'r="{r}" fill="{c}" fill-opacity="0.85" stroke="{stroke}" stroke-width="1.5"/></svg>'
        )
    if item.kind == "hatch":
        return (
            f'<svg width="26" height="14"><rect x="1" y="1" width="24" height="12" '
            f'fill="url(#tg-hatch)" stroke="{c}" stroke-width="1.5"/></svg>'
        )
    dash = f' stroke-dasharray="{esc(item.dash)}"' if item.dash else ""
    return (
        f'<svg width="26" height="14"><rect x="1" y="1" width="24" height="12" fill="{c}" '
        f'fill-opacity="0.6" stroke="{stroke}" stroke-width="1.5"{dash}/></svg>'
    )


def legend_html(sections: list[LegendSection]) -> str:
    """The legend as HTML; every label is escaped."""
    parts = ['<div class="tg-box tg-legend" id="tg-legend">']
    for sec in sections:
        if not sec.items:
            continue
        parts.append(f"<h4>{esc(sec.title)}</h4>")
        for item in sec.items:
            parts.append(f'<div class="tg-item">{_swatch(item)}{esc(item.label)}</div>')
    parts.append("</div>")
    return "".join(parts)


def title_html(title: str, lines: list[str], warning: str) -> str:
    """The title block: escaped title, escaped detail lines and the data warning (approximate
    / synthetic data, see ``townsgis.webmap.provenance``; left out when ``warning`` is empty)."""
    body = "".join(f"<div>{esc(line)}</div>" for line in lines)
    warn = f'<div class="tg-warn">{esc(warning)}</div>' if warning else ""
    return f'<div class="tg-box tg-title" id="tg-title"><h1>{esc(title)}</h1>{body}{warn}</div>'


def add_html(m, html: str, name: str) -> None:
    """Append raw (already escaped) HTML to the body of map ``m``'s page."""
    m.get_root().html.add_child(RawHTML(html), name=name)
