"""Interactive, offline web maps (folium/Leaflet) of the layout and of project progress.

``layout_html`` and ``progress_html`` (in ``townsgis.webmap.api``) return one self-contained
HTML page: every JS/CSS asset is vendored in ``townsgis/_vendor/web`` and inlined, all user
text is HTML-escaped, and basemap tiles are optional (``none`` by default). folium is imported
lazily, so ``import townsgis`` stays light.
"""

from __future__ import annotations

__all__ = ["layout_html", "progress_html"]


def __getattr__(name: str):
    if name in __all__:
        from townsgis.webmap import api

        return getattr(api, name)
    raise AttributeError(name)
