"""A tiny hand-made progress dataset (3 towns, 5 projects, 2018Q1–2019Q4) whose expected
figures are easy to work out by hand, plus the bundled sample loaded once."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from townsgis.progress import FLOW_COLUMNS, STOCK_COLUMNS, parse_quarter

Q0, Q_LAST = parse_quarter("2018Q1"), parse_quarter("2019Q4")
QUARTERS = list(range(Q0, Q_LAST + 1))


def tiny_projects() -> pd.DataFrame:
    """P1 builds 2018Q3–2019Q1 then operates; P2 still building from 2018Q3 (to 2019Q4);
    P3 jumps to operation in 2018Q4; P4 waits in reserve until 2019Q4; P5 sits in approval."""
    rows = [
        (
            "P1",
            "T1",
            "甲一",
            "operation",
            10.0,
            9.0,
            7.2,
            0.1,
            0.9,
            "2018Q1:reserve;2018Q2:approval;2018Q3:construction;2019Q2:operation",
            "2019Q2",
        ),
        (
            "P2",
            "T1",
            "甲二",
            "construction",
            8.0,
            4.0,
            2.0,
            0.5,
            0.2,
            "2018Q1:reserve;2018Q3:construction",
            "2018Q3",
        ),
        (
            "P3",
            "T2",
            "乙一",
            "operation",
            5.0,
            5.0,
            5.0,
            0.0,
            0.5,
            "2018Q2:reserve;2018Q4:operation",
            "2018Q4",
        ),
        (
            "P4",
            "T3",
            "丙一",
            "approval",
            3.0,
            0.0,
            0.0,
            0.0,
            0.0,
            "2018Q1:reserve;2019Q4:approval",
            "2019Q4",
        ),
        ("P5", "T3", "丙二", "approval", 2.0, 0.0, 0.0, 0.0, 0.0, "2018Q1:approval", "2018Q1"),
    ]
    cols = [
        "project_id",
        "town_id",
        "name_zh",
        "stage",
        "total_investment",
        "invested_to_date",
        "specialty_industry",
        "government_share",
        "tech_investment",
        "stage_history",
        "stage_since",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["start_quarter"] = df["stage_history"].str[:6]
    return df


def tiny_towns() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "town_id": ["T1", "T2", "T3"],
            "name_zh": ["甲镇", "乙镇", "丙镇"],
            "name_en": ["Jia", "Yi", "Bing"],
            "unit_id": ["U1", "U1", "U2"],
            "category": ["manufacturing", "tourism", "services"],
            "scenic_grade": ["3A", "4A", "2A"],
        }
    )


def tiny_units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["U1", "U2", "U3"],
            "name_zh": ["甲县", "乙县", "丙区"],
            "name_en": ["Jia county", "Yi county", "Bing district"],
            "kind": ["county", "county", "district"],
        }
    )


def flat_indicators(fai: float = 2.0, **over) -> pd.DataFrame:
    """Every town, every quarter: FAI ``fai`` with 75% specialty, 85% non-government, 10%
    S&T; every other flow 1.0 a quarter; stocks growing by 1 a quarter; station from 2019Q1."""
    rows = []
    for t in ("T1", "T2", "T3"):
        for i, q in enumerate(QUARTERS):
            r = {"town_id": t, "quarter": q}
            r.update({c: 1.0 for c in FLOW_COLUMNS})
            r.update(
                fai=fai,
                specialty_investment=0.75 * fai,
                nongov_investment=0.85 * fai,
                tech_investment=0.1 * fai,
            )
            r.update({c: float(i + 1) for c in STOCK_COLUMNS})
            r["guidance_station"] = q >= parse_quarter("2019Q1")
            rows.append(r)
    df = pd.DataFrame(rows)
    for k, v in over.items():
        df[k] = v
    return df


def assessment_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["town_id", "year", "grade", "named", "high_tech"])


@pytest.fixture
def tiny():
    """A dataset-like object with units, towns and projects frames (no geometry needed)."""
    return SimpleNamespace(units=tiny_units(), towns=tiny_towns(), projects=tiny_projects())


@pytest.fixture(scope="session")
def sample():
    """The bundled Huzhou sample: dataset, indicators and assessment, loaded once."""
    from townsgis.dataset import load_dataset
    from townsgis.indicators import load_assessment, load_indicators
    from townsgis.project import Project

    project = Project.open(None)
    ds = load_dataset(project)
    ids = ds.towns["town_id"].tolist()
    return SimpleNamespace(
        project=project,
        ds=ds,
        indicators=load_indicators(project.indicators_path, ids),
        assessment=load_assessment(project.assessment_path, ids),
    )
