"""The workbench's pages (layout, site, progress) and the progress map they embed.

Pages are Jinja2 templates with autoescaping; the data a page's script needs is embedded as
JSON (``tojson`` escapes ``<``, ``>``, ``&``) and everything the scripts show is set as text,
never as HTML. Every script and stylesheet is served from this application (no CDN).
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from townsgis.i18n import using
from townsgis.web import deps
from townsgis.web.api_layout import session
from townsgis.web.deps import LangQ
from townsgis.web.security import LANG_COOKIE

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, active: str) -> HTMLResponse:
    lg = deps.lang_of(request)
    data = session(request)
    resp = templates.TemplateResponse(
        request,
        template,
        {
            "lang": lg,
            "other_lang": "en" if lg == "zh" else "zh",
            "t": data["texts"],
            "session": data,
            "active": active,
        },
    )
    if request.query_params.get("lang") in ("zh", "en"):
        resp.set_cookie(LANG_COOKIE, lg, samesite="strict", httponly=True)
    resp.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'self'; form-action 'self'"
    )
    return resp


@router.get("/")
def home(request: Request) -> RedirectResponse:
    return RedirectResponse("/site", status_code=303)


@router.get("/layout", response_class=HTMLResponse)
def layout_page(request: Request, lang: LangQ = None):
    return _page(request, "layout.html", "layout")


@router.get("/site", response_class=HTMLResponse)
def site_page(request: Request, lang: LangQ = None):
    return _page(request, "site.html", "site")


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, lang: LangQ = None):
    return _page(request, "progress.html", "progress")


@router.get("/maps/progress.html", response_class=HTMLResponse)
async def progress_map(request: Request, lang: LangQ = None):
    """The progress map of ``townsgis map progress`` (quarter slider), offline HTML."""
    from townsgis.webmap.api import progress_html

    lg = deps.lang_of(request)
    project = deps.settings(request).project

    def work():
        with using(lg):
            return progress_html(project, lang=lg)

    from townsgis.errors import TownsgisError

    stamp = deps.cache(request).stamp(None, layout_only=False)
    memo = request.app.state.memo
    try:
        page = await run_in_threadpool(memo.get, ("progress_html", lg, stamp), work)
    except TownsgisError as exc:  # shown in the page's frame: a sentence, not JSON
        text = html.escape(exc.render(lg))
        return HTMLResponse(
            f'<!doctype html><html lang="{lg}"><meta charset="utf-8"><body style="font-family:'
            f'sans-serif;padding:2em;color:#a94400" data-error="1"><p>{text}</p></body></html>',
            status_code=400,
        )
    return HTMLResponse(page)
