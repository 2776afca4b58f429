"""Quarters: strings ``"2019Q2"`` at the edges and integers (``year*4 + q-1``) inside."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from townsgis.errors import DataError

_Q_RE = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(text: str | int) -> int:
    """``"2019Q2"`` → integer quarter index; a year ``"2020"`` means its last quarter."""
    if isinstance(text, (int, np.integer)) and not isinstance(text, bool):
        return int(text) * 4 + 3 if 1900 < int(text) < 3000 else int(text)
    s = str(text).strip().upper()
    m = _Q_RE.match(s)
    if m:
        return int(m.group(1)) * 4 + int(m.group(2)) - 1
    if re.fullmatch(r"\d{4}", s):
        return int(s) * 4 + 3
    import townsgis.progress._helpers  # noqa: F401  (registers the progress messages)

    raise DataError.of("progress.not_quarter", text=repr(text))


def format_quarter(idx: int) -> str:
    """Integer quarter index → ``"2019Q2"``."""
    return f"{idx // 4}Q{idx % 4 + 1}"


def quarter_index(series: pd.Series) -> pd.Series:
    """Vectorised ``parse_quarter`` for strings ``YYYYQn``; NaN where a value is malformed.
    (Parses each distinct value once: a table has few distinct quarters.)"""
    values = series.astype(object)
    lookup = {u: _quarter_or_nan(u) for u in pd.unique(values)}
    return pd.Series([lookup[v] for v in values], index=series.index, dtype=float)


def quarter_codes(texts) -> np.ndarray:
    """``quarter_index`` of a pyarrow string array, as a float array (NaN where malformed)."""
    import pyarrow.compute as pc

    codes = pc.dictionary_encode(texts)
    lookup = np.array([_quarter_or_nan(u) for u in codes.dictionary.to_pylist()] + [np.nan])
    idx = codes.indices.fill_null(len(lookup) - 1).to_numpy(zero_copy_only=False)
    return lookup[idx.astype(np.int64)]


def _quarter_or_nan(v) -> float:
    m = _Q_RE.match(str(v).strip().upper())
    return int(m.group(1)) * 4 + int(m.group(2)) - 1 if m else np.nan
