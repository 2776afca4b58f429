"""`--help` follows the language: Chinese by default, English with --lang en (before or after
the subcommand); every help text comes from the message catalogue in both languages."""

from __future__ import annotations

import re

import pytest
import typer

from townsgis.cli import app
from townsgis.cli.help import PREFIX, format_help, localize
from townsgis.i18n import using
from townsgis.messages import has

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# three lower-case English words in a row: a sentence, not a code, path or option name
ENGLISH = re.compile(r"(?<![\w/.-])[a-z]{2,}(?: [a-z]{2,}){2,}(?![\w/.-])")


def _tree(cmd, path=()):
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _tree(sub, (*path, name))


ROOT = typer.main.get_command(app)
TREE = list(_tree(ROOT))
IDS = [" ".join(p) or "townsgis" for p, _ in TREE]


def _texts(cmd) -> list[tuple[str, str]]:
    """(where, text) of a command's own help and every parameter's help, localised."""
    localize(cmd)
    out = [("help", cmd.help or "")]
    for p in cmd.params:
        if getattr(p, "help", None) is not None:
            out.append((p.name, p.help))
    return out


def test_every_help_is_a_catalogue_key():
    for path, cmd in TREE:
        keys = [cmd.__dict__.get("_townsgis_help", (cmd.help,))[0]]
        keys += [p.__dict__.get("_townsgis_help", p.help) for p in cmd.params]
        for key in keys:
            assert key is not None, path
            assert key.startswith(PREFIX) and has(key), (path, key)


@pytest.mark.parametrize(("path", "cmd"), TREE, ids=IDS)
def test_chinese_help_is_chinese(path, cmd):
    with using("zh"):
        for where, text in _texts(cmd):
            assert CJK.search(text), (path, where, text)
            assert not ENGLISH.search(text), (path, where, ENGLISH.search(text).group())
        page = format_help(
            cmd, cmd.make_context(" ".join(("townsgis", *path)), ["--help"], resilient_parsing=True)
        )
    assert "用法：" in page and "Usage" not in page and "[default" not in page
    # the usage line and the examples are commands, not sentences
    page = "\n".join(line for line in page.split("示例：")[0].splitlines() if "用法：" not in line)
    assert not ENGLISH.search(page), ENGLISH.search(page).group()


@pytest.mark.parametrize(("path", "cmd"), TREE, ids=IDS)
def test_english_help_is_english(path, cmd):
    with using("en"):
        for where, text in _texts(cmd):
            # Chinese only as an example value, in brackets: (南浔区, 南浔), (审图号)
            outside = re.sub(r"\([^()]*\)", "", text)
            assert not CJK.search(outside), (path, where, text)
            assert re.search(r"[A-Za-z]{3,}", text), (path, where, text)


def test_check_help_is_chinese_by_default(cli):
    r = cli("check", "--help")
    assert r.code == 0, r.text
    assert "对照规则集" in r.out and "用法：townsgis check" in r.out
    assert "选项" in r.out and "显示本帮助并退出" in r.out
    assert "Check the towns" not in r.out


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "en", "check", "--help"],
        ["check", "--lang", "en", "--help"],
        ["check", "--help", "--lang", "en"],
        ["--lang=en", "check", "--help"],
    ],
)
def test_lang_en_gives_english_help_wherever_it_stands(cli, args):
    r = cli(*args)
    assert r.code == 0, r.text
    assert "Check the towns against a rule set" in r.out
    assert "Usage: townsgis check" in r.out and "Examples:" in r.out
    assert not CJK.search(r.out)


def test_the_same_process_shows_both_languages(cli):
    """The help keys stay on the command objects: zh, then en, then zh again."""
    assert "示例：" in cli("site", "--help").out
    assert "Examples:" in cli("site", "--help", "--lang", "en").out
    assert "示例：" in cli("site", "--help").out


def test_a_group_without_a_command_shows_its_help(cli):
    r = cli("export")
    assert r.code == 2
    assert "可直接打印的静态地图" in r.out and "layout" in r.out


def test_level_default_is_shown_by_its_name(cli):
    zh = cli("export", "site", "--help").out
    assert "[默认：省级创建]" in zh and "provincial_creation]" not in zh
    en = cli("export", "site", "--help", "--lang", "en").out
    assert "[default: provincial" in en and "provincial_creation]" not in en


def test_root_lang_reaches_the_command(cli):
    """`townsgis --lang en layers` speaks English although `layers` has its own --lang."""
    assert (
        cli("--lang", "en", "layers", "--format", "text")
        .out.splitlines()[1]
        .strip()
        .startswith("source:")
    )
    assert "来源" in cli("layers").out
