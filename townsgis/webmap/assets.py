"""Vendored JavaScript/CSS (``townsgis/_vendor/web``) inlined into the map HTML.

folium links its assets from CDNs. ``inline_assets`` removes every such link from a map's
element tree and inlines the vendored file instead; CSS ``url(...)`` images become ``data:``
URIs. An asset folium asks for that is neither vendored nor known to be unused raises, so a
new plugin can never slip a CDN reference into a map. ``check_offline`` is the final guard.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path, PurePosixPath

from branca.element import Element

VENDOR = Path(__file__).resolve().parent.parent / "_vendor" / "web"

# folium asset name -> vendored file (relative to townsgis/_vendor/web); the order is the
# order of inclusion (CSS first, Leaflet before its plugins).
_VENDORED: dict[str, str] = {
    "leaflet_css": "leaflet/leaflet.css",
    "Control.FullScreen.css": "leaflet-fullscreen/Control.FullScreen.css",
    "leaflet_measure_css": "leaflet-measure/leaflet-measure.css",
    "leaflet": "leaflet/leaflet.js",
    "Control.Fullscreen.js": "leaflet-fullscreen/Control.FullScreen.js",
    "leaflet_measure_js": "leaflet-measure/leaflet-measure.js",
}
# Localised variants of a vendored file.
_LOCALISED = {("leaflet_measure_js", "zh"): "leaflet-measure/leaflet-measure.cn.js"}
# folium defaults that townsgis maps do not use (no Bootstrap/jQuery/awesome markers).
_UNUSED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class RawHTML(Element):
    """An element rendered verbatim (no Jinja), for inlined assets."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _vendor_file(rel: str) -> bytes:
    return (VENDOR / rel).read_bytes()


@cache
def vendored_text(rel: str) -> str:
    """Text of a vendored file; for CSS, with relative ``url()`` images as data URIs."""
    text = _vendor_file(rel).decode("utf-8")
    if rel.endswith(".css"):
        base = PurePosixPath(rel).parent

        def inline(m: re.Match) -> str:
            target = m.group(2)
            if target.startswith(("data:", "#", "http:", "https:")):
                return m.group(0)
            path = base / target
            data = base64.b64encode(_vendor_file(str(path))).decode("ascii")
            return f'url("data:{_MIME[path.suffix]};base64,{data}")'

        text = _CSS_URL.sub(inline, text)
    if "</script" in text.lower() or "</style" in text.lower():  # pragma: no cover
        raise RuntimeError(f"vendored file {rel} cannot be inlined")
    return text


def _walk(el: Element):
    yield el
    for child in list(el._children.values()):
        yield from _walk(child)


def inline_assets(m, lang: str = "zh") -> list[str]:
    """Replace folium's CDN links in map ``m``'s figure by inlined vendored assets.

    Returns the folium asset names inlined. Call once, after every element is added.
    """
    figure = m.get_root()
    wanted: set[str] = set()
    for el in _walk(figure):
        js = getattr(el, "default_js", None)
        css = getattr(el, "default_css", None)
        if js is None and css is None:
            continue
        for name, url in list(js or []) + list(css or []):
            if name in _VENDORED:
                wanted.add(name)
            elif name not in _UNUSED:
                raise RuntimeError(f"web asset {name!r} ({url}) is not vendored in {VENDOR}")
        el.default_js = []
        el.default_css = []
    wanted.add("leaflet")
    wanted.add("leaflet_css")
    names = [n for n in _VENDORED if n in wanted]
    for name in names:
        rel = _LOCALISED.get((name, lang), _VENDORED[name])
        text = vendored_text(rel)
        if rel.endswith(".css"):
            tag = f"<style>/* {rel} (townsgis/_vendor/web) */\n{text}\n</style>"
        else:
            tag = f"<script>/* {rel} (townsgis/_vendor/web) */\n{text}\n</script>"
        figure.header.add_child(RawHTML(tag), name=f"tg_asset_{name}")
    return names


_EXTERNAL = [
    re.compile(r"<script\b[^>]*\bsrc\s*=", re.I),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\b", re.I),
]


def check_offline(html: str) -> None:
    """Raise RuntimeError if ``html`` loads any script, stylesheet or image from elsewhere."""
    for pattern in _EXTERNAL:
        m = pattern.search(html)
        if m:
            snippet = html[max(0, m.start() - 40) : m.end() + 80]
            raise RuntimeError(f"map HTML references an external resource: {snippet!r}")
