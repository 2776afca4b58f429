"""The test server itself: reachable, with PostGIS 3, and a fresh schema per test."""

from __future__ import annotations

import psycopg


def test_server_has_postgis_3(pg_dsn):
    with psycopg.connect(pg_dsn) as conn:
        version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
    assert int(version.split(".")[0]) >= 3


def test_pg_url_names_a_fresh_schema(pg_url):
    assert "schema=t_" in pg_url
