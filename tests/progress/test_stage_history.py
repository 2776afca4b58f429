"""Stage histories of the four-batches library (§3.3.1): stage_at, stalled, bad histories."""

from __future__ import annotations

import pytest

from tests.progress.conftest import assessment_frame, flat_indicators, tiny_projects, tiny_towns
from townsgis.errors import DataError
from townsgis.progress import build_report, history_findings, parse_history, stage_at, stalled

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")


def test_stage_at_reads_the_last_entry_not_after_the_quarter():
    p = tiny_projects().set_index("project_id", drop=False)
    assert stage_at(p, "2018Q2").to_dict() == {
        "P1": "approval",
        "P2": "reserve",
        "P3": "reserve",
        "P4": "reserve",
        "P5": "approval",
    }
    s = stage_at(p, "2019Q2")
    assert s["P1"] == "operation" and s["P2"] == "construction" and s["P3"] == "operation"


def test_stage_at_is_none_before_a_project_enters_the_library():
    p = tiny_projects().set_index("project_id", drop=False)
    assert stage_at(p, "2018Q1")["P3"] is None


def test_stalled_at_exactly_n_quarters():
    p = tiny_projects()
    # P5 entered approval in 2018Q1 and never moved: 3 quarters by 2018Q4, 4 by 2019Q1
    assert "P5" not in stalled(p, "2018Q4", 4)["project_id"].tolist()
    hit = stalled(p, "2019Q1", 4)
    assert "P5" in hit["project_id"].tolist()
    assert hit.set_index("project_id").at["P5", "quarters_stalled"] == 4
    assert hit.set_index("project_id").at["P5", "since"] == "2018Q1"


def test_stalled_excludes_operating_projects_and_counts_from_the_last_change():
    p = tiny_projects()
    ids = stalled(p, "2019Q4", 4)["project_id"].tolist()
    assert "P3" not in ids  # operating since 2018Q4
    assert "P2" in ids  # construction since 2018Q3: 5 quarters
    assert "P4" not in ids  # changed to approval in 2019Q4


def test_stall_quarters_is_configurable():
    p = tiny_projects()
    assert "P2" not in stalled(p, "2019Q4", 6)["project_id"].tolist()
    assert "P2" in stalled(p, "2019Q4", 5)["project_id"].tolist()
    with pytest.raises(DataError):
        stalled(p, "2019Q4", 0)


def test_backward_stage_is_a_finding_not_an_exception():
    p = tiny_projects()
    p.loc[0, "stage_history"] = "2018Q1:reserve;2018Q3:construction;2019Q1:approval"
    p.loc[0, "stage"], p.loc[0, "stage_since"] = "approval", "2019Q1"
    found = history_findings(p)
    rules = [f.rule for f in found]
    assert rules == ["PROGRESS-STAGE-ORDER"]
    assert found[0].clause == "§3.3.1"
    assert "P1" in found[0].message_en and "construction → approval" in found[0].message_en


def test_history_findings_name_the_town_by_its_name_not_its_id():
    p = tiny_projects()
    p.loc[0, "stage_history"] = "2018Q1:reserve;2018Q3:construction;2019Q1:approval"
    p.loc[0, "stage"], p.loc[0, "stage_since"] = "approval", "2019Q1"
    p.loc[3, "stage_history"] = "2019Q4:reserve;2018Q1:approval"
    found = history_findings(p, towns=tiny_towns())
    assert {f.rule for f in found} >= {"PROGRESS-STAGE-ORDER", "PROGRESS-HISTORY-ORDER"}
    towns = {f.rule: f.towns[0] for f in found}
    assert towns["PROGRESS-STAGE-ORDER"] == {"id": "T1", "name_zh": "甲镇"}
    assert towns["PROGRESS-HISTORY-ORDER"] == {"id": "T3", "name_zh": "丙镇"}


def test_report_history_findings_carry_the_town_name(tiny):
    tiny.projects.loc[0, "stage_history"] = "2018Q1:construction;2018Q3:reserve"
    tiny.projects.loc[0, "stage"], tiny.projects.loc[0, "stage_since"] = "reserve", "2018Q3"
    r = build_report(tiny, flat_indicators(), assessment_frame([]), [], "2019Q4", 4)
    f = next(f for f in r.findings if f.rule == "PROGRESS-STAGE-ORDER")
    assert f.towns == [{"id": "T1", "name_zh": "甲镇"}]


def test_clean_histories_give_no_findings():
    assert history_findings(tiny_projects()) == []


def test_stage_field_disagreeing_with_history_is_a_finding():
    p = tiny_projects()
    p.loc[1, "stage"] = "operation"
    p.loc[2, "stage_since"] = "2018Q2"
    rules = sorted(f.rule for f in history_findings(p))
    assert rules == ["PROGRESS-STAGE-FIELD", "PROGRESS-STAGE-FIELD"]


def test_quarters_out_of_order_in_a_history_is_a_finding():
    p = tiny_projects()
    p.loc[3, "stage_history"] = "2019Q4:reserve;2018Q1:approval"
    assert "PROGRESS-HISTORY-ORDER" in [f.rule for f in history_findings(p)]


@pytest.mark.parametrize(
    "bad", ["2018Q5:reserve", "2018Q1:building", "2018Q1", "2018-1:reserve", ""]
)
def test_malformed_history_raises_naming_the_feature_and_column(bad):
    p = tiny_projects()
    p.loc[2, "stage_history"] = bad
    with pytest.raises(DataError) as exc:
        parse_history(p, "projects.geojson")
    msg = str(exc.value)
    assert "projects.geojson" in msg and "feature 3" in msg and "P3" in msg
    assert "stage_history" in msg


def test_stage_table_equals_stage_at_and_stalled_at_every_quarter():
    """The all-quarters table the progress map uses gives, quarter by quarter, the stage of
    ``stage_at`` and the stalled projects of ``stalled`` (histories out of order, repeated
    stages, a project entering late, one jumping straight to operation)."""
    import numpy as np
    import pandas as pd

    from townsgis.progress import parse_history, stage_at, stage_table, stalled
    from townsgis.vocab import STAGES

    projects = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d"],
            "town_id": ["T", "T", "U", "U"],
            "name_zh": ["甲", "乙", "丙", "丁"],
            "stage_history": [
                "2018Q1:reserve;2018Q1:reserve;2019Q2:approval;2018Q3:reserve",
                "2019Q4:approval;2020Q1:operation",
                "2018Q2:reserve;2018Q4:construction;2020Q2:construction",
                "2018Q1:operation",
            ],
        },
        index=[5, 6, 7, 8],
    )
    hist = parse_history(projects)
    quarters = list(range(int(hist["quarter"].min()), int(hist["quarter"].max()) + 3))
    ranks, since = stage_table(projects, quarters, hist)
    names = np.array([*STAGES, None], dtype=object)
    for j, q in enumerate(quarters):
        assert names[ranks[:, j]].tolist() == stage_at(projects, q, hist).tolist()
        stuck = (ranks[:, j] >= 0) & (ranks[:, j] != len(STAGES) - 1) & (q - since[:, j] >= 4)
        want = set(stalled(projects, q, 4, hist)["project_id"])
        assert set(projects["project_id"][stuck]) == want
    assert ranks[:, -1].tolist() == [1, 3, 2, 3]
