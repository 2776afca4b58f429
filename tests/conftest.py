"""Shared fixtures: a writable copy of the bundled project, an in-process CLI runner, hashing."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from townsgis.project import bundled_root

# pg_dsn / pg_url: a real PostgreSQL + PostGIS server (tests/pgserver.py)
pytest_plugins = ["pgserver"]


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the default language (a CLI run with --lang en sets it)."""
    from townsgis.i18n import set_lang

    set_lang("zh")
    yield
    set_lang("zh")


@pytest.fixture
def english():
    """Run a test in English: it asserts on the English wording of library messages (their
    Chinese wording is covered by tests/vocab and tests/hardening/test_bad_input_lang.py)."""
    from townsgis.i18n import set_lang

    set_lang("en")
    yield
    set_lang("zh")


@pytest.fixture
def chinese(english):
    """Run a test in Chinese inside a module that reads English messages (``english``)."""
    from townsgis.i18n import set_lang

    set_lang("zh")
    yield


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def sha256():
    """Hex digest of a file's bytes (inputs must be byte-identical after every command)."""
    return _sha256


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the bundled Huzhou project (config, rules, layers, boundaries) in tmp_path."""
    src = bundled_root()
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copy2(src / "townsgis.toml", dst / "townsgis.toml")
    for sub in ("layers", "rules", "data/boundaries"):
        if (src / sub).is_dir():
            shutil.copytree(src / sub, dst / sub)
    (dst / "maps").mkdir(exist_ok=True)
    return dst


def _set_property(path: Path, key: str, value) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for f in data["features"]:
        f["properties"][key] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def set_property():
    """Set one property on every feature of a GeoJSON file (for edited project copies)."""
    return _set_property


@pytest.fixture
def exact_project(project_copy: Path) -> Path:
    """The bundled project with every flag False: exact towns and zones, real projects, and
    not marked as sample data in townsgis.toml."""
    cfg = project_copy / "townsgis.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("sample_data = true", "sample_data = false"),
        encoding="utf-8",
    )
    _set_property(project_copy / "layers" / "towns.geojson", "approximate", False)
    _set_property(project_copy / "data" / "boundaries" / "units.geojson", "approximate", False)
    _set_property(project_copy / "layers" / "projects.geojson", "synthetic", False)
    return project_copy


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def cli(capsys):
    """Run ``townsgis.cli.main(argv)`` in-process; returns exit code, stdout and stderr."""
    from townsgis.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (executable_path; no `playwright install`).

    One session-wide browser for every test folder: a second sync Playwright started while
    the first is open fails ("Sync API inside the asyncio loop")."""
    from townsgis.webmap.browser import chromium, find_chromium

    try:
        find_chromium()
    except RuntimeError as exc:
        pytest.fail(f"browser tests need Debian's chromium: {exc}")
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts (git-ignored): screenshots the tests save for a human to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
