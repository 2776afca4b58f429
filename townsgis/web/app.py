"""The application factory: ``create_app(project, …)`` → a FastAPI (Starlette) ASGI app.

Routes: pages (``/layout``, ``/site``, ``/progress``), the JSON API (``/api/…``, OpenAPI
document at ``/openapi.json``, docs at ``/docs``), downloads (``/download/…``) and the
vendored static files (``/static/…``). Served by uvicorn (``townsgis serve``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from townsgis import __version__
from townsgis.project import Project
from townsgis.web import api_layout, api_proposals, api_review, api_site, downloads, errors, pages
from townsgis.web.security import LOCAL_HOSTS, GuardMiddleware
from townsgis.web.state import DEFAULT_MAX_UPLOAD_MB, InputCache, Settings

HERE = Path(__file__).resolve().parent
VENDOR = HERE.parent / "_vendor" / "web"


def create_app(
    project: Project | None = None,
    *,
    lang: str = "zh",
    token: str | None = None,
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB,
    local_only: bool = True,
) -> FastAPI:
    """The workbench for ``project`` (default: the bundled Huzhou sample, read-only).

    ``token``: required on every request when given. ``local_only``: serve only requests
    addressed to a localhost name (the default without a token: no DNS rebinding)."""
    project = project or Project.open(None)
    settings = Settings(
        project=project,
        lang=lang if lang in ("zh", "en") else "zh",
        token=token or None,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        allowed_hosts=LOCAL_HOSTS if local_only else None,
    )
    app = FastAPI(
        title="townsgis workbench API",
        version=__version__,
        description="Site verdicts, layout check, capacity, feasible area, progress and "
        "proposals of a townsgis project. JSON shapes are those of the CLI's --format json.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.inputs = InputCache(project)
    app.state.memo = api_layout._Memo()
    errors.install(app)
    for module in (api_site, api_layout, api_proposals, api_review, downloads, pages):
        app.include_router(module.router)
    app.mount("/static/app", StaticFiles(directory=HERE / "static"), name="static-app")
    app.mount("/static/vendor", StaticFiles(directory=VENDOR), name="static-vendor")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_docs_html())

    app.add_middleware(GuardMiddleware, settings=settings)
    return app


def _docs_html() -> str:
    """A plain, offline pointer to the API document (Swagger UI would load from a CDN)."""
    return (
        "<!doctype html><meta charset=utf-8><title>townsgis API</title>"
        "<h1>townsgis API</h1><p>OpenAPI document: <a href=/openapi.json>/openapi.json</a></p>"
    )
