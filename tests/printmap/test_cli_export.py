"""`townsgis export …` end to end on the bundled Huzhou project: files, sizes, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PIL import Image

KINDS = ["layout", "progress", "site", "feasible"]
SITE = ["--lon", "120.25", "--lat", "30.80", "--category", "manufacturing", "--name", "测试选址"]


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-m", "townsgis", "export", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


@pytest.mark.parametrize("kind", KINDS)
def test_help(kind):
    r = run(kind, "--help")
    assert r.returncode == 0, r.stderr
    assert "--format" in r.stdout and "--paper" in r.stdout


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("layout", []),
        ("progress", ["--quarter", "2019Q4"]),
        ("site", SITE),
        ("feasible", ["--category", "manufacturing"]),
    ],
)
def test_each_kind_writes_a_png_of_the_paper_size(tmp_path, kind, extra):
    out = tmp_path / f"{kind}.png"
    r = run(
        kind, *extra, "--dpi", "40", "--paper", "A3", "--orientation", "portrait", "-o", str(out)
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    with Image.open(out) as im:
        assert im.size == (round(297 / 25.4 * 40), round(420 / 25.4 * 40))
    assert not list(tmp_path.glob(".*"))  # atomic write leaves no temporary file


def test_layout_pdf_has_the_towns_and_the_review_number(tmp_path):
    out = tmp_path / "layout.pdf"
    r = run("layout", "--format", "pdf", "--review-number", "浙S(2026)001号", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("湖州丝绸小镇", "南浔善琏湖笔小镇", "安吉两山创客小镇", "德清地理信息小镇"):
        assert name in text
    assert "浙S(2026)001号" in text
    assert "huzhou-2018" in text  # the rule set is named
    assert "§3.1.3" in text  # findings cite their clause


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["layout", "--dpi", "0"], "--dpi"),
        (["layout", "--paper", "B5"], "B5"),
        (["layout", "--format", "jpg"], "jpg"),
        (["site", "--lon", "121.9", "--lat", "29.9", "--category", "manufacturing"], "之外"),
        (["feasible", "--category", "mining"], "mining"),
        (["progress", "--quarter", "2019Q7"], "2019Q7"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, args, needle):
    r = run(*args, "-o", str(tmp_path / "x.png"))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.png").exists()


def test_default_output_is_maps_kind_format_in_the_project(tmp_path):
    from townsgis.project import bundled_root

    src = bundled_root()
    proj = tmp_path / "proj"
    for sub in ("layers", "rules", "data/boundaries"):
        shutil.copytree(src / sub, proj / sub)
    shutil.copy(src / "townsgis.toml", proj / "townsgis.toml")
    before = {p: p.stat().st_mtime_ns for p in (proj / "layers").iterdir()}
    r = run("layout", "--format", "svg", "--project", str(proj), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = proj / "maps" / "layout.svg"
    assert out.is_file() and r.stdout.strip() == str(out)
    assert {
        p: p.stat().st_mtime_ns for p in (proj / "layers").iterdir()
    } == before  # inputs untouched
