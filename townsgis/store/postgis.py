"""The PostGIS store: a project in one schema of a PostgreSQL database (``townsgis.store``
describes the interface; the folder store is the default).

Tables of a project schema:

- one table per layer (``towns``, ``units``, ``projects``, ``proposals``, ``city`` …): typed
  attribute columns, ``geometry`` (WGS84, EPSG:4326) with a GiST index (``pgtables``);
- ``townsgis_layers``: per layer its column dtypes and last change;
- ``townsgis_documents``: the documents byte for byte (``settings`` = townsgis.toml,
  ``waivers``, ``indicators``, ``assessment``, ``rules/<id>`` rule sets);
- ``townsgis_history``: every replaced version of a layer (as GeoJSON) or document.

Every write is one transaction holding a per-layer advisory lock: it lands whole or not at
all (a killed process leaves the old layer), and concurrent writers of a layer queue behind
each other instead of losing each other's updates.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from psycopg import sql
from psycopg.types.json import Jsonb

from townsgis.errors import ProjectError
from townsgis.messages import register
from townsgis.store import (
    DOCUMENTS,
    Version,
    check_log,
    check_mode,
    merge_layers,
    missing_layer,
    now_utc,
)
from townsgis.store import pgtables as pt
from townsgis.store.pgconn import PgTarget, connect, db_error, parse_url

if TYPE_CHECKING:
    import geopandas as gpd
    import psycopg

_DOC_FILES = {
    "waivers": "waivers.toml",
    "indicators": "indicators.csv",
    "assessment": "assessment.csv",
    "settings": "townsgis.toml",
}
# documents also kept as plain, queryable tables of the same name (read-only copies)
MIRRORED = ("waivers", "indicators", "assessment")
_LAYER = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
_RULESET = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")

register(
    {
        "pg.no_project": (
            "{where}：模式 {schema!r} 中没有 townsgis 项目；"
            "用 `townsgis init --store {where}` 创建",
            "{where}: no townsgis project in schema {schema!r}; create one with "
            "`townsgis init --store {where}`",
        ),
        "pg.exists": ("{where}：已是一个 townsgis 项目", "{where}: already a townsgis project"),
        "pg.no_postgis": (
            "{where}：该数据库未安装 PostGIS（CREATE EXTENSION postgis，或由有权限的用户运行 "
            "`townsgis init --store`）",
            "{where}: PostGIS is not installed in this database (CREATE EXTENSION postgis, or "
            "run `townsgis init --store` as a user allowed to)",
        ),
        "pg.cannot_postgis": (
            "{where}：该数据库没有 PostGIS，且无法启用：{reason}",
            "{where}: PostGIS is not available in this database and cannot be enabled: {reason}",
        ),
    }
)

_DDL = """
CREATE TABLE IF NOT EXISTS townsgis_layers (
    kind text PRIMARY KEY,
    columns jsonb NOT NULL,
    has_z boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS townsgis_documents (
    name text PRIMARY KEY,
    data bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS townsgis_history (
    name text NOT NULL,
    version integer NOT NULL,
    saved_at text NOT NULL,
    reason text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    count integer,
    data bytea NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS townsgis_log (
    name text NOT NULL,
    seq bigserial PRIMARY KEY,
    entry jsonb NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS townsgis_log_name ON townsgis_log (name, seq);
CREATE OR REPLACE VIEW townsgis_reviews AS
SELECT seq,
       entry ->> 'proposal_id' AS proposal_id,
       entry ->> 'state' AS state,
       entry ->> 'actor' AS actor,
       (entry ->> 'at')::timestamptz AS at,
       entry ->> 'reason' AS reason,
       entry #>> '{verdict,ruleset_id}' AS ruleset_id,
       entry #>> '{verdict,ruleset_version}' AS ruleset_version,
       entry #>> '{verdict,verdict}' AS verdict,
       entry #>> '{verdict,fingerprint}' AS fingerprint
FROM townsgis_log WHERE name = 'reviews';
"""


def open_store(url: str) -> PostgisStore:
    """The project in the schema ``url`` names (``postgresql://USER@HOST/DB?schema=NAME``);
    ProjectError when the server cannot be reached or the schema holds no project."""
    store = PostgisStore(parse_url(url))
    if not store.exists():
        raise ProjectError.of("pg.no_project", where=store.location, schema=store.schema)
    return store


def create_store(url: str) -> PostgisStore:
    """An empty project schema (PostGIS enabled, tables created) for ``init --store``;
    ProjectError when the schema already holds a project."""
    store = PostgisStore(parse_url(url))
    if store.exists():
        raise ProjectError.of("pg.exists", where=store.location)
    store.create()
    return store


class PostgisStore:
    """A project kept in schema ``target.schema`` of a PostgreSQL/PostGIS database."""

    read_only = False

    def __init__(self, target: PgTarget):
        self.target = target
        self.schema = target.schema
        self.location = target.display
        self._conn: psycopg.Connection | None = None
        self._lock = threading.RLock()

    # --- connection ----------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self, *, postgis: bool = True) -> Iterator[psycopg.Connection]:
        """The connection (opened on first use); database errors become one ProjectError."""
        import psycopg

        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    conn = connect(self.target)
                    try:
                        self._set_path(conn, postgis)
                    except BaseException:
                        conn.close()
                        raise
                    self._conn = conn
                yield self._conn
            except psycopg.Error as exc:
                if self._conn is not None and self._conn.broken:
                    self._conn = None
                raise db_error(self.target, exc) from None

    def _set_path(self, conn: psycopg.Connection, postgis: bool) -> None:
        row = conn.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'"
        ).fetchone()
        if row is None and postgis:
            raise ProjectError.of("pg.no_postgis", where=self.location)
        path = [sql.Identifier(self.schema)] + ([sql.Identifier(row[0])] if row else [])
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.SQL(", ").join(path)))

    def close(self) -> None:
        """Close the connection (a later call opens a new one)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextlib.contextmanager
    def _write(self, name: str) -> Iterator[psycopg.Connection]:
        """One transaction holding the advisory lock of ``name`` in this schema."""
        with self._db() as conn, conn.transaction():
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"townsgis:{self.schema}:{name}",),
            )
            yield conn

    def exists(self) -> bool:
        """True when the schema holds a townsgis project (its settings document)."""
        with self._db(postgis=False) as conn:
            reg = conn.execute(
                "SELECT to_regclass(%s)", (f'"{self.schema}".townsgis_documents',)
            ).fetchone()[0]
            if reg is None:
                return False
            row = conn.execute(
                "SELECT 1 FROM townsgis_documents WHERE name = 'settings'"
            ).fetchone()
            return row is not None

    def create(self) -> None:
        """Enable PostGIS if needed, create the schema and the store's tables."""
        import psycopg

        with self._db(postgis=False) as conn:
            try:
                with conn.transaction():
                    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except psycopg.Error as exc:
                raise ProjectError.of(
                    "pg.cannot_postgis", where=self.location, reason=" ".join(str(exc).split())
                ) from None
            with conn.transaction():
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
                )
            self._set_path(conn, True)
            with conn.transaction():
                conn.execute(_DDL)

    # --- layers --------------------------------------------------------------------
    def has_layer(self, kind: str) -> bool:
        _check_layer(kind)
        with self._db() as conn:
            row = conn.execute("SELECT 1 FROM townsgis_layers WHERE kind = %s", (kind,))
            return row.fetchone() is not None

    def read_layer(self, kind: str) -> gpd.GeoDataFrame:

        _check_layer(kind)
        with self._db() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            gdf = self._read(conn, kind)
        if gdf is None:
            raise missing_layer(self.layer_source(kind), kind)
        gdf.attrs.update(source=self.layer_source(kind), notes=[], row_word="feature", row_base=1)
        return gdf

    def _read(self, conn: psycopg.Connection, kind: str) -> gpd.GeoDataFrame | None:
        row = conn.execute("SELECT columns FROM townsgis_layers WHERE kind = %s", (kind,))
        meta = row.fetchone()
        return None if meta is None else pt.read_frame(conn, kind, meta[0])

    def write_layer(
        self, kind: str, gdf: gpd.GeoDataFrame, mode: str = "replace", *, reason: str = ""
    ) -> Version | None:
        import shapely

        from townsgis.layers import WGS84

        check_mode(mode)
        _check_layer(kind)
        out = gdf if gdf.crs is None or gdf.crs.equals(WGS84) else gdf.to_crs(WGS84)
        with self._write(kind) as conn:
            old = self._read(conn, kind)
            merged = merge_layers(old, out, mode, kind)
            specs = pt.column_specs(merged, self.layer_source(kind))
            has_z = bool(shapely.has_z(merged.geometry.values).any())
            kept = None
            if old is not None:
                data = _geojson_bytes(old)
                why = reason or f"write {kind} --mode {mode}"
                kept = self._keep(conn, kind, data, why, len(old))
            meta = conn.execute(
                "SELECT columns, has_z FROM townsgis_layers WHERE kind = %s", (kind,)
            ).fetchone()
            table = sql.Identifier(kind)
            if meta is not None and meta[0] == specs and meta[1] == has_z:
                conn.execute(sql.SQL("DELETE FROM {}").format(table))
            else:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
                pt.create_table(conn, kind, specs, has_z=has_z)
            pt.insert_frame(conn, kind, merged, specs)
            conn.execute(
                "INSERT INTO townsgis_layers (kind, columns, has_z, updated_at) "
                "VALUES (%s, %s, %s, now()) ON CONFLICT (kind) DO UPDATE SET "
                "columns = EXCLUDED.columns, has_z = EXCLUDED.has_z, updated_at = now()",
                (kind, Jsonb(specs), has_z),
            )
        return kept

    def layer_source(self, kind: str) -> str:
        return f"{self.location} table {self.schema}.{kind}"

    def layer_stamp(self, kind: str) -> float | None:
        return self._stamp("townsgis_layers", "kind", kind)

    def _stamp(self, table: str, key: str, name: str) -> float | None:
        with self._db() as conn:
            row = conn.execute(
                sql.SQL("SELECT extract(epoch FROM updated_at) FROM {} WHERE {} = %s").format(
                    sql.Identifier(table), sql.Identifier(key)
                ),
                (name,),
            ).fetchone()
        return None if row is None else float(row[0])

    # --- documents -----------------------------------------------------------------
    def read_document(self, name: str) -> bytes | None:
        _check_document(name)
        with self._db() as conn:
            row = conn.execute(
                "SELECT data FROM townsgis_documents WHERE name = %s", (name,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def write_document(self, name: str, data: bytes, *, reason: str = "") -> Version | None:
        _check_document(name)
        with self._write(name) as conn:
            row = conn.execute(
                "SELECT data FROM townsgis_documents WHERE name = %s", (name,)
            ).fetchone()
            kept = None
            if row is not None:
                kept = self._keep(conn, name, bytes(row[0]), reason or f"write {name}", None)
            conn.execute(
                "INSERT INTO townsgis_documents (name, data, updated_at) VALUES (%s, %s, now()) "
                "ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data, updated_at = now()",
                (name, bytes(data)),
            )
            if name in MIRRORED:
                comment = (
                    f"Read-only copy of the project document {name} ({_DOC_FILES[name]}), "
                    "refreshed by townsgis on every write; change it with townsgis."
                )
                frame = _mirror_frame(name, bytes(data), self.document_source(name))
                pt.replace_plain_table(conn, name, frame, comment)
        return kept

    def document_source(self, name: str) -> str:
        """``URL document waivers.toml``: the name ends as the folder store's file does, so
        loaders that go by the suffix (.csv, .toml) read it the same way."""
        file = _DOC_FILES.get(name, f"{name}.toml")
        return f"{self.location} document {file}"

    def document_stamp(self, name: str) -> float | None:
        """Last change of document ``name``, seconds since the epoch."""
        return self._stamp("townsgis_documents", "name", name)

    def rulesets(self) -> list[str]:
        with self._db() as conn:
            rows = conn.execute(
                "SELECT substr(name, 7) FROM townsgis_documents WHERE name LIKE 'rules/%%' "
                "ORDER BY name"
            ).fetchall()
        return [r[0] for r in rows]

    # --- locks and logs --------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Exclusive access to ``name`` for every process using this project (a session
        advisory lock, released on exit or when the connection drops) and every thread using
        this store object."""
        key = f"townsgis:{self.schema}:lock:{name}"
        with self._lock, self._db() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))

    # --- logs ----------------------------------------------------------------------
    def read_log(self, name: str) -> list[dict]:
        check_log(name)
        with self._db() as conn:
            rows = conn.execute(
                "SELECT entry FROM townsgis_log WHERE name = %s ORDER BY seq", (name,)
            ).fetchall()
        return [r[0] for r in rows]

    def append_log(self, name: str, entry: dict, *, check=None) -> list[dict]:
        check_log(name)
        with self._write(f"log:{name}") as conn:
            rows = conn.execute(
                "SELECT entry FROM townsgis_log WHERE name = %s ORDER BY seq", (name,)
            ).fetchall()
            before = [r[0] for r in rows]
            if check is not None:
                check(before)
            conn.execute(
                "INSERT INTO townsgis_log (name, entry) VALUES (%s, %s)",
                (name, Jsonb(entry, dumps=_dumps)),
            )
        return before

    # --- history -------------------------------------------------------------------
    def history(self, name: str | None = None) -> list[Version]:
        if name is not None:
            _check_name(name)
        with self._db() as conn:
            rows = conn.execute(
                "SELECT name, version, saved_at, reason, size, sha256, count "
                "FROM townsgis_history WHERE %s::text IS NULL OR name = %s "
                "ORDER BY name, version",
                (name, name),
            ).fetchall()
        return [Version(*r) for r in rows]

    def restore(self, name: str, version: int | None = None) -> Version:
        _check_name(name)
        kept = self.history(name)
        if not kept:
            raise ProjectError.of("store.no_versions", name=name, where=self.location)
        chosen = (
            kept[-1] if version is None else next((v for v in kept if v.version == version), None)
        )
        if chosen is None:
            known = ", ".join(str(v.version) for v in kept)
            raise ProjectError.of("store.no_such_version", name=name, version=version, known=known)
        with self._db() as conn:
            data = bytes(
                conn.execute(
                    "SELECT data FROM townsgis_history WHERE name = %s AND version = %s",
                    (name, chosen.version),
                ).fetchone()[0]
            )
        why = f"restore of version {chosen.version}"
        if _is_document(name):
            self.write_document(name, data, reason=why)
        else:
            self.write_layer(name, _geojson_frame(data, name), "replace", reason=why)
        return chosen

    def _keep(
        self, conn: psycopg.Connection, name: str, data: bytes, reason: str, count: int | None
    ) -> Version:
        """Record ``data`` (the version being replaced) in the history, inside the caller's
        transaction (which holds ``name``'s lock)."""
        n = conn.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM townsgis_history WHERE name = %s", (name,)
        ).fetchone()[0]
        ver = Version(
            name=name,
            version=int(n),
            saved_at=now_utc(),
            reason=reason,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            count=count,
        )
        conn.execute(
            "INSERT INTO townsgis_history (name, version, saved_at, reason, size, sha256, count, "
            "data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (name, ver.version, ver.saved_at, reason, ver.size, ver.sha256, count, data),
        )
        return ver


# --------------------------------------------------------------------------------------
def _is_document(name: str) -> bool:
    return name in DOCUMENTS or name.startswith("rules/")


def _check_name(name: str) -> None:
    (_check_document if _is_document(name) else _check_layer)(name)


def _check_layer(kind: str) -> None:
    if not _LAYER.match(kind) or kind.startswith("townsgis_") or kind in DOCUMENTS:
        raise ProjectError.of("store.bad_layer_name", name=kind)


def _check_document(name: str) -> None:
    head, _, rid = name.partition("/")
    if name in DOCUMENTS or (head == "rules" and _RULESET.match(rid)):
        return
    raise ProjectError.of("store.unknown_document", name=name, known=", ".join(DOCUMENTS))


def _mirror_frame(name: str, data: bytes, source: str):
    """The document as a table (indicators/assessment: the CSV's columns, types inferred;
    waivers: one row per waiver), or None when it cannot be read (its loader says why when
    it is used)."""
    import io

    import pandas as pd

    from townsgis.errors import TownsgisError

    try:
        if name == "waivers":
            from townsgis.waivers import parse_waivers

            rows = [
                {**w.to_dict(), "towns": ",".join(w.towns), "expires": w.expires}
                for w in parse_waivers(data, source)
            ]
            cols = ["rule", "towns", "unit", "reason", "document", "expires", "sample"]
            return pd.DataFrame(rows, columns=cols)
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    except (TownsgisError, ValueError, UnicodeDecodeError):
        return None


def _dumps(v) -> str:
    import json

    return json.dumps(v, ensure_ascii=False)


def _geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """A layer as the GeoJSON file the folder store would hold (history versions)."""
    from townsgis.layers import write_layer

    with tempfile.TemporaryDirectory(prefix="townsgis-") as tmp:
        path = Path(tmp) / "layer.geojson"
        write_layer(gdf, path)
        return path.read_bytes()


def _geojson_frame(data: bytes, name: str) -> gpd.GeoDataFrame:
    """A kept GeoJSON version read back as a layer (WGS84)."""
    from townsgis.layers import read_layer

    with tempfile.TemporaryDirectory(prefix="townsgis-") as tmp:
        path = Path(tmp) / f"{name}.geojson"
        path.write_bytes(data)
        return read_layer(path)
