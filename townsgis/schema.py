"""Declared layer schemas (to be written by the I/O work). Collect every problem, raise once."""

from __future__ import annotations


def validate_dataset(ds) -> None:  # placeholder until the schema module lands
    return None
