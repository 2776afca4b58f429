"""Chinese text stays text: PDF (pdftotext, pypdf) and SVG carry the town names, the font is
embedded (PDF: CID TrueType subset; SVG: @font-face), and no glyph is missing."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings

import pytest
from printmap_fixtures import TOWN_NAMES, make_scene
from pypdf import PdfReader

from townsgis.errors import TownsgisError
from townsgis.printmap import fonts
from townsgis.printmap.export import export_scene, figure_bytes

pytestmark = pytest.mark.filterwarnings("error")


def _need(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} not found: install poppler-utils (apt-get install poppler-utils)"
    return path


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "map.pdf"
    return export_scene(make_scene(), path, "pdf")


def test_pdftotext_finds_every_town_name_and_the_review_number(pdf_file):
    out = subprocess.run(
        [_need("pdftotext"), "-enc", "UTF-8", str(pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = out.stdout
    for name in TOWN_NAMES:
        assert name in text
    assert "浙S（2026）001号" in text
    assert "测试地图 特色小镇布局" in text
    assert "Syntax Warning" not in out.stderr  # no font-type mismatch reported by poppler
    # The white halo behind a label is a path, not a second copy of the text.
    assert text.count("南浔善琏湖笔小镇") == 1


def test_pypdf_extracts_the_names_too(pdf_file):
    text = "".join(p.extract_text() for p in PdfReader(pdf_file).pages)
    for name in TOWN_NAMES:
        assert name in text


def test_pdf_embeds_a_truetype_subset_of_noto_sans_sc(pdf_file):
    out = subprocess.run(
        [_need("pdffonts"), str(pdf_file)], capture_output=True, text=True, check=True
    ).stdout
    rows = [r for r in out.splitlines()[2:] if r.strip()]
    assert rows, out
    for row in rows:
        assert "NotoSansSC" in row
        assert "CID TrueType" in row
        cols = row.split()
        assert cols[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, ToUnicode


def test_svg_keeps_text_as_text_and_embeds_the_font():
    svg = figure_bytes(make_scene(), "svg").decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    joined = "\n".join(texts)
    for name in TOWN_NAMES:
        assert any(name in t for t in texts), name
    assert "审图号" in joined
    assert "@font-face{font-family:'Noto Sans SC'" in svg
    assert "data:font/ttf;base64," in svg
    assert "font-family: 'Noto Sans SC'" in svg


def test_english_map_has_english_names():
    svg = figure_bytes(make_scene(lang="en"), "svg").decode("utf-8")
    assert "Silk Town" in svg
    assert "Map review no." in svg


def test_no_missing_glyph_warning_in_any_format():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fmt in ("png", "pdf", "svg"):
            figure_bytes(make_scene(), fmt, dpi=40)


def test_a_character_the_font_lacks_is_bad_input_naming_it():
    from printmap_fixtures import fixture_frames

    _, towns, _ = fixture_frames()
    towns.loc[towns.index[0], "name_zh"] = "小镇\U0001f600"
    scene = make_scene(town_frame=towns)
    assert fonts.missing_chars("小镇\U0001f600") == {"\U0001f600"}
    with pytest.raises(TownsgisError, match="\U0001f600"):
        figure_bytes(scene, "png", dpi=30)


def test_truetype_subset_covers_exactly_what_was_asked():
    from fontTools.ttLib import TTFont

    path = fonts.truetype_subset("湖州丝绸")
    with TTFont(str(path)) as f:
        cmap = f.getBestCmap()
        assert "glyf" in f and "CFF " not in f
    for c in "湖州丝绸lp":
        assert ord(c) in cmap
    assert ord("镇") not in cmap
    assert fonts.truetype_subset("丝绸湖州") == path  # cached by content
    assert io  # keep import used


def test_user_text_is_escaped_in_svg_and_never_mathtext():
    scene = make_scene(review="<审图号> & $x$")
    scene.title = '<script>alert("x")</script> $a_b$'
    svg = figure_bytes(scene, "svg").decode("utf-8")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;审图号&gt; &amp; $x$" in svg  # "$x$" stays literal text, not mathtext
    assert "$a_b$" in svg
