"""A non-editable install (a wheel in a fresh venv), run from an empty folder, writes its
outputs under that folder and never changes anything under site-packages.

To stay fast and offline, the wheel is built without build isolation (hatchling comes with
the test extra) and installed with --no-deps into a venv made without pip; a .pth file lets
that venv import the dependencies (and pip) from the test environment's site-packages. The
wheel's townsgis sits in the new venv's own site-packages, which comes first on sys.path.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path → sha256)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    r = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            tmp / "dist",
            ROOT,
        ]
    )
    assert r.returncode == 0, r.stderr
    (wheel,) = (tmp / "dist").glob("townsgis-*.whl")
    venv = tmp / "venv"
    r = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    site = Path(
        _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    (site / "_outer_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = _run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel])
    assert r.returncode == 0, r.stderr
    where = _run([py, "-c", "import townsgis; print(townsgis.__file__)"], cwd=tmp)
    assert Path(where.stdout.strip()).parent == site / "townsgis", where.stdout + where.stderr
    return venv, site


def test_wheel_map_layout_writes_under_the_current_folder_only(installed, tmp_path):
    venv, site = installed
    before = tree_hash(site)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    r = _run([venv / "bin" / "townsgis", "map", "layout"], cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    assert (work / "maps" / "layout.html").is_file()
    assert sorted(p.name for p in work.rglob("*")) == ["layout.html", "maps"]
    # the sample cannot be changed through import either, and -o cannot reach it
    towns = site / "townsgis" / "_bundled" / "layers" / "towns.geojson"
    r = _run([venv / "bin" / "townsgis", "import", "towns", towns, "--lang", "en"], cwd=work)
    assert r.returncode == 2 and "read-only" in r.stderr and "townsgis init" in r.stderr
    r = _run(
        [venv / "bin" / "townsgis", "check", "--format", "json", "-o", towns, "--lang", "en"],
        cwd=work,
    )
    assert r.returncode == 2 and "read-only" in r.stderr
    assert tree_hash(site) == before


def test_wheel_carries_the_licence(installed):
    _, site = installed
    (dist,) = site.glob("townsgis-*.dist-info")
    text = next(dist.rglob("LICENSE")).read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
