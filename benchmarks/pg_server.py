"""A throwaway PostgreSQL + PostGIS cluster for benchmarks: the tests' own
``scripts/pg_test_cluster.sh`` (initdb in a temporary folder, Unix socket only, run as the
``postgres`` user when started by root), stopped and removed on exit.

    with pg_server() as url:      # None, with the reason printed, when it cannot start
        psycopg.connect(url)
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg_test_cluster.sh"


@contextlib.contextmanager
def pg_server() -> Iterator[str | None]:
    """Yield the libpq URL of a fresh cluster with PostGIS, or None when none can start (the
    reason is printed)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print("PostGIS: psycopg is not installed (pip install -e '.[dev]')")
        yield None
        return
    # short path: a Unix socket path must stay under ~100 bytes
    tmp = tempfile.mkdtemp(prefix="tgbench-", dir="/tmp")
    res = subprocess.run(
        ["bash", str(SCRIPT), "start", tmp], capture_output=True, text=True, timeout=300
    )
    if res.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"PostGIS: no server could be started ({SCRIPT.name}): {res.stderr.strip()[-300:]}")
        yield None
        return
    try:
        yield res.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", tmp], capture_output=True, timeout=120)
