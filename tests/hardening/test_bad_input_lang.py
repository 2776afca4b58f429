"""The bad-input matrix in both languages: every message is Chinese by default (beyond the
file names and values it quotes) and English with --lang en (Chinese only where it quotes
the user's own values: a file name, a town or unit name, a word from the file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_bad_input_matrix import CASES, Case, Ctx

from townsgis.project import bundled_root

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# three lower-case English words in a row: an English sentence, not a code or a path
ENGLISH = re.compile(r"(?<![\w/.-])[a-z]{2,}(?: [a-z]{2,}){2,}(?![\w/.-])")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”\n]*”|「[^」\n]*」|`[^`\n]*`")


def _project_words() -> set[str]:
    """Chinese runs in the bundled project's data: town, unit and project names."""
    words: set[str] = set()
    root = bundled_root()
    for path in [*(root / "layers").glob("*.geojson"), *(root / "data").rglob("*.geojson")]:
        words |= set(CJK_RUN.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _vocabulary_words() -> set[str]:
    """The Chinese words townsgis accepts on input (the vocabulary, the 经度/纬度 headers, the
    assessment grades): an English message listing what is accepted names them too
    (``manufacturing (制造类, 制造业)``), since a user may type them."""
    from townsgis import vocab
    from townsgis.layers import LAT_NAMES, LON_NAMES
    from townsgis.progress import GRADE_ALIASES, GRADES

    words = {w for terms in vocab.DOMAINS.values() for t in terms for w in (t.zh, *t.aliases)}
    return words | set(LON_NAMES) | set(LAT_NAMES) | set(GRADES) | set(GRADE_ALIASES)


PROJECT_WORDS = _project_words() | _vocabulary_words()


def _user_words(argv: list) -> set[str]:
    """Chinese runs the user gave: in the arguments and in the files they name."""
    words = set(PROJECT_WORDS)
    for a in argv:
        words |= set(CJK_RUN.findall(str(a)))
        p = Path(str(a))
        if p.is_file() and p.stat().st_size < 2_000_000:
            for enc in ("utf-8", "gb18030"):
                try:
                    words |= set(CJK_RUN.findall(p.read_text(encoding=enc)))
                except (UnicodeDecodeError, OSError):
                    continue
    return words


def _strip(text: str, argv: list, needles: list[str]) -> str:
    """The message without what it quotes: values, file names and paths."""
    for a in [*needles, *(str(a) for a in argv)]:
        if a and len(a) > 1:
            text = text.replace(str(a), " ")
    return QUOTED.sub(" ", text)


def _run(c: Case, strict_cli, shared_project, tmp_path, request, lang: str):
    def fresh() -> Path:
        return request.getfixturevalue("fresh_project")

    argv, needles = c.build(Ctx(tmp_path, shared_project, fresh))
    argv = [*argv, "--lang", lang] if lang == "en" else argv
    r, _ = strict_cli(*argv)
    assert r.code == 2, f"exit {r.code}: {r.text}"
    return argv, needles, r.err


# Click's and typer's own words in a usage error: they stay English (see townsgis/cli/help.py)
FRAMEWORK = re.compile(
    r"(Input should be|Value error,|No such option|Missing |Got unexpected|'[^']*' is not one of)"
)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_message_is_chinese_by_default(c: Case, strict_cli, shared_project, tmp_path, request):
    argv, needles, err = _run(c, strict_cli, shared_project, tmp_path, request, "zh")
    if err.startswith("用法："):  # a usage error: click's frame round the option's problem
        box = re.sub(r"[\u2500-\u257f]", " ", "\n".join(err.splitlines()[2:]))
        body = " ".join(box.split())
        body = re.sub(r"^Error\s*", "", body)
        body = re.sub(r"^Invalid value( for '[^']*')?:\s*", "", body)
        if FRAMEWORK.match(body):
            return
        lines = [body]
    else:
        assert err.startswith("错误："), err
        lines = err.removeprefix("错误：").splitlines()
    assert CJK.search(_strip(err, argv, needles).removeprefix("错误：")), err
    for line in lines:
        line = _strip(line, argv, needles).strip(" -")
        assert not ENGLISH.search(line), f"English in {line!r}\n{err}"


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_message_is_english_with_lang_en(c: Case, strict_cli, shared_project, tmp_path, request):
    argv, needles, err = _run(c, strict_cli, shared_project, tmp_path, request, "en")
    rest = _strip(err, argv, needles)
    for word in sorted(_user_words(argv), key=len, reverse=True):
        rest = rest.replace(word, " ")
    assert not CJK_RUN.search(rest), f"Chinese in {CJK_RUN.search(rest).group()!r}: {err}"
