"""Request guards: allowed host names, the access token, and CSRF for state-changing requests.

- Host: bound to localhost without a token, only localhost host names are served (a DNS
  rebinding page cannot reach the workbench).
- Token: when the server has one (required for any address but localhost), every request
  carries it: ``Authorization: Bearer T``, header ``X-Townsgis-Token``, the cookie set after
  opening ``/?token=T`` once, or the ``token`` query parameter.
- CSRF: POST/PUT/PATCH/DELETE need header ``X-CSRF-Token`` equal to the server's CSRF token
  (in every page, and from ``GET /api/session``), and an ``Origin``, when sent, of this host.
  A cross-site form cannot set a header; a cross-site script cannot read the token.
- Size: a request body larger than the upload limit (+1 MB of form fields) is refused with
  413 from its Content-Length, or as soon as that many bytes have arrived.
"""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from townsgis.web.state import Settings
from townsgis.web.texts import LANGS, t

TOKEN_COOKIE = "townsgis_token"
LANG_COOKIE = "townsgis_lang"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_MARGIN = 1024 * 1024  # form fields and multipart framing around an upload
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is no cookie
        return {}
    return {k: m.value for k, m in jar.items()}


def scope_lang(scope, default: str) -> str:
    """The user's language: ``?lang=``, else the language cookie, else the server's."""
    qs = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    lang = (qs.get("lang") or [None])[0]
    if lang in LANGS:
        return lang
    cookie = _cookies(_headers(scope)).get(LANG_COOKIE)
    return cookie if cookie in LANGS else default


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class GuardMiddleware:
    """ASGI middleware applying the host, token and CSRF checks to every HTTP request."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        s = self.settings
        headers = _headers(scope)
        lang = scope_lang(scope, s.lang)
        host = headers.get("host", "")
        if s.allowed_hosts is not None and _host_name(host).lower() not in s.allowed_hosts:
            return await _deny(send, 400, "host", t("err_host", lang, host=host[:100]))
        set_cookie = None
        if s.token:
            qs = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given_query = (qs.get("token") or [None])[0]
            auth = headers.get("authorization", "")
            candidates = [
                auth[7:].strip() if auth.lower().startswith("bearer ") else None,
                headers.get("x-townsgis-token"),
                _cookies(headers).get(TOKEN_COOKIE),
                given_query,
            ]
            if not any(_same(c, s.token) for c in candidates):
                return await _deny(send, 401, "token", t("err_token", lang))
            if _same(given_query, s.token):
                set_cookie = (
                    f"{TOKEN_COOKIE}={s.token}; Path=/; HttpOnly; SameSite=Strict"
                ).encode("latin-1")
        if scope["method"] not in SAFE_METHODS:
            limit = s.max_upload_bytes + BODY_MARGIN
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                mb = s.max_upload_bytes // (1024 * 1024)
                return await _deny(send, 413, "too_large", t("err_too_large", lang, limit=mb))
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
                return await _deny(send, 403, "csrf", t("err_csrf", lang))
            if not _same(headers.get(CSRF_HEADER), s.csrf_token):
                return await _deny(send, 403, "csrf", t("err_csrf", lang))
            too_large = t("err_too_large", lang, limit=f"{s.max_upload_bytes / 1048576:.3g}")
            return await _bounded(self.app, scope, receive, send, limit, too_large)
        if set_cookie is None:
            return await self.app(scope, receive, send)

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (b"set-cookie", set_cookie)
                ]
            await send(message)

        return await self.app(scope, receive, send_with_cookie)


async def _bounded(app, scope, receive, send, limit: int, message: str) -> None:
    """Run ``app`` with a request body bounded to ``limit`` bytes: a body (chunked, or
    longer than it said) that goes past it gets a 413 at once, and the app sees the client
    leave, before a multipart parser could spool the rest to disk."""
    seen = 0
    refused = False

    async def bounded_receive():
        nonlocal seen, refused
        msg = await receive()
        if msg.get("type") == "http.request" and not refused:
            seen += len(msg.get("body", b""))
            if seen > limit:
                refused = True
                await _deny(send, 413, "too_large", message)
                return {"type": "http.disconnect"}
        return msg

    async def guarded_send(msg):
        if not refused:
            await send(msg)

    try:
        await app(scope, bounded_receive, guarded_send)
    except Exception:
        if not refused:
            raise


async def _deny(send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
