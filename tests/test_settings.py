"""townsgis.toml has a schema: every malformed file exits 2 naming the file and the key."""

from __future__ import annotations

import pytest

from townsgis.project import Project
from townsgis.settings import check_settings

GOOD = {
    "name_zh": '"湖州市"',
    "name_en": '"Huzhou"',
    "city_code": '"330500"',
    "default_ruleset": '"huzhou-2018"',
    "sample_data": "true",
    "region_bbox": "[119.2, 30.3, 120.6, 31.2]",
}


def toml(project: dict[str, str], extra: str = "") -> str:
    lines = ["[project]", *(f"{k} = {v}" for k, v in project.items())]
    return "\n".join(lines) + "\n" + extra


def with_(key: str, value: str | None) -> str:
    p = dict(GOOD)
    if value is None:
        p.pop(key)
    else:
        p[key] = value
    return toml(p)


# (case id, townsgis.toml text, key that the message must name)
MALFORMED = [
    ("sample_data-string", with_("sample_data", '"no"'), "sample_data"),
    ("sample_data-int", with_("sample_data", "0"), "sample_data"),
    ("sample_data-yes", with_("sample_data", '"yes"'), "sample_data"),
    ("project-int", "project = 5\n", "project"),
    ("project-string", 'project = "湖州"\n', "project"),
    ("no-project", "[other]\nx = 1\n", "project"),
    ("name_zh-missing", with_("name_zh", None), "name_zh"),
    ("name_zh-empty", with_("name_zh", '""'), "name_zh"),
    ("name_zh-number", with_("name_zh", "330500"), "name_zh"),
    ("name_en-list", with_("name_en", '["Huzhou"]'), "name_en"),
    ("city_code-int", with_("city_code", "330500"), "city_code"),
    ("city_code-short", with_("city_code", '"3305"'), "city_code"),
    ("default_ruleset-int", with_("default_ruleset", "2018"), "default_ruleset"),
    ("default_ruleset-path", with_("default_ruleset", '"../x y"'), "default_ruleset"),
    ("bbox-three", with_("region_bbox", "[119.2, 30.3, 120.6]"), "region_bbox"),
    ("bbox-five", with_("region_bbox", "[119.2, 30.3, 120.6, 31.2, 1]"), "region_bbox"),
    ("bbox-string", with_("region_bbox", '"119.2,30.3,120.6,31.2"'), "region_bbox"),
    ("bbox-text-item", with_("region_bbox", '[119.2, "30.3", 120.6, 31.2]'), "region_bbox"),
    ("bbox-nan", with_("region_bbox", "[119.2, nan, 120.6, 31.2]"), "region_bbox"),
    ("bbox-inf", with_("region_bbox", "[119.2, 30.3, inf, 31.2]"), "region_bbox"),
    ("bbox-swapped-lon", with_("region_bbox", "[120.6, 30.3, 119.2, 31.2]"), "region_bbox"),
    ("bbox-lat-lon", with_("region_bbox", "[30.3, 119.2, 31.2, 120.6]"), "region_bbox"),
    ("bbox-bool", with_("region_bbox", "[true, 30.3, 120.6, 31.2]"), "region_bbox"),
    ("bbox-out-of-range", with_("region_bbox", "[119.2, 30.3, 200.0, 31.2]"), "region_bbox"),
    ("crs-geographic", with_("analysis_crs", '"EPSG:4326"'), "analysis_crs"),
    ("crs-mercator", with_("analysis_crs", '"EPSG:3857"'), "analysis_crs"),
    ("crs-garbage", with_("analysis_crs", '"not a crs"'), "analysis_crs"),
    ("crs-int", with_("analysis_crs", "4549"), "analysis_crs"),
    ("unknown-key", with_("sampledata", "true"), "sampledata"),
    ("unknown-table", toml(GOOD, "[maps]\ndpi = 300\n"), "maps"),
    ("store-url", toml(GOOD, "[store]\nurl = 5\n"), "store.url"),
    ("bad-toml", "[project\nname_zh = 1\n", "townsgis.toml"),
    ("not-utf8", None, "townsgis.toml"),
]


@pytest.mark.parametrize(("text", "key"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_settings_exit_2_naming_file_and_key(cli, project_copy, text, key):
    cfg = project_copy / "townsgis.toml"
    if text is None:
        cfg.write_bytes('[project]\nname_zh = "湖州市"\n'.encode("gb18030"))
    else:
        cfg.write_text(text, encoding="utf-8")
    for lang in ("en", "zh"):
        r = cli("layers", "--project", project_copy, "--lang", lang)
        assert r.code == 2, r.text
        assert "townsgis.toml" in r.err and key in r.err, r.err
        assert "unexpected" not in r.err and "意外" not in r.err
        assert "Traceback" not in r.err
    r = cli("check", "--project", project_copy)
    assert r.code == 2 and "townsgis.toml" in r.err


def test_every_problem_is_listed_once():
    from townsgis.i18n import set_lang

    set_lang("en")
    raw = {
        "project": {"sample_data": "no", "region_bbox": [1, 2, 3], "colour": "red"},
        "extra": 1,
    }
    problems = check_settings(raw)
    keys = [p.split(":")[0] for p in problems]
    assert sorted(keys) == sorted(
        ["project.sample_data", "project.region_bbox", "project.colour", "extra", "project.name_zh"]
    )
    assert len(problems) == len(set(problems))


def test_good_settings_open_with_typed_values(project_copy):
    cfg = project_copy / "townsgis.toml"
    cfg.write_text(with_("sample_data", "false") + 'analysis_crs = "EPSG:4549"\n', "utf-8")
    p = Project.open(project_copy)
    assert p.sample_data is False
    assert p.region_bbox == (119.2, 30.3, 120.6, 31.2)
    assert p.analysis_crs == "EPSG:4549"


def test_bundled_settings_are_valid():
    p = Project.open(None)
    assert p.sample_data is True and p.city_code == "330500"
