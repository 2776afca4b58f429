"""Fixtures of the print-map tests (the scene builder lives in printmap_fixtures.py)."""

from __future__ import annotations

import pytest
from printmap_fixtures import make_scene


@pytest.fixture
def scene():
    return make_scene()
