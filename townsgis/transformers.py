"""Coordinate transformers built from remembered PROJ pipelines.

``pyproj.Transformer.from_crs`` searches PROJ's database for the operations between two
CRSs: 50-100 ms per pair (WGS84 <-> EPSG:4549 costs ~0.15 s of a 1 s `townsgis site`), every
run. When that search ends in one operation, its PROJ pipeline string says everything
about it, and ``Transformer.from_pipeline`` builds the same transformer from it in ~0.3 ms
(same coordinates, bit for bit). :func:`transformer` remembers such pipelines in this
user's cache (``$XDG_CACHE_HOME/townsgis/proj``, private: ``townsgis.usercache``).

Nothing is remembered when PROJ chose among several operations (it then picks one per point
by its area of use) or the operation reads a grid; the key holds both CRSs' WKT and the
text they were made from (``+approx`` leaves the WKT alone), pyproj's and PROJ's versions,
the stamps of PROJ's data folders (a grid installed changes them), the network setting and
``PROJ_ONLY_BEST_DEFAULT``, so any change there asks PROJ again. The newest ``KEEP``
pipelines are kept. ``TOWNSGIS_NO_CACHE=1`` turns it
off. :func:`use_in_geopandas` makes ``GeoSeries.to_crs`` use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyproj import CRS, Transformer

FORMAT = "2"
#: what pyproj reports as the definition of a transformer choosing among operations
_UNAVAILABLE = "unavailable until proj_trans is called"


def transformer(crs_from: Any, crs_to: Any, always_xy: bool = False, **kwargs) -> Transformer:
    """``Transformer.from_crs(crs_from, crs_to, always_xy=always_xy)`` (memoised per process);
    from its remembered pipeline when PROJ resolved the pair to one operation before."""
    # memoised by the text each CRS was made from too: pyproj's CRS equality and hash
    # ignore PROJ-string options such as ``+approx``
    return _memoised(crs_from, crs_to, always_xy, _srs(crs_from), _srs(crs_to), **kwargs)


def _srs(crs: Any) -> str:
    return crs.srs if isinstance(crs, CRS) else str(crs)


@lru_cache(maxsize=256)
def _memoised(
    crs_from: Any, crs_to: Any, always_xy: bool, _from: str, _to: str, **kwargs
) -> Transformer:
    if kwargs:  # area of interest, accuracy …: PROJ's own choice every time
        return Transformer.from_crs(crs_from, crs_to, always_xy=always_xy, **kwargs)
    record = _record(crs_from, crs_to, always_xy)
    if record is not None:
        try:
            saved = json.loads(record.read_text(encoding="utf-8"))
            return Transformer.from_pipeline(saved["pipeline"])
        except Exception:
            pass
    made = Transformer.from_crs(crs_from, crs_to, always_xy=always_xy)
    if record is not None and _rememberable(made.definition):
        _write(record, {"pipeline": made.definition})
        _prune_records(record)
    return made


transformer.cache_clear = _memoised.cache_clear  # type: ignore[attr-defined]


def _rememberable(definition: str) -> bool:
    """A single operation that reads no grid or file: its pipeline string is all of it."""
    text = str(definition or "")
    return (
        bool(text)
        and text != _UNAVAILABLE
        and not any(word in text for word in ("grids=", "file=", "init="))
    )


def _record(crs_from: Any, crs_to: Any, always_xy: bool) -> Path | None:
    """Where the pipeline of this pair is remembered, or None (cache off or not usable)."""
    if os.environ.get("TOWNSGIS_NO_CACHE"):
        return None
    try:
        from townsgis.usercache import user_cache_folder

        folder = user_cache_folder("proj")
        if folder is None:
            return None
        parts = [
            FORMAT,
            *_proj_setup(),
            *_crs_parts(crs_from),
            *_crs_parts(crs_to),
            bool(always_xy),
        ]
    except Exception:
        return None
    text = json.dumps(parts, ensure_ascii=False)
    return folder / f"{hashlib.blake2b(text.encode('utf-8'), digest_size=16).hexdigest()}.json"


def _crs_parts(crs: Any) -> list:
    """What a CRS is keyed by: its WKT and the text it was made from (PROJ-string options
    such as ``+approx`` change the operation PROJ picks but not the WKT)."""
    crs = CRS.from_user_input(crs)
    return [crs.to_wkt(), crs.srs]


def _proj_setup() -> list:
    """pyproj's and PROJ's versions, the network setting, and each PROJ data folder with
    its stamps (a grid or a new proj.db added there changes them)."""
    import pyproj
    from pyproj.datadir import get_data_dir, get_user_data_dir
    from pyproj.network import is_network_enabled

    folders = [*get_data_dir().split(os.pathsep), get_user_data_dir()]
    stamps = []
    for folder in folders:
        try:
            st = os.stat(folder)
            db = os.stat(os.path.join(folder, "proj.db")) if folder != folders[-1] else None
        except OSError:
            stamps.append([folder, None])
            continue
        dbs = [db.st_size, db.st_mtime_ns] if db is not None else None
        stamps.append([folder, st.st_mtime_ns, st.st_ino, dbs])
    best = os.environ.get("PROJ_ONLY_BEST_DEFAULT")  # PROJ's default for only_best
    return [pyproj.__version__, pyproj.proj_version_str, is_network_enabled(), best, stamps]


#: How many remembered pipelines are kept (the newest): a few pairs per project and setup.
KEEP = 64


def _prune_records(path: Path) -> None:
    """Leave the ``KEEP`` newest remembered pipelines beside ``path`` (failures ignored)."""
    from townsgis.cache import _prune

    with contextlib.suppress(OSError):  # another process pruning too
        _prune(path, KEEP)


def _write(path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` atomically; failures are ignored (an optimisation only)."""
    from townsgis.cache import _write_json

    _write_json(path, data)


def use_in_geopandas() -> None:
    """Make geopandas' ``to_crs`` build its transformers with :func:`transformer` (it keeps
    them in a module-level ``lru_cache`` of ``Transformer.from_crs``; left alone when a
    geopandas version has no such hook)."""
    import geopandas.array as ga

    if callable(getattr(ga, "TransformerFromCRS", None)):
        ga.TransformerFromCRS = transformer
