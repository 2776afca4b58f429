"""Fixtures of the map-model tests: the bundled project's dataset."""

from __future__ import annotations

import pytest

from townsgis.project import Project


@pytest.fixture(scope="session")
def bundled() -> Project:
    return Project.open(None)


@pytest.fixture(scope="session")
def ds(bundled):
    from townsgis.dataset import load_dataset

    return load_dataset(bundled)
