"""`-o` never writes onto a project input, a folder or a device; `DIR/` gets the default name."""

from __future__ import annotations

import os
import stat

import pytest

from townsgis.outputs import OutputError, output_path
from townsgis.project import Project

# (command, target relative to the project): every one an input of the project
ONTO_INPUTS = [
    (["check", "--format", "geojson"], "layers/towns.geojson"),
    (["map", "layout"], "rules/huzhou-2018.toml"),
    (["progress", "--format", "markdown"], "layers/indicators.csv"),
    (["feasible", "--category", "manufacturing"], "layers/proposals.geojson"),
    (["check", "--format", "json"], "townsgis.toml"),
    (["check"], "layers/waivers.toml"),
    (["export", "layout", "--format", "svg"], "data/boundaries/units.geojson"),
    (["progress"], "layers/assessment.csv"),
    (["map", "progress"], "layers/new-file.html"),
]


@pytest.fixture
def cli(cli):
    """The CLI in English (these tests read English messages)."""
    return lambda *args: cli(*args, "--lang", "en")


@pytest.fixture(autouse=True)
def _english(_chinese_by_default):
    from townsgis.i18n import set_lang

    set_lang("en")


@pytest.mark.parametrize(("args", "target"), ONTO_INPUTS)
def test_output_onto_a_project_input_exits_2_and_leaves_it(cli, project_copy, sha256, args, target):
    path = project_copy / target
    before = sha256(path) if path.exists() else None
    r = cli(*args, "--project", project_copy, "-o", path)
    assert r.code == 2, r.text
    assert str(path) in r.err and "input" in r.err
    assert "unexpected" not in r.err
    assert (sha256(path) if path.exists() else None) == before


def test_output_through_a_symlink_onto_an_input_is_refused(cli, project_copy, tmp_path, sha256):
    towns = project_copy / "layers" / "towns.geojson"
    before = sha256(towns)
    link = tmp_path / "out.geojson"
    link.symlink_to(towns)
    r = cli("check", "--format", "geojson", "--project", project_copy, "-o", link)
    assert r.code == 2 and "input" in r.err
    assert sha256(towns) == before and link.is_symlink()


def test_character_device_stays_a_character_device(cli, project_copy, tmp_path):
    dev = tmp_path / "full"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("mknod needs root")  # the FIFO test below covers the non-root case
    r = cli("check", "--format", "json", "--project", project_copy, "-o", dev)
    assert r.code == 2 and "character device" in r.err
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_fifo_is_refused(cli, project_copy, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = cli("check", "--format", "json", "--project", project_copy, "-o", fifo)
    assert r.code == 2 and "FIFO" in r.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_path_ending_in_slash_is_a_folder_with_the_default_name(cli, project_copy, tmp_path):
    folder = tmp_path / "newdir"
    r = cli("check", "--format", "json", "--project", project_copy, "-o", f"{folder}/")
    assert r.code in (0, 1), r.text
    assert (folder / "check.json").is_file()
    assert not (tmp_path / "newdir.json").exists()
    r = cli("check", "--format", "json", "--project", project_copy, "-o", folder)
    assert r.code == 2 and "is a folder" in r.err and "end it with /" in r.err


def test_output_path_defaults(project_copy, tmp_path, monkeypatch):
    proj = Project.open(project_copy)
    assert output_path(proj, None, "layout.html") == proj.root / "maps" / "layout.html"
    assert output_path(proj, f"{tmp_path}/x/", "a.json") == tmp_path / "x" / "a.json"
    assert output_path(proj, tmp_path / "b.json", "a.json") == tmp_path / "b.json"
    monkeypatch.chdir(tmp_path)
    sample = Project.open(None)
    assert output_path(sample, None, "layout.html") == tmp_path / "maps" / "layout.html"
    with pytest.raises(OutputError, match="an input of this command"):
        output_path(proj, tmp_path / "in.csv", "a.csv", inputs=[tmp_path / "in.csv"])
