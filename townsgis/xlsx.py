"""Writing a table to an XLSX sheet the way a document writer needs it: numbers as numbers
with the number format of their kind (townsgis.numbers), a bold header row frozen and repeated
on every printed page, column widths from the content, text that looks like a formula kept as
text, and a print setup (landscape, fit to one page wide)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from townsgis import numbers

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60  # characters


def text_width(s: str) -> int:
    """Display width of ``s`` (CJK characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def write_table(
    ws,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    kinds: Sequence[Sequence[str | None]],
    *,
    title: str | None = None,
) -> None:
    """Write ``rows`` under ``headers`` (and a ``title`` row above them) into sheet ``ws``.

    ``kinds[r][c]`` is the number kind of cell (r, c) (``count``, ``yuan``, ``pct`` …; None
    for text). Numbers are rounded to the decimals their kind shows and given its format."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    top = 1
    if title:
        ws.append([title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=12)
        top = 2
    ws.append([str(h) for h in headers])
    for c in ws[top]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [text_width(str(h)) for h in headers]
    for r, row in enumerate(rows):
        values = []
        for c, v in enumerate(row):
            kind = kinds[r][c] if r < len(kinds) and c < len(kinds[r]) else None
            if kind is not None and _is_number(v):
                values.append(numbers.rounded(v, kind))
            else:
                values.append(_plain(v))
            shown = numbers.fmt(v, kind) if kind and _is_number(v) else _text(values[-1])
            widths[c] = max(widths[c], text_width(shown))
        ws.append(values)
        for c, cell in enumerate(ws[ws.max_row]):
            kind = kinds[r][c] if r < len(kinds) and c < len(kinds[r]) else None
            if kind is not None and isinstance(cell.value, int | float):
                cell.number_format = numbers.excel_format(kind)
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # text that a spreadsheet would run as a formula
                cell.quotePrefix = True
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, w + 2)
    ws.freeze_panes = ws.cell(row=top + 1, column=1).coordinate
    print_setup(ws, header_rows=f"{top}:{top}" if not title else f"1:{top}")


def print_setup(ws, header_rows: str | None = None) -> None:
    """Landscape, fit to one page wide (as many pages tall as needed), header rows repeated
    on every page, A4."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = header_rows


def _is_number(v) -> bool:
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, int | float):
        return v == v  # not NaN
    return hasattr(v, "item") and isinstance(v.item(), int | float) and v.item() == v.item()


def _plain(v):
    """numpy scalars as Python values; NaN/NA as empty."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            return str(v)
    if isinstance(v, float) and v != v:
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return v


def _text(v) -> str:
    return "" if v is None else str(v)
