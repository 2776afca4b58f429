"""Pinyin English names of Chinese administrative units (townsgis.placenames)."""

from __future__ import annotations

import pytest

from townsgis.placenames import english_name


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("宜兴市", "Yixing City"),
        ("吴中区", "Wuzhong District"),
        ("临安区", "Lin'an District"),  # apostrophe before a vowel-initial syllable
        ("长兴县", "Changxing County"),  # 长 read chang in a place name
        ("六安市", "Lu'an City"),
        ("乐清市", "Yueqing City"),
        ("蚌埠市", "Bengbu City"),
        ("吕梁市", "Lüliang City"),
        ("浦东新区", "Pudong New Area"),
        ("峨边彝族自治县", "Ebianyizu Autonomous County"),
        ("内蒙古自治区", "Neimenggu Autonomous Region"),
        ("香港特别行政区", "Xianggang SAR"),
        ("市", "Shi"),  # a bare suffix is a name, not a suffix
    ],
)
def test_english_name(zh, en):
    assert english_name(zh) == en


def test_stem_only_for_a_city_or_province():
    assert english_name("杭州市", suffix=False) == "Hangzhou"
    assert english_name("浙江省", suffix=False) == "Zhejiang"
