"""Adding one proposed site to a project's proposals layer, safely under concurrency.

The new feature goes through the same schema check as ``townsgis import proposals``
(``schema.validate_layer`` against the project's units and region) and is written through
the project's store in ``append`` mode (atomic, the previous layer kept in its history).
The read–modify–write runs under the store's lock on the proposals (an ``flock`` on
``layers/.proposals.lock`` in a folder, an advisory lock in PostGIS), so two saves at the
same moment both land, each with its own id. Geometries are WGS84 (EPSG:4326); ``area_km2``
is in km².
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Iterator

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from townsgis.crs import WGS84
from townsgis.project import Project
from townsgis.store import read_only_error

_THREAD_LOCK = threading.Lock()
ID_PREFIX = "PR-"


@contextlib.contextmanager
def proposals_lock(project: Project) -> Iterator[None]:
    """Exclusive access to the project's proposals layer (threads and processes; for a
    PostGIS project every process on every machine): the store's lock."""
    with _THREAD_LOCK, project.store.lock("proposals"):
        yield


def next_id(ids: list[str]) -> str:
    """The next free ``PR-nn`` id after the highest one in ``ids``."""
    nums = [int(m.group(1)) for i in ids if (m := re.fullmatch(r"PR-(\d+)", str(i)))]
    return f"{ID_PREFIX}{max(nums, default=0) + 1:02d}"


def add_proposal(
    project: Project,
    geometry: BaseGeometry,
    *,
    name: str,
    category: str,
    level: str,
    area_km2: float | None = None,
    note: str | None = None,
    submitter: str | None = None,
    now: dt.datetime | None = None,
) -> dict:
    """Append one proposal (a WGS84 point or polygon) to the project's proposals layer.

    Returns the saved feature's properties (with its new ``proposal_id``). Raises
    ``SchemaError`` naming the problem, as ``import`` does, and leaves the layer unchanged;
    ``ProjectError`` for a read-only project.
    """
    from townsgis.siting.sites import proposals_frame

    store = project.store
    if store.read_only:
        raise read_only_error(store.location, "the proposals layer")
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    with proposals_lock(project):
        old = store.read_layer("proposals") if store.has_layer("proposals") else None
        ids = [] if old is None or "proposal_id" not in old else old["proposal_id"].tolist()
        row = {
            "proposal_id": next_id([str(i) for i in ids]),
            "name_zh": name,
            "category": category,
            "level": level,
            "area_km2": area_km2,
            "note": note or None,
            "submitter": submitter or None,
            "submitted_at": stamp,
        }
        new = gpd.GeoDataFrame([row], geometry=[geometry], crs=WGS84)
        units = store.read_layer("units")
        source = store.layer_source("proposals")
        # the same schema, default footprint and unit containment as import and site --file
        clean = proposals_frame(project, units, new, source)
        store.write_layer(
            "proposals",
            clean,
            mode="append",
            reason=f"serve: proposal {row['proposal_id']} by {submitter or '?'}",
        )
    return {k: v for k, v in row.items() if v is not None}
