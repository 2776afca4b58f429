"""Fixtures for the PostGIS store tests: the bundled sample copied into a fresh schema."""

from __future__ import annotations

import pytest

from townsgis.project import bundled_root


@pytest.fixture
def pg_project(pg_url: str) -> str:
    """URL of a PostGIS project holding a copy of the bundled Huzhou sample."""
    from townsgis.store.copy import copy_project

    copy_project(bundled_root(), pg_url)
    return pg_url


@pytest.fixture(params=["folder", "postgis"])
def both_stores(request, project_copy) -> str:
    """The bundled sample as a folder project, then as a PostGIS project (same data)."""
    if request.param == "folder":
        return str(project_copy)
    return request.getfixturevalue("pg_project")
