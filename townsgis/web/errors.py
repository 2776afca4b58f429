"""Every bad request becomes a 4xx JSON answer with one message in the user's language.

Shape: ``{"error": {"code": str, "message": str, "problems": [str, ...]}}``. The library's
bad-input errors (``TownsgisError``: the CLI's exit-2 messages) keep their text; nothing
ever answers with a traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from townsgis.errors import SchemaError, TownsgisError
from townsgis.web.security import scope_lang
from townsgis.web.texts import t

log = logging.getLogger("townsgis.web")


class WebError(Exception):
    """A bad request found by the web layer: HTTP ``status`` and a text key of texts.py."""

    def __init__(self, status: int, key: str, **kw):
        super().__init__(key)
        self.status = status
        self.key = key
        self.kw = kw


def request_lang(request: Request) -> str:
    return scope_lang(request.scope, request.app.state.settings.lang)


def error_body(code: str, message: str, problems: list[str] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "problems": problems or []}}


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "form")]
    return ".".join(parts) or "body"


def _reason(err: dict, lang: str) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return t("err_missing", lang, field=_field(err.get("loc", ())))
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type", "finite_number"):
        reason = t("err_number", lang)
    elif kind in ("greater_than", "less_than", "greater_than_equal", "less_than_equal"):
        bound = next((str(v) for k, v in ctx.items() if k in ("gt", "ge", "lt", "le")), "")
        op = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<"}.get(kind, "≤")
        reason = f"{t('err_range', lang)} ({op} {bound})"
    elif kind in ("enum", "literal_error"):
        reason = t("err_choice", lang, choices=ctx.get("expected", ""))
    elif kind == "json_invalid":
        return t("err_json", lang)
    else:
        reason = str(err.get("msg", kind))
    return t("err_param", lang, field=_field(err.get("loc", ())), reason=reason)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a 4xx (or, for a bug, 500) JSON."""

    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError):
        lang = request_lang(request)
        return JSONResponse(error_body(exc.key, t(exc.key, lang, **exc.kw)), exc.status)

    @app.exception_handler(TownsgisError)
    async def _lib(request: Request, exc: TownsgisError):
        lang = request_lang(request)
        problems = list(exc.problems) if isinstance(exc, SchemaError) else []
        detail = exc.render(lang)
        return JSONResponse(
            error_body("bad_input", t("err_bad_input", lang, detail=detail), problems), 400
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        lang = request_lang(request)
        problems = [_reason(e, lang) for e in exc.errors()]
        msg = problems[0] if problems else t("err_json", lang)
        return JSONResponse(error_body("invalid", msg, problems), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        lang = request_lang(request)
        if exc.status_code == 404:
            msg = t("err_not_found", lang, path=request.url.path[:200])
        elif exc.status_code == 405:
            msg = t("err_method", lang)
        elif exc.status_code == 400:  # a body FastAPI could not parse (form, multipart)
            msg = t("err_body", lang)
        else:
            msg = str(exc.detail)
        return JSONResponse(error_body(str(exc.status_code), msg), exc.status_code)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):  # pragma: no cover - a bug
        log.exception("unexpected error on %s", request.url.path)
        lang = request_lang(request)
        return JSONResponse(
            error_body("internal", t("err_internal", lang, kind=type(exc).__name__)), 500
        )
