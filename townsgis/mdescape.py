"""Escaping user text for Markdown output (``check --format markdown``, progress reports).

One function for every Markdown writer: raw HTML is neutralised (``<``, ``>``, ``&`` as
entities, since Markdown renders inline HTML); the brackets of links and images and the
table and code characters (``\\ | [ ] ` ``) are backslash-escaped, so ``[x](javascript:…)``
and ``![x](http://…)`` stay text; line breaks become spaces (one table cell, one list item).
"""

from __future__ import annotations

import html

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|[]`"})


def md_escape(text: object) -> str:
    """``text`` safe to put in a Markdown table cell, heading or list item."""
    s = html.escape(str(text), quote=False).translate(_SPECIAL)
    return s.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
