"""Small private helpers shared by the progress modules: safe ratios, flag columns,
feature numbering and the problem list of a DataError/RulesetError message."""

from __future__ import annotations

import pandas as pd


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.Series(num, dtype=float)
    den = pd.Series(den, dtype=float)
    return (num / den.where(den > 0)).fillna(0.0)


def _any_true(df: pd.DataFrame, col: str) -> bool:
    return col in df and bool(df[col].astype(str).str.lower().isin(["true", "1", "yes"]).any())


def _pos(df: pd.DataFrame, label) -> int:
    return int(df.index.get_loc(label)) + 1


def _problem_text(source: str, problems: list[str], limit: int = 25) -> str:
    shown = problems[:limit]
    more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
    n = len(problems)
    return (
        f"{source}: {n} problem{'s' if n != 1 else ''}:\n"
        + "\n".join(f"  - {p}" for p in shown)
        + more
    )
