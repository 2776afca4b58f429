"""Open a map in Debian's headless Chromium (Playwright) with the network blocked.

Used by the browser tests and ``benchmarks/bench_webmap.py``; needs the ``test`` extra
(playwright) and the system ``chromium`` package. Playwright's own browser download is
never used: the system browser is launched through ``executable_path``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ENV = "TOWNSGIS_CHROMIUM"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def find_chromium() -> str:
    """Path of the system Chromium; RuntimeError with the install command when missing."""
    for cand in (os.environ.get(CHROMIUM_ENV), "/usr/bin/chromium", shutil.which("chromium")):
        if cand and Path(cand).is_file():
            return cand
    raise RuntimeError(
        "Debian's chromium is not installed (looked at $TOWNSGIS_CHROMIUM, /usr/bin/chromium, "
        "PATH): run `apt-get install -y chromium`; the browser tests need it"
    )


@contextmanager
def chromium() -> Iterator[object]:
    """A headless system Chromium driven by Playwright (closed on exit)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - environment problem
        raise RuntimeError("playwright is not installed: pip install 'townsgis[test]'") from exc
    exe = find_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageVisit:
    """What happened when a map page was opened offline."""

    page: object
    render_ms: float
    wall_s: float
    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]


def open_offline(
    browser,
    path: Path,
    *,
    ready_js: str = "window.townsgisMap !== undefined",
    viewport: tuple[int, int] = (1400, 900),
    timeout_ms: float = 120_000,
) -> PageVisit:
    """Load ``path`` from file:// with every non-local request aborted; wait until
    ``ready_js`` is true and two animation frames have painted. ``render_ms`` is the time
    from navigation start to that point (the page's own clock, milliseconds)."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    visit = PageVisit(page=page, render_ms=float("nan"), wall_s=float("nan"))

    def route(r) -> None:
        url = r.request.url
        if url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            visit.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: visit.requests.append(req.url))
    page.on(
        "console",
        lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda err: visit.page_errors.append(str(err)))
    t0 = time.perf_counter()
    page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
    page.wait_for_function(ready_js, timeout=timeout_ms)
    visit.render_ms = page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
        "() => r(performance.now()))))"
    )
    visit.wall_s = time.perf_counter() - t0
    return visit
