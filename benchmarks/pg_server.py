"""A throwaway PostgreSQL + PostGIS cluster for benchmarks: initdb in a temporary folder,
listening on a Unix socket only (no TCP), removed on exit. Root cannot run postgres, so as
root the cluster is made and run as the ``postgres`` system user.

    with pg_server() as conninfo:      # None, with the reason printed, when it cannot start
        psycopg.connect(conninfo)
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


@contextlib.contextmanager
def pg_server() -> Iterator[str | None]:
    """Yield a psycopg conninfo of a fresh cluster with PostGIS, or None when none can start
    (the reason is printed)."""
    bindir = _bindir()
    if bindir is None:
        print("PostGIS: no PostgreSQL server binaries (apt-get install postgresql postgis)")
        yield None
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print("PostGIS: psycopg is not installed (pip install -e '.[dev]')")
        yield None
        return
    tmp = tempfile.mkdtemp(prefix="townsgis-pg-")
    user = None
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            print("PostGIS: running as root and there is no 'postgres' user to run the server")
            shutil.rmtree(tmp, ignore_errors=True)
            yield None
            return
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        user = "postgres"

    def run(*cmd: str) -> subprocess.CompletedProcess:
        full = ["runuser", "-u", user, "--", *cmd] if user else list(cmd)
        return subprocess.run(full, capture_output=True, text=True, check=False)

    data = os.path.join(tmp, "data")
    started = False
    try:
        r = run(f"{bindir}/initdb", "-D", data, "-U", "bench", "-A", "trust", "-E", "UTF8")
        if r.returncode:
            print(f"PostGIS: initdb failed: {r.stderr.strip()[:300]}")
            yield None
            return
        opts = f"-c listen_addresses='' -c unix_socket_directories={tmp} -c fsync=off"
        r = run(f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l", f"{tmp}/log", "start")
        if r.returncode:
            print(f"PostGIS: the server did not start: {r.stderr.strip()[:300]}")
            yield None
            return
        started = True
        conninfo = f"host={tmp} dbname=postgres user=bench"
        import psycopg

        with psycopg.connect(conninfo, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION postgis")
            except psycopg.Error as exc:
                print(f"PostGIS: CREATE EXTENSION postgis failed: {exc}")
                yield None
                return
        yield conninfo
    finally:
        if started:
            run(f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(tmp, ignore_errors=True)
