"""Fixtures of the siting tests (the project builder lives in siting_fixture.py)."""

from __future__ import annotations

import pytest
from siting_fixture import Fixture, build


@pytest.fixture
def fx(tmp_path) -> Fixture:
    return build(tmp_path / "proj")


@pytest.fixture
def make_fixture(tmp_path):
    """Build a fixture project with other towns or caps: make_fixture(towns=..., cap_all=...)."""
    count = [0]

    def _make(**kw) -> Fixture:
        count[0] += 1
        return build(tmp_path / f"proj{count[0]}", **kw)

    return _make
