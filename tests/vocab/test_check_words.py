"""What a person reads in `check`: no raw identifiers in Chinese, the notice's names."""

from __future__ import annotations

import re

import pytest

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("ruleset", ["huzhou-2018", "national-2021"])
def test_no_snake_case_identifier_in_the_chinese_check(cli, fmt, ruleset):
    r = cli("check", "--format", fmt, "--ruleset", ruleset)
    assert r.code in (0, 1), r.text
    assert SNAKE.findall(r.out) == [], r.out


def test_check_names_categories_as_the_notice_does(cli):
    out = cli("check").out
    for name in ("制造类小镇", "休闲旅游类小镇", "其他现代服务业小镇"):
        assert name in out
    assert "景区等级“无”" in out and "要求景区等级不低于3A级" in out
    en = cli("check", "--lang", "en").out
    assert "scenic grade = none, required scenic grade >= 3A" in en
