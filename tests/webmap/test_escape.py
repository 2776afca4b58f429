"""Escaping of user text (issue 4): names, notes, waiver reasons, finding messages."""

from __future__ import annotations

import json

from tests.webmap.conftest import JINJA, XSS
from townsgis.project import Project
from townsgis.webmap.escape import esc, json_for_script, popup_table
from townsgis.webmap.legend import LegendItem, LegendSection, legend_html, title_html


def test_esc_escapes_markup_and_quotes():
    assert esc(XSS) == "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;"
    assert esc(None) == "" and esc(float("nan")) == ""
    assert esc("湖州") == "湖州"


def test_json_for_script_cannot_close_the_script():
    text = json_for_script({"a": "</script><script>alert(1)</script>", "b": "&\u2028"})
    assert "</" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "&\u2028"}


def test_popup_legend_and_title_escape_every_label():
    assert "<img" not in popup_table(XSS, [(XSS, XSS)])
    assert "<img" not in legend_html([LegendSection(XSS, [LegendItem(XSS, "#fff")])])
    assert "<img" not in title_html(XSS, [XSS], XSS)


def test_layout_and_progress_html_carry_the_payload_only_escaped(xss_project):
    from townsgis.webmap.api import layout_html, progress_html

    proj = Project.open(xss_project)
    for html in (layout_html(proj), progress_html(proj)):
        assert XSS not in html
        assert "<img src=x" not in html
        # the payload is there, escaped (as HTML text, possibly inside JSON)
        assert "&lt;img src=x onerror=" in html or "\\u0026lt;img src=x onerror=" in html


def test_esc_neutralises_template_braces():
    from tests.webmap.conftest import JINJA

    out = esc(JINJA)
    assert "{" not in out and "}" not in out
    assert out.startswith("&#123;&#123; 7*7 &#125;&#125;")


def test_esc_all_equals_esc_on_every_kind_of_value():
    from townsgis.webmap.escape import esc_all

    values = [XSS, JINJA, "a & b 'c' \"d\"", None, float("nan"), 12, 3.5, "", "&amp;", "合成"]
    assert esc_all(values) == [esc(v) for v in values]
    assert esc_all([]) == []


def test_esc_all_takes_string_columns_whole():
    import pandas as pd

    from townsgis.webmap.escape import esc, esc_all

    values = [XSS, None, "a & b", "合成 {x}"]
    for dtype in ("str", "string", object):
        col = pd.Series(values, dtype=dtype)
        assert esc_all(col) == [esc(v) for v in values]
