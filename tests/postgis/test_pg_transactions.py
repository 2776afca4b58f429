"""Writes to a PostGIS project are transactions, tested with real processes: a process killed
in the middle of an import leaves the old layer, and concurrent writers lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas.testing as gt

from townsgis.store.postgis import open_store

# Starts replacing the towns layer, stops half-way through the inserts (after the old rows
# are deleted), says so in a file, and waits to be killed.
KILLED_IMPORT = """
import sys, time
from pathlib import Path
from townsgis.store import pgtables
from townsgis.store.postgis import open_store

url, flag = sys.argv[1], Path(sys.argv[2])
real = pgtables.insert_frame

def half_then_hang(conn, table, gdf, specs):
    real(conn, table, gdf.iloc[: len(gdf) // 2], specs)
    flag.write_text("half")
    time.sleep(600)

pgtables.insert_frame = half_then_hang
store = open_store(url)
towns = store.read_layer("towns")
store.write_layer("towns", towns.assign(name_zh="半途"), "replace")
"""

# Saves 50 proposals one by one (append), each its own transaction, starting at a barrier.
SAVER = """
import sys, time
from pathlib import Path
from townsgis.store.postgis import open_store

url, tag, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
store = open_store(url)
base = store.read_layer("proposals").iloc[[0]]
while not go.exists():
    time.sleep(0.01)
for i in range(50):
    row = base.copy()
    row["proposal_id"] = f"{tag}-{i:02d}"
    row["name_zh"] = f"{tag} 提案 {i}"
    store.write_layer("proposals", row, "append", reason=f"save {tag}-{i:02d}")
print("done", tag)
"""


def _script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_killed_import_leaves_the_old_layer(pg_project, tmp_path):
    store = open_store(pg_project)
    before = store.read_layer("towns")
    flag = tmp_path / "half"
    script = _script(tmp_path, "killed.py", KILLED_IMPORT)
    proc = subprocess.Popen([sys.executable, str(script), pg_project, str(flag)])
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert proc.poll() is None, "the importing process ended before the kill"
            assert time.monotonic() < deadline, "the import never got half-way"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    after = open_store(pg_project).read_layer("towns")
    gt.assert_geodataframe_equal(before, after)
    assert open_store(pg_project).history("towns") == []  # nothing of the killed write stayed
    # the lock died with the process: the next write goes through
    open_store(pg_project).write_layer("towns", before.assign(name_en="next"), "replace")
    assert (open_store(pg_project).read_layer("towns")["name_en"] == "next").all()


def test_two_processes_saving_50_proposals_each_lose_none(pg_project, tmp_path):
    """Acceptance: 100 proposals stored, none lost or duplicated."""
    start = len(open_store(pg_project).read_layer("proposals"))
    go = tmp_path / "go"
    script = _script(tmp_path, "saver.py", SAVER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), pg_project, tag, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    time.sleep(1.0)  # both connected and waiting
    go.write_text("go")
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    ids = open_store(pg_project).read_layer("proposals")["proposal_id"].tolist()
    saved = [i for i in ids if i[:2] in ("A-", "B-")]
    assert len(ids) == start + 100
    assert len(saved) == 100 and len(set(saved)) == 100
    expected = {f"{t}-{i:02d}" for t in "AB" for i in range(50)}
    assert set(saved) == expected
    # every save kept the version it replaced: 100 versions, numbered 1..100 without gaps
    versions = [v.version for v in open_store(pg_project).history("proposals")]
    assert versions == list(range(1, 101))


# The web workbench's save (townsgis.proposals.add_proposal): validated, next free PR-nn id,
# appended under the store's lock.
ADDER = """
import sys, time
from pathlib import Path
import shapely
from townsgis.project import Project
from townsgis.proposals import add_proposal

url, tag, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
project = Project.open(url)
while not go.exists():
    time.sleep(0.01)
for i in range(50):
    add_proposal(
        project,
        shapely.Point(120.0 + i * 0.002, 30.62),
        name=f"{tag} 提案 {i}",
        category="manufacturing",
        level="municipal",
        submitter=tag,
    )
print("done", tag)
"""


def test_two_processes_adding_50_proposals_each_get_100_distinct_ids(pg_project, tmp_path):
    start = open_store(pg_project).read_layer("proposals")
    go = tmp_path / "go"
    script = _script(tmp_path, "adder.py", ADDER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), pg_project, tag, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("甲", "乙")
    ]
    time.sleep(1.0)
    go.write_text("go")
    for p in procs:
        _out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err
    after = open_store(pg_project).read_layer("proposals")
    added = after.iloc[len(start) :]
    assert len(after) == len(start) + 100
    assert added["proposal_id"].is_unique and not set(added["proposal_id"]) & set(
        start["proposal_id"]
    )
    assert sorted(added["submitter"].value_counts().tolist()) == [50, 50]
