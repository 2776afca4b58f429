"""A towns file headed with the id words the error message offers (小镇编号, 小镇代码, 编号) is
read; a file without an id column is told which columns it has, by its own headers."""

from __future__ import annotations

import pytest

from townsgis import vocab

ROW = "HZ-01,测试小镇,吴兴区,120.09,30.87,制造业,省级创建,3\n"
REST = "名称,所属县区,经度,纬度,类别,级别,规划面积\n"


@pytest.mark.parametrize("word", ["小镇编号", "小镇代码", "编号", "town_id"])
def test_town_id_headers_are_read(cli, project_copy, tmp_path, word):
    src = tmp_path / "towns.csv"
    src.write_text(f"{word},{REST}{ROW}", encoding="utf-8")
    r = cli("import", "towns", src, "--project", project_copy, "--mode", "update", "--check-only")
    assert r.code == 0, r.text
    assert "towns.csv：1 个特色小镇" in r.text


def test_every_word_the_message_offers_is_accepted():
    for word in vocab.header_words("town_id", "towns"):
        assert vocab.header_map([word, "名称"], "towns").get(word, word) == "town_id"


def test_missing_id_lists_the_files_own_headers(cli, project_copy, tmp_path):
    src = tmp_path / "towns.csv"
    src.write_text(f"编码X,{REST}{ROW}", encoding="utf-8")
    r = cli("import", "towns", src, "--project", project_copy, "--check-only")
    assert r.code == 2 and "Traceback" not in r.text
    (line,) = [x for x in r.err.splitlines() if "缺少列" in x]
    assert "可用表头：town_id、编号、小镇编号、小镇代码" in line
    assert line.endswith("文件中的列：编码X, 名称, 所属县区, 类别, 级别, 规划面积"), line
    for internal in ("name_zh", "unit_id", "category", "approximate", "source"):
        assert internal not in line
