"""HTML escaping of user text, and JSON that is safe inside a ``<script>`` element.

Every user-supplied string (names, notes, waiver reasons, finding messages) goes through
``esc`` before it lands in a popup, tooltip, label, legend or title.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from typing import Any


def esc(value: Any) -> str:
    """``value`` as escaped HTML text; None and NaN become an empty string.

    Braces become character references too: folium/branca re-parse every layer's rendered
    script as a Jinja template, so a name containing ``{{ … }}`` would otherwise be evaluated
    (or crash the render) before it reaches the page."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;")


_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("'", "&#x27;"),
    ("{", "&#123;"),
    ("}", "&#125;"),
)


def esc_all(values: Iterable[Any]) -> list[str]:
    """``esc`` of every value, vectorised (pyarrow string kernels) for columns of 100,000s."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pd.Series) and pd.api.types.is_string_dtype(values.dtype):
        text = pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.large_string())
        text = pc.fill_null(text, "")
    else:
        text = pa.array(
            [
                "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                for v in values
            ],
            type=pa.large_string(),
        )
    for raw, ref in _ESCAPES:
        text = pc.replace_substring(text, raw, ref)
    return text.to_pylist()


def json_for_script(obj: Any) -> str:
    """JSON text that cannot close the surrounding ``<script>`` element or open a comment."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def popup_table(title: str, rows: Iterable[tuple[str, Any]]) -> str:
    """A small HTML table: an escaped title and escaped ``label: value`` rows."""
    body = "".join(
        f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>"
        for label, value in rows
        if esc(value) != ""
    )
    return f'<div class="tg-popup"><b>{esc(title)}</b><table>{body}</table></div>'
