"""Popups are labelled tables in the map's language: no raw field key (``scenic_grade``) and
no raw enum value (``provincial_creation``, ``True``) ever shows (issue 9)."""

from __future__ import annotations

import re

import pytest

from townsgis import vocab
from townsgis.mapmodel.popups import attribute_rows

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _raw_values() -> set[str]:
    out = {"True", "False", "true", "false", "nan", "None"}
    for domain in ("level", "category", "unit_kind", "stage", "severity"):
        out |= set(vocab.ids(domain))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_town_rows_are_labelled_and_translated(ds, lang):
    row = ds.towns.drop(columns="geometry").iloc[0].to_dict()
    rows = attribute_rows(row, lang, {"330502": "吴兴区"})
    labels = [k for k, _ in rows]
    values = [v for _, v in rows]
    assert not any(SNAKE.search(k) for k in labels), labels
    if lang == "zh":
        assert not set(values) & _raw_values(), values
        assert vocab.label("level", row["level"], "zh") in values
        assert "级别" in labels and "类别" in labels


def test_booleans_and_numbers():
    rows = dict(attribute_rows({"approximate": True, "planned_area_km2": 3.456}, "zh"))
    assert rows == {"位置近似": "是", "规划面积（平方公里）": "3.46"}
