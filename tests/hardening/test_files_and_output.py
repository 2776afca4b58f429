"""Files: recognisable temporary files and their clean-up, the per-user font cache, clear
messages for permission problems and symbolic link loops; Markdown output that keeps user
text as text; --debug keeps exit 2."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from townsgis.fileaccess import TEMP_PREFIX, missing_reason, os_error_text, remove_stale
from townsgis.i18n import using
from townsgis.layers import write_text_atomic


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_killed_write_leaves_a_recognisable_file_that_the_next_write_removes(tmp_path):
    # a run killed between creating its temporary file and renaming it
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from townsgis.fileaccess import temp_file\n"
        "tmp = temp_file(Path(sys.argv[1]))\n"
        "Path(tmp).write_text('half written')\n"
        "os.kill(os.getpid(), 9)\n"
    )
    target = tmp_path / "report.md"
    subprocess.run([sys.executable, "-c", code, str(target)], check=False)
    left = list(tmp_path.glob(f"{TEMP_PREFIX}*"))
    assert len(left) == 1 and left[0].name.endswith("-report.md")
    assert not target.exists()
    write_text_atomic("done", tmp_path / "other.md")  # any write to the same folder
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))
    assert (tmp_path / "other.md").read_text() == "done"


def test_a_live_writer_keeps_its_temporary_file(tmp_path):
    live = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-abc-x.geojson"
    live.write_text("in progress")
    dead = tmp_path / f"{TEMP_PREFIX}{_dead_pid()}-abc-x.geojson"
    dead.write_text("left over")
    other = tmp_path / ".x.geojson.tmp"  # not ours: never touched
    other.write_text("someone else's")
    removed = remove_stale(tmp_path)
    assert removed == [dead]
    assert live.exists() and other.exists()


def test_font_cache_is_private_to_the_user(tmp_path, monkeypatch):
    from townsgis.printmap import fonts

    fonts._run_folder.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = fonts.cache_folder()
    assert folder == tmp_path / "cache" / "townsgis" / "fonts"
    st = folder.stat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()
    path = fonts.truetype_subset("湖州")
    assert path.parent == folder and path.read_bytes()[:4] == b"\x00\x01\x00\x00"
    assert not list(folder.glob(f"{TEMP_PREFIX}*"))


def test_font_cache_not_ours_or_open_to_others_is_not_used(tmp_path, monkeypatch):
    from townsgis.printmap import fonts

    fonts._run_folder.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    planted = tmp_path / "cache" / "townsgis"
    planted.mkdir(parents=True)
    os.symlink(tmp_path, planted / "fonts")  # a link planted by someone else
    folder = fonts.cache_folder()
    assert folder != planted / "fonts" and folder.name.startswith("townsgis-fonts-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    fonts._run_folder.cache_clear()

    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)  # not the owner
    (planted / "fonts").unlink()
    (planted / "fonts").mkdir(mode=0o700)
    assert fonts.cache_folder() != planted / "fonts"
    fonts._run_folder.cache_clear()


def test_symlink_loop_and_dangling_link_have_their_own_words(tmp_path, cli):
    loop = tmp_path / "loop.geojson"
    os.symlink(loop, loop)
    dangling = tmp_path / "gone.geojson"
    os.symlink(tmp_path / "nowhere.geojson", dangling)
    with using("en"):
        assert "symbolic link loop" in missing_reason(loop)
        assert "does not exist" in missing_reason(dangling)
    assert "nowhere" in missing_reason(dangling)
    r = cli("import", "towns", loop, "--check-only", "--lang", "en")
    assert r.code == 2 and "loop.geojson" in r.err and "symbolic link loop" in r.err


def test_permission_error_names_the_file(tmp_path, cli, monkeypatch):
    exc = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "townsgis.toml"))
    with using("en"):
        text = os_error_text(exc)
    assert text == (
        f"{tmp_path / 'townsgis.toml'}: permission denied "
        "(cannot open it as this user; check its permissions)"
    )
    import townsgis.inventory

    def denied(project):
        raise exc

    monkeypatch.setattr(townsgis.inventory, "list_layers", denied)
    r = cli("layers", "--lang", "en")
    assert r.code == 2 and "townsgis.toml" in r.err and "permission denied" in r.err
    assert "unexpected" not in r.err and "意外" not in r.err
    r = cli("--debug", "layers")
    assert r.code == 2 and "Traceback" in r.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_layer_file(tmp_path, cli):
    path = tmp_path / "t.geojson"
    path.write_text("{}")
    path.chmod(0)
    r = cli("import", "towns", path, "--check-only", "--lang", "en")
    assert r.code == 2 and "t.geojson" in r.err and "permission denied" in r.err


def test_check_markdown_keeps_links_and_images_as_text(project_copy, cli, set_property):
    towns = project_copy / "layers" / "towns.geojson"
    set_property(towns, "name_zh", "[点我](javascript:alert(1)) ![x](http://evil/x.png)")
    r = cli("check", "--project", project_copy, "--format", "markdown")
    assert r.code in (0, 1), r.err
    assert "](javascript:" not in r.out.replace("\\](", "")
    assert "\\[点我\\](javascript:alert(1))" in r.out
    assert "!\\[x\\](http://evil/x.png)" in r.out


def test_debug_keeps_exit_2_for_bad_input(tmp_path, cli):
    r = cli("--debug", "import", "towns", tmp_path / "none.geojson", "--check-only")
    assert r.code == 2
    assert "Traceback" in r.err and "none.geojson" in r.err


def test_indicators_row_with_extra_cells_is_one_problem(project_copy, cli):
    path = project_copy / "layers" / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",9,9"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("progress", "--project", project_copy, "--lang", "en")
    assert r.code == 2
    assert "indicators.csv" in r.err and "row 2" in r.err
    assert r.err.count("\n  - ") == 1


def test_infinite_investment_is_not_a_met_target(project_copy, cli):
    path = project_copy / "layers" / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("fai")] = "inf"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("progress", "--project", project_copy)
    assert r.code == 2 and "indicators.csv" in r.err and "inf" in r.err


def test_waiver_for_an_unknown_rule_is_an_error(project_copy, cli):
    path = project_copy / "layers" / "waivers.toml"
    path.write_text(
        '[[waiver]]\nrule = "HZ-SPACNG"\ntowns = ["HZ-09", "HZ-14"]\nreason = "r"\n'
        'document = "d"\nexpires = 2030-01-01\n',
        encoding="utf-8",
    )
    r = cli("check", "--project", project_copy, "--lang", "en")
    assert r.code == 2
    assert "waivers.toml" in r.err and "waiver #1" in r.err and "HZ-SPACNG" in r.err
    assert "HZ-SPACING" in r.err  # the hint


def test_a_waiver_for_another_rule_set_of_the_project_is_fine(project_copy, cli):
    path = project_copy / "layers" / "waivers.toml"
    import tomllib

    national = tomllib.loads((project_copy / "rules" / "national-2021.toml").read_text("utf-8"))
    rule = national["rule"][0]["id"]
    assert not rule.startswith("HZ-")
    path.write_text(
        f'[[waiver]]\nrule = "{rule}"\ntowns = ["HZ-01"]\nreason = "r"\n'
        'document = "d"\nexpires = 2030-01-01\n',
        encoding="utf-8",
    )
    r = cli("check", "--project", project_copy)
    assert r.code in (0, 1), r.err


def test_site_file_runs_the_import_schema(tmp_path, cli):
    path = tmp_path / "s.csv"
    path.write_text(
        "proposal_id,name,lon,lat,category,level,area_km2\n"
        "A,甲,30.6,120.27,manufacturing,municipal,3\n"
        "A,乙,120.2,30.7,manufacturing,municipal,1e308\n",
        encoding="utf-8",
    )
    site = cli("site", "--file", path)
    imp = cli("import", "proposals", path, "--check-only")
    assert site.code == imp.code == 2
    assert site.err == imp.err  # the same messages, word for word
    assert "1e+308" in site.err and "A" in site.err


def test_layer_file_path_is_not_shadowed(tmp_path):
    assert Path(missing_reason(tmp_path / "absent.csv")).name.startswith("absent.csv")
