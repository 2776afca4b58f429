"""The feasible area has one name in each language on every output: the CLI summary, the web
layout map, the workbench and the print sheet (it was 可选区域, 可选址范围 and 可选址区域)."""

from __future__ import annotations

import pytest

from townsgis.mapmodel.text import t
from townsgis.project import Project


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_word_for_the_feasible_area(lang, cli):
    from townsgis.printmap.scenes import feasible_scene
    from townsgis.web.texts import TEXTS

    word = t(lang, "feasible")
    assert word == {"zh": "可选址区域", "en": "Feasible area"}[lang]
    res = cli("feasible", "--category", "manufacturing", "--lang", lang, "--unit", "330503")
    assert res.code == 0 and word in res.out
    scene = feasible_scene(Project.open(None), category="manufacturing", unit="330503", lang=lang)
    legend = [e.label for sec in scene.legend for e in sec.entries]
    assert any(label.startswith(word) for label in legend)
    assert word.lower() in scene.title.lower()
    words = TEXTS[lang]
    assert word.lower() in words["feasible_show"].lower()
    assert word.lower() in words["download_feasible"].lower().replace("-", " ")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_feasible_summary_names_units_and_rules_not_ids(lang, cli):
    """Units by name, the excluding caps by clause and title; the within-unit share is the
    rule's 95%, not "wholly inside"."""
    res = cli("feasible", "--category", "tourism", "--lang", lang)
    assert res.code == 0
    assert "HZ-" not in res.out and "330523" not in res.out
    assert ("安吉县" if lang == "zh" else "Anji County") in res.out
    assert "§3.1.3" in res.out and "95%" in res.out
