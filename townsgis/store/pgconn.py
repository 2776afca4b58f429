"""Connecting to a PostGIS project: ``postgresql://USER@HOST/DB?schema=NAME``.

The URL follows libpq's conventions (``postgresql://`` or ``postgres://``; host, port, user,
database, and query parameters such as ``host=/run/postgresql`` or ``sslmode``); whatever it
leaves out comes from the environment (PGHOST, PGPORT, PGUSER, PGDATABASE, …) and the password
from the password file (``~/.pgpass``, PGPASSFILE) or PGPASSWORD. ``schema`` (townsgis's own
parameter, default ``townsgis``) names the schema that holds the project.

A password given in the URL is used to connect and nowhere else: ``display`` (what messages,
maps and logs show) never contains it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from townsgis.errors import ProjectError
from townsgis.messages import register

register(
    {
        "pg.not_url": (
            "{where}：不是 PostgreSQL 连接地址；请用 postgresql://用户@主机/数据库?schema=模式名",
            "{where}: not a PostgreSQL URL; use postgresql://USER@HOST/DB?schema=NAME",
        ),
        "pg.bad_schema": (
            "{where}：模式名 {schema!r} 不合规（字母、数字和 _，不以数字开头，最多 63 个）",
            "{where}: schema {schema!r} is not a plain name (letters, digits and _, at most "
            "63, not starting with a digit)",
        ),
        "pg.bad_url": (
            "{where}：连接地址无效：{reason}",
            "{where}: not a valid connection URL: {reason}",
        ),
        "pg.bad_port": (
            "{where}：端口 {port!r} 不是数字",
            "{where}: port {port!r} is not a number",
        ),
        "pg.connect": (
            "{where}：无法连接 PostgreSQL 服务器：{reason}",
            "{where}: cannot connect to the PostgreSQL server: {reason}",
        ),
        "pg.error": ("{where}：数据库错误：{reason}", "{where}: database error: {reason}"),
    }
)

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
DEFAULT_SCHEMA = "townsgis"
_SCHEMA = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class PgTarget:
    """Where a PostGIS project lives: libpq ``conninfo`` (may hold a password: never show it),
    the ``schema``, and ``display``, the URL without its password."""

    conninfo: str
    schema: str
    display: str
    secret: str | None = None


def parse_url(url: str) -> PgTarget:
    """Split a project URL into libpq conninfo and schema; ProjectError naming the URL (without
    its password) when it is not a usable PostgreSQL URL."""
    import psycopg

    parts = urlsplit(str(url).strip())
    secret = parts.password
    display = _display(parts)
    if parts.scheme.lower() not in SCHEMES:
        raise ProjectError.of("pg.not_url", where=display)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [v for k, v in query if k == "schema"]
    secret = secret or next((v for k, v in query if k == "password"), None)
    schema = schemas[-1] if schemas else DEFAULT_SCHEMA
    if not _SCHEMA.match(schema):
        raise ProjectError.of("pg.bad_schema", where=display, schema=schema)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    conninfo = urlunsplit(parts._replace(query=rest))
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error as exc:
        raise ProjectError.of("pg.bad_url", where=display, reason=_clean(exc, secret)) from None
    port = params.get("port")
    if port is not None and not all(p.strip().isdigit() for p in str(port).split(",")):
        raise ProjectError.of("pg.bad_port", where=display, port=port)
    return PgTarget(conninfo=conninfo, schema=schema, display=display, secret=secret)


def connect(target: PgTarget) -> psycopg.Connection:
    """An autocommit connection (writes use explicit transactions) with ``search_path`` set to
    the project's schema and the schema PostGIS lives in. ProjectError when the server cannot
    be reached or refuses us."""
    import psycopg

    try:
        conn = psycopg.connect(
            target.conninfo,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="townsgis",
        )
    except psycopg.Error as exc:
        raise ProjectError.of(
            "pg.connect", where=target.display, reason=_clean(exc, target.secret)
        ) from None
    return conn


def db_error(target: PgTarget, exc: BaseException) -> ProjectError:
    """One error for a database error, naming the project (never its password)."""
    return ProjectError.of("pg.error", where=target.display, reason=_clean(exc, target.secret))


def _display(parts) -> str:
    """The URL with any password (in the user part or a ``password=`` parameter) removed."""
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="/")))


def _clean(exc: BaseException, secret: str | None) -> str:
    """libpq's message on one line, with the password masked should it ever appear."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return text
