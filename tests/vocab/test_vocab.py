"""The vocabulary: one label, colour and set of input words per enumerated value."""

from __future__ import annotations

import re

import pytest

from townsgis import schema, vocab
from townsgis.errors import DataError, TownsgisError
from townsgis.i18n import get_lang, set_lang, using
from townsgis.messages import msg, register


@pytest.mark.parametrize(
    ("domain", "word", "expected"),
    [
        ("category", "制造业", "manufacturing"),
        ("category", "制造类", "manufacturing"),
        ("category", "先进制造业", "manufacturing"),
        ("category", " Manufacturing ", "manufacturing"),
        ("category", "休闲旅游", "tourism"),
        ("category", "旅游", "tourism"),
        ("category", "旅游类", "tourism"),
        ("category", "现代服务业", "services"),
        ("category", "服务业", "services"),
        ("category", "其他现代服务业", "services"),
        ("level", "省级创建", "provincial_creation"),
        ("level", "省级培育", "provincial_cultivation"),
        ("level", "省级命名", "provincial_named"),
        ("level", "市级", "municipal"),
        ("level", "provincial_cultivation", "provincial_cultivation"),
        ("scenic_grade", "AAA", "3A"),
        ("scenic_grade", "3A", "3A"),
        ("scenic_grade", "３Ａ级景区", "3A"),  # full-width, as typed in an office sheet
        ("scenic_grade", "AAAA级", "4A"),
        ("scenic_grade", "无", "none"),
        ("stage", "开工实施", "construction"),
        ("stage", "在建", "construction"),
        ("unit_kind", "功能区", "functional_zone"),
        ("severity", "警告", "warning"),
    ],
)
def test_parse_accepts_ids_labels_and_aliases(domain, word, expected):
    assert vocab.parse(domain, word) == expected


def test_every_label_and_alias_parses_back_to_its_own_id():
    for domain, terms in vocab.DOMAINS.items():
        for t in terms:
            for w in (t.id, t.zh, t.en, *t.aliases):
                assert vocab.parse(domain, w) == t.id, (domain, w)


def test_no_word_means_two_values_in_one_domain():
    for domain, terms in vocab.DOMAINS.items():
        seen: dict[str, str] = {}
        for t in terms:
            for w in {vocab.normalise(x) for x in (t.id, t.zh, t.en, *t.aliases)}:
                assert seen.setdefault(w, t.id) == t.id, (domain, w)


def test_unknown_word_lists_accepted_words_in_chinese_by_default():
    with using("zh"), pytest.raises(DataError) as e:
        vocab.parse("category", "农业", what="--category")
    text = str(e.value)
    assert text.startswith("--category: ")
    assert "农业" in text and "制造类" in text and "休闲旅游类" in text and "其他现代服务业" in text
    assert "unknown" not in text


def test_unknown_word_lists_accepted_words_in_english():
    with using("en"), pytest.raises(DataError) as e:
        vocab.parse("level", "国家级")
    text = str(e.value)
    assert "unknown level '国家级'" in text
    assert "provincial (cultivation)" in text and "municipal" in text


def test_labels_follow_the_notice_and_the_current_language():
    assert vocab.label("category", "manufacturing", "zh") == "制造类"
    assert vocab.label("category", "tourism", "zh") == "休闲旅游类"
    assert vocab.label("category", "services", "zh") == "其他现代服务业"
    assert vocab.town_label("services", "zh") == "其他现代服务业小镇"
    assert vocab.label("stage", "reserve", "zh") == "谋划储备"
    with using("en"):
        assert vocab.label("category", "services") == "other modern services"
    assert vocab.label("category", "no-such") == "no-such"  # never raises on output
    assert vocab.label("level", None) == "—"


def test_every_term_has_two_labels_and_map_colours_are_hex():
    for domain, terms in vocab.DOMAINS.items():
        for t in terms:
            assert t.zh and t.en, (domain, t.id)
            assert re.fullmatch(r"#[0-9a-f]{6}", vocab.colour(domain, t.id)), (domain, t.id)
    cats = vocab.colours("category")
    assert len(set(cats.values())) == 3


def test_schema_enumerations_are_the_vocabulary():
    assert schema.LEVELS == vocab.LEVELS
    assert schema.CATEGORIES == vocab.CATEGORIES
    assert schema.STAGES == vocab.STAGES
    assert schema.SCENIC_GRADES == vocab.SCENIC_GRADES
    assert schema.UNIT_KINDS == vocab.UNIT_KINDS


def test_field_labels_never_show_snake_case():
    assert vocab.field_label("scenic_grade") == "景区等级"
    assert vocab.field_label("scenic_grade", "en") == "scenic grade"
    assert "_" not in vocab.field_label("no_such_field")
    for col in schema.SCHEMAS["towns"].columns:
        assert not re.search(r"[a-z]_[a-z]", vocab.field_label(col.name, "zh")), col.name


def test_header_words_map_to_fields_per_layer_kind():
    cols = ["名称", "经度", "纬度", "类别", "级别"]
    assert vocab.header_map(cols, "proposals") == {
        "名称": "name_zh",
        "经度": "lon",
        "纬度": "lat",
        "类别": "category",
        "级别": "level",
    }
    towns = vocab.header_map(["小镇名称", "类型", "规划面积（平方公里）", "所属区县"], "towns")
    assert towns == {
        "小镇名称": "name_zh",
        "类型": "category",
        "规划面积（平方公里）": "planned_area_km2",
        "所属区县": "unit_id",
    }
    assert vocab.header_map(["类型"], "units") == {"类型": "kind"}
    assert vocab.header_map(["面积"], "proposals") == {"面积": "area_km2"}
    # a column already named as a field keeps its name; the first alias wins
    assert vocab.header_map(["name_zh", "名称"], "towns") == {}


def test_message_catalogue_follows_the_language():
    set_lang("en")
    try:
        assert get_lang() == "en"
        assert msg("yes") == "yes"
        assert msg("yes", "zh") == "是"
    finally:
        set_lang("zh")
    assert msg("yes") == "是"


def test_register_refuses_a_key_defined_twice():
    register({"test.once": ("一次", "once")})
    register({"test.once": ("一次", "once")})  # same text: harmless re-import
    with pytest.raises(ValueError):
        register({"test.once": ("两次", "twice")})


def test_error_with_a_key_renders_in_the_language_shown():
    register({"test.bad_file": ("{file}：无法读取", "{file}: cannot read")})
    err = DataError.of("test.bad_file", file="a.csv")
    assert isinstance(err, TownsgisError)
    with using("zh"):
        assert str(err) == "a.csv：无法读取"
    with using("en"):
        assert str(err) == "a.csv: cannot read"
    assert err.key == "test.bad_file" and err.params == {"file": "a.csv"}
    assert str(DataError("plain text")) == "plain text"
