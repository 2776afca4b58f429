"""A real PostgreSQL + PostGIS server for the tests (pytest plugin, loaded by conftest.py).

``pg_dsn`` (session): the server named by ``TOWNSGIS_TEST_PG_DSN`` (a ``postgresql://`` URL; the
database must have PostGIS or let us create it), else a throwaway cluster on a
Unix socket started by ``scripts/pg_test_cluster.sh`` and stopped at the end of the session.
A test that cannot get a server FAILS; it is never skipped.

``pg_url`` (function): ``postgresql://…?schema=t_…``, a fresh, empty schema of that server for
one test (dropped afterwards), the form ``--project``/``--store`` accept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg_test_cluster.sh"
ENV_DSN = "TOWNSGIS_TEST_PG_DSN"
PREFIX = "tgpg-"
OWNER = "owner.pid"  # the pid of the test session that started the cluster


@pytest.fixture(scope="session")
def pg_dsn():
    """libpq connection URL of a PostgreSQL server with PostGIS, for the whole session."""
    given = os.environ.get(ENV_DSN)
    if given:
        _ensure_postgis(given)
        yield given
        return
    _reap_orphans()
    # short path: a Unix socket path must stay under ~100 bytes
    tmp = tempfile.mkdtemp(prefix=PREFIX, dir="/tmp")
    res = subprocess.run(
        ["bash", str(SCRIPT), "start", tmp], capture_output=True, text=True, timeout=300
    )
    if res.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(
            f"cannot start a PostgreSQL test cluster ({SCRIPT.name} exit {res.returncode}); "
            f"install postgresql + postgis or set {ENV_DSN}:\n{res.stderr}",
            pytrace=False,
        )
    Path(tmp, OWNER).write_text(str(os.getpid()))
    try:
        yield res.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", tmp], capture_output=True, timeout=120)


def _reap_orphans() -> None:
    """Stop the clusters of earlier sessions that were killed before their teardown (their
    owning process is gone); clusters of live sessions are left alone."""
    for folder in Path("/tmp").glob(f"{PREFIX}*"):
        try:
            pid = int(Path(folder, OWNER).read_text())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue  # its session is still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], capture_output=True, timeout=120)


def _ensure_postgis(dsn: str) -> None:
    import psycopg

    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.Error as exc:
        pytest.fail(f"{ENV_DSN}: cannot use that server: {exc}", pytrace=False)


def with_schema(dsn: str, schema: str) -> str:
    """``dsn`` (a postgresql:// URL) with ``schema=NAME`` added to its query."""
    parts = urlsplit(dsn)
    query = "&".join(q for q in (parts.query, urlencode({"schema": schema})) if q)
    return urlunsplit(parts._replace(query=query))


@pytest.fixture
def pg_url(pg_dsn: str):
    """A project URL with a fresh schema of its own; the schema is dropped after the test."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield with_schema(pg_dsn, schema)
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
