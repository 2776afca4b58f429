"""A town named <img src=x onerror="window.__xss=1"> must not run (issue 4). The payload is
also put in a project name, a proposal name and note, and a waiver reason."""

from __future__ import annotations

import pytest

from tests.webmap.conftest import JINJA, XSS
from townsgis.project import Project
from townsgis.webmap.browser import open_offline

OPEN_ALL_POPUPS = """() => {
    const m = window.townsgisMap;
    let opened = 0;
    for (const group of Object.values(m.layers)) {
        group.eachLayer(l => { if (l.getPopup()) { l.openPopup(); opened++; } });
    }
    const p = window.townsgisProgress;
    if (p) {
        p.setQuarter(p.quarters.length - 1);
        for (let i = 0; i < Math.min(p.count(), 50); i++) {
            p.openProject(i);
            opened++;
        }
    }
    return opened;
}"""


@pytest.mark.parametrize("kind", ["layout", "progress"])
def test_payload_never_runs_and_shows_as_text(browser, xss_project, tmp_path, artifacts, kind):
    from townsgis.webmap.api import layout_html, progress_html

    build = layout_html if kind == "layout" else progress_html
    page_path = tmp_path / f"{kind}.html"
    page_path.write_text(build(Project.open(xss_project)), encoding="utf-8")
    ready = "window.townsgisMap !== undefined"
    if kind == "progress":
        ready += " && window.townsgisProgress !== undefined"
    visit = open_offline(browser, page_path, ready_js=ready)
    page = visit.page
    try:
        assert page.evaluate(OPEN_ALL_POPUPS) > 0
        page.wait_for_timeout(300)  # let any injected <img> fail and fire onerror
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("document.querySelectorAll('img[onerror]').length") == 0
        # the name is shown literally, as text (label of the town)
        text = page.evaluate("document.body.innerText")
        assert XSS in text
        assert JINJA in text  # not evaluated as a template (no "49")
        assert visit.page_errors == [] and visit.external_requests == []
        page.screenshot(path=str(artifacts / f"webmap-xss-{kind}.png"))
    finally:
        page.close()
