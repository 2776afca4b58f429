"""A check's findings as files: GeoPackage (WGS84, one row per finding) and XLSX (a table
with the vocabulary's column names and labels). Both returned as bytes, written by callers.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from townsgis import vocab
from townsgis.findings import findings_to_geodataframe
from townsgis.messages import msg

if TYPE_CHECKING:
    from townsgis.engine import CheckResult

COLUMNS = ("rule", "clause", "severity", "message", "towns", "unit", "measured", "limit", "waived")


def findings_frame(result: CheckResult, lang: str = "zh"):
    """Findings as a GeoDataFrame in WGS84 (EPSG:4326), one row per finding."""
    gdf = findings_to_geodataframe(result.findings, result.metric_crs, lang)
    if gdf.crs is not None:
        gdf = gdf.to_crs("EPSG:4326")
    return gdf


def findings_gpkg(result: CheckResult, lang: str = "zh") -> bytes:
    """The findings as a GeoPackage (layer ``findings``, WGS84)."""
    gdf = findings_frame(result, lang)
    with tempfile.TemporaryDirectory(prefix="townsgis-") as tmp:
        path = Path(tmp) / "findings.gpkg"
        gdf.to_file(path, driver="GPKG", layer="findings", engine="pyogrio")
        return path.read_bytes()


def findings_xlsx(result: CheckResult, lang: str = "zh") -> bytes:
    """The findings as one XLSX sheet: labelled headers, severity in words, frozen header;
    cells that look like formulas are kept as text."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = msg("findings.sheet", lang)
    ws.append([vocab.field_label(c, lang) for c in COLUMNS])
    yes, no = msg("yes", lang), msg("no", lang)
    for f in result.findings:
        row = [
            f.rule,
            f.clause,
            vocab.label("severity", str(f.severity), lang),
            f.message(lang),
            "、".join(t["name_zh"] for t in f.towns),
            f.unit or "",
            "" if f.measured is None else str(f.measured),
            "" if f.limit is None else str(f.limit),
            yes if f.waived else no,
        ]
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@"):
                c.quotePrefix = True
    widths = (12, 10, 10, 70, 30, 12, 14, 14, 8)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
