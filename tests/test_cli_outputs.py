"""Unwritable outputs and unexpected errors: exit 2, one line naming the path, no traceback."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "townsgis", *map(str, args)], capture_output=True, text=True
    )


def test_check_output_to_an_existing_folder_exits_2_naming_it(project_copy, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    r = run("check", "--project", project_copy, "-o", folder, "--lang", "en")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().startswith(f"error: {folder}: is a folder; give a file name to write")
    assert "Traceback" not in r.stdout + r.stderr
    assert list(folder.iterdir()) == []


def test_check_output_under_a_file_exits_2_naming_it(project_copy, tmp_path):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "sub" / "report.md"
    r = run("check", "--project", project_copy, "--format", "markdown", "-o", out, "--lang", "en")
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {out}: cannot write:")
    assert "Traceback" not in r.stdout + r.stderr


def test_unexpected_exception_is_one_line_exit_2(cli, monkeypatch):
    import townsgis.inventory

    def boom(project):
        raise KeyError("level")

    monkeypatch.setattr(townsgis.inventory, "list_layers", boom)
    r = cli("layers", "--lang", "en")
    assert r.code == 2
    assert r.err == (
        "error: unexpected KeyError: 'level' "
        "(this is a bug in townsgis; run with --debug for a traceback)\n"
    )
    assert r.out == ""


def test_unexpected_exception_is_raised_with_debug(cli, monkeypatch):
    import townsgis.inventory

    def boom(project):
        raise KeyError("level")

    monkeypatch.setattr(townsgis.inventory, "list_layers", boom)
    r = cli("--debug", "layers")
    assert r.code == 2  # --debug keeps the exit code of bad input / unexpected errors
    assert "Traceback (most recent call last)" in r.err and "KeyError: 'level'" in r.err
    assert r.err.rstrip().splitlines()[-1].count("KeyError") == 1  # then the one-line message
