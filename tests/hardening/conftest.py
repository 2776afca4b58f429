"""Fixtures of the bad-input matrix: one shared project copy (read only by the cases) and a
fresh copy for the cases that have to change a project file (waivers, indicators)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from townsgis.project import bundled_root


def _copy_project(dst: Path) -> Path:
    src = bundled_root()
    dst.mkdir(parents=True)
    shutil.copy2(src / "townsgis.toml", dst / "townsgis.toml")
    for sub in ("layers", "rules", "data/boundaries"):
        shutil.copytree(src / sub, dst / sub, ignore=shutil.ignore_patterns(".history"))
    (dst / "maps").mkdir()
    return dst


@pytest.fixture(scope="session")
def shared_project(tmp_path_factory) -> Path:
    """A copy of the bundled project that no case changes."""
    return _copy_project(tmp_path_factory.mktemp("matrix") / "project")


@pytest.fixture
def fresh_project(tmp_path) -> Path:
    """A copy of the bundled project that the case may change."""
    return _copy_project(tmp_path / "project")


@pytest.fixture
def strict_cli(cli, monkeypatch):
    """The in-process CLI with the CLI's own warning filter switched off and every warning
    recorded: returns (result, warnings). Bad input must be stopped before numpy, shapely
    or pyogrio warn, not merely hidden."""
    import townsgis.cli

    monkeypatch.setattr(townsgis.cli, "quiet_library_warnings", lambda: None)

    def run(*args):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = cli(*args)
        return result, [f"{w.category.__name__}: {w.message} ({w.filename})" for w in caught]

    return run
