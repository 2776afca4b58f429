"""Every subcommand's --help ends with one or two real examples that its parser accepts."""

from __future__ import annotations

import shlex

import pytest
import typer

from townsgis.cli import app
from townsgis.xlsx import text_width

GROUP = typer.main.get_command(app)


def _commands(group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


COMMANDS = list(_commands(GROUP))


def test_every_command_is_covered():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"check", "site", "import", "map layout", "export layout", "progress"} <= names


@pytest.mark.parametrize(("lang", "heading"), [("zh", "示例："), ("en", "Examples:")])
@pytest.mark.parametrize(
    ("path", "cmd"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_help_ends_with_examples_the_command_accepts(cli, path, cmd, lang, heading):
    r = cli(*path, "--help", "--lang", lang)
    assert r.code == 0, r.text
    lines = [line.strip() for line in r.out.splitlines() if line.strip()]
    start = max(i for i, line in enumerate(lines) if line == heading)
    shown = lines[start + 1 :]
    assert 1 <= len(shown) <= 2, lines[start:]
    for example in shown:
        assert text_width(example) <= 76, example  # fits an 80-column terminal unwrapped
        words = shlex.split(example)
        assert words[: 1 + len(path)] == ["townsgis", *path], example
        # the parser accepts the example's options and values (nothing is run)
        ctx = cmd.make_context(" ".join(path), words[1 + len(path) :], resilient_parsing=False)
        ctx.close()
