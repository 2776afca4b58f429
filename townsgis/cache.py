"""A project's cache of derived data (``<project>/.cache/``): the city polygon, layers
reprojected to the analysis CRS, layers read and schema-checked, and what rule kinds derive
from them (arrays: ``get_arrays``/``put_arrays``, e.g. the within-unit share of every town).

Every entry is keyed by a hash of what it was derived from (the input files' bytes, the CRS,
townsgis's version and ``FORMAT``), so a changed input gives a new key and the old entry is
never served: there is nothing to invalidate. Entries are Parquet files of GeoArrow (WKB)
tables (pyarrow) written atomically, with a JSON file beside holding the frame's ``attrs``,
CRS and geometry column; a cache that cannot be read or written (read-only project, no
pyarrow, a frame Arrow cannot hold) is skipped silently, and the data is derived as if there
were none.
Set ``TOWNSGIS_NO_CACHE=1`` to bypass it. Only the newest two entries per slot are kept
(the newest few for arrays). A truncated or corrupted entry reads as missing and is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

FORMAT = "3"  # bump when what is cached, or how, changes
CACHE_DIR = ".cache"
_HASHES: dict[tuple, str] = {}


def enabled() -> bool:
    if os.environ.get("TOWNSGIS_NO_CACHE"):
        return False
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


#: A file's hash is remembered on disk only once its mtime and ctime are this old (ns): a
#: later write then moves its ctime past them, so a remembered stat never hides a change.
SETTLED_NS = 2_000_000_000


def file_hash(path: str | Path, memo: Path | None = None) -> str:
    """BLAKE2b of a file's bytes (memoised per path and stat within one process; with
    ``memo``, a folder, also across processes: reused while the file's size, mtime, ctime,
    inode and device are those it was hashed with, as git's index does)."""
    path = Path(path)
    st = path.stat()
    stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]
    where = str(path.resolve())
    memo_key = (where, *stamp)
    if memo_key in _HASHES:
        return _HASHES[memo_key]
    record = None
    if memo is not None:
        name = hashlib.blake2b(where.encode("utf-8"), digest_size=16).hexdigest()
        record = memo / f"{name}.json"
        try:
            saved = json.loads(record.read_text(encoding="utf-8"))
            if saved["stat"] == stamp and saved["path"] == where:
                _HASHES[memo_key] = str(saved["hash"])
                return _HASHES[memo_key]
        except Exception:
            pass
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    _HASHES[memo_key] = h.hexdigest()
    if record is not None and time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) >= SETTLED_NS:
        _write_json(record, {"path": where, "stat": stamp, "hash": _HASHES[memo_key]})
    return _HASHES[memo_key]


def _write_json(path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` atomically; failures are ignored (an optimisation only)."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
        tmp = None
    except Exception:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def key(*parts: object) -> str:
    """A cache key from ``parts`` (file hashes, CRS strings, flags) plus the format version."""
    from townsgis import __version__

    text = json.dumps([FORMAT, __version__, *map(str, parts)], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _prune(path: Path, keep: int, companion: str | None = None) -> None:
    """Leave at most ``keep - 1`` entries of ``path``'s slot besides ``path`` itself (the
    newest; same suffix), with their ``companion`` files (``.json`` attrs)."""
    olds = sorted(
        (p for p in path.parent.glob(f"*{path.suffix}") if p.stem != path.stem),
        key=lambda p: p.stat().st_mtime_ns,
    )
    for old in olds[: max(0, len(olds) - (keep - 1))]:
        if companion:
            old.with_suffix(companion).unlink(missing_ok=True)
        old.unlink(missing_ok=True)


class Cache:
    """The cache folder of one project (``root/.cache``); ``root=None`` disables it."""

    def __init__(self, root: str | Path | None):
        self.dir = Path(root) / CACHE_DIR if root is not None and enabled() else None

    def _path(self, slot: str, k: str, suffix: str = ".parquet") -> Path | None:
        return None if self.dir is None else self.dir / slot / f"{k}{suffix}"

    def _existing(self, slot: str, k: str, suffix: str = ".parquet") -> Path | None:
        """The file of the entry ``slot``/``k`` when there is one, else None."""
        path = self._path(slot, k, suffix)
        return path if path is not None and path.is_file() else None

    def get_arrays(self, slot: str, k: str) -> dict[str, np.ndarray] | None:
        """The numeric arrays kept under ``slot``/``k`` (no pickled objects), or None."""
        path = self._existing(slot, k, ".npz")
        if path is None:
            return None
        try:
            import numpy as np

            with np.load(path, allow_pickle=False) as z:
                return {name: z[name] for name in z.files}
        except Exception:
            return None

    def put_arrays(self, slot: str, k: str, arrays: dict[str, np.ndarray], keep: int = 4) -> None:
        """Keep numeric ``arrays`` under ``slot``/``k`` with the ``keep - 1`` newest other
        entries of the slot (a rule set may hold several rules of one kind). Failures are
        ignored."""
        path = self._path(slot, k, ".npz")
        if path is None:
            return
        tmp = None
        try:
            import numpy as np

            self._prepare(path.parent)
            _prune(path, keep)
            fd, tmp = tempfile.mkstemp(prefix=f".{k}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(tmp, path)
            tmp = None
        except Exception:
            pass
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def hashes_dir(self) -> Path | None:
        """Where input files' hashes are remembered (``file_hash``), or None: no cache."""
        if self.dir is None:
            return None
        try:
            self._prepare(self.dir / "hashes")
        except OSError:
            return None
        return self.dir / "hashes"

    def _prepare(self, folder: Path) -> None:
        """Create ``folder`` and the cache's ``.gitignore`` (the cache is never committed)."""
        folder.mkdir(parents=True, exist_ok=True)
        ignore = self.dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")

    def get(self, slot: str, k: str) -> gpd.GeoDataFrame | None:
        """The frame cached under ``slot``/``k``, or None. ``attrs`` come back too."""
        path = self._existing(slot, k)
        if path is None:
            return None
        try:
            import pyarrow.parquet as pq

            side = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            with pq.ParquetFile(path) as fh:  # not gpd.read_parquet: no pyarrow.dataset
                table = fh.read()
            gdf = _frame(table, side)  # see put: the CRS is kept beside
        except Exception:
            return None
        gdf.attrs = side["attrs"]
        return gdf

    def has(self, slot: str, k: str) -> bool:
        """Whether a frame is cached under ``slot``/``k`` (its footer and attrs readable)."""
        path = self._existing(slot, k)
        if path is None or not path.with_suffix(".json").is_file():
            return False
        try:
            import pyarrow.parquet as pq

            pq.read_metadata(path)
        except Exception:
            return False
        return True

    def column_names(self, slot: str, k: str) -> list[str] | None:
        """The column names of the frame cached under ``slot``/``k`` (from the file's
        schema, nothing read), or None."""
        path = self._existing(slot, k)
        if path is None:
            return None
        try:
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
        except Exception:
            return None
        return [c for c in names if not c.startswith("__index_level_")]

    def get_fields(self, slot: str, k: str) -> pd.DataFrame | None:
        """The columns of the frame cached under ``slot``/``k`` other than its geometry
        columns (read without them), or None."""
        path = self._existing(slot, k)
        if path is None:
            return None
        try:
            import pyarrow.parquet as pq

            with pq.ParquetFile(path) as pf:
                schema = pf.schema_arrow
                columns = [f.name for f in schema if not _is_wkb(f.type)]
                columns = [c for c in columns if not c.startswith("__index_level_")]
                table = pf.read(columns=columns, use_pandas_metadata=True)
            return table.to_pandas()
        except Exception:
            return None

    def get_rows(
        self, slot: str, k: str, column: str, values: set[str], extra: tuple[str, str]
    ) -> gpd.GeoDataFrame | None:
        """The rows of the frame cached under ``slot``/``k`` whose ``column`` (as text) is
        one of ``values`` or whose ``extra[0]`` column equals ``extra[1]``, in file order,
        with their positions in the frame as index: only the Parquet row groups holding them
        are read (``put(row_group_size=...)``). None when the entry is missing or unreadable."""
        path = self._existing(slot, k)
        if path is None:
            return None
        try:
            import numpy as np
            import pyarrow.parquet as pq

            side = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            with pq.ParquetFile(path) as pf:
                keys = pf.read(columns=[column, extra[0]])
                ids = keys.column(column).to_pandas().astype(str).to_numpy()
                other = (keys.column(extra[0]).to_pandas() == extra[1]).to_numpy(dtype=bool)
                at = np.flatnonzero(np.isin(ids, list(values)) | other)
                sizes = [pf.metadata.row_group(i).num_rows for i in range(pf.num_row_groups)]
                start = np.cumsum([0, *sizes])
                group = np.searchsorted(start, at, side="right") - 1
                groups = np.unique(group)
                table = pf.read_row_groups(groups.tolist())
            # each row's place in the table of the groups read: groups one after another
            first = np.cumsum([0, *(np.asarray(sizes)[groups][:-1])])
            local = at - start[group] + first[np.searchsorted(groups, group)]
            gdf = _frame(table.take(local), side)
        except Exception:
            return None
        gdf = gdf.set_axis(at)
        gdf.attrs = side["attrs"]
        return gdf

    def put(
        self,
        slot: str,
        k: str,
        gdf: gpd.GeoDataFrame,
        keep: int = 2,
        row_group_size: int | None = None,
    ) -> None:
        """Keep ``gdf`` (and its JSON-able ``attrs``) under ``slot``/``k`` with the
        ``keep - 1`` newest other keys of the slot (`check` and the layout-only commands
        such as `feasible` load different sets of layers, hence keys: one entry per slot
        made them rebuild each other's). ``row_group_size``: rows per Parquet row group, so
        that ``get_rows`` reads a few rows without the rest. Failures are ignored: an
        optimisation only."""
        path = self._path(slot, k)
        if path is None:
            return
        tmp = []
        try:
            self._prepare(path.parent)
            _prune(path, keep, companion=".json")
            hour_ago = time.time() - 3600
            for left in path.parent.glob(".*.tmp"):  # of writers killed mid-way
                if left.stat().st_mtime < hour_ago:
                    left.unlink(missing_ok=True)
            for _ in range(2):  # the attrs (.json) and the frame (.parquet)
                fd, name = tempfile.mkstemp(prefix=f".{k}.", suffix=".tmp", dir=path.parent)
                os.close(fd)
                tmp.append(name)
            # The frame is written without CRS, which goes in the .json beside as text that
            # reads back exactly and fast (``_crs_text``): a GeoParquet file's PROJJSON lacks
            # the ids of a datum ensemble's members, which PROJ then looks up by name (~20 ms
            # per WGS84 frame read).
            out = gdf.copy()
            out.attrs = {}
            crs = {}
            for name in out.columns[out.dtypes == "geometry"]:
                if out[name].crs is not None:
                    crs[name] = _crs_text(out[name].crs)
                    if name == out.geometry.name:
                        out = out.set_crs(None, allow_override=True)
                    else:
                        out[name] = out[name].set_crs(None, allow_override=True)
            side = {"attrs": gdf.attrs, "crs": crs, "geometry": out.geometry.name}
            Path(tmp[0]).write_text(json.dumps(side, default=str), encoding="utf-8")
            import pyarrow as pa
            import pyarrow.parquet as pq

            # GeoArrow (WKB) columns, read back by GeoDataFrame.from_arrow (~2 ms a frame
            # against ~5 ms for gpd.read_parquet, whose pyarrow.dataset costs ~15 ms to load)
            arrow = out.to_arrow(index=None, geometry_encoding="WKB")
            table = pa.RecordBatchReader.from_stream(arrow).read_all()
            pq.write_table(table, tmp[1], row_group_size=row_group_size)
            os.replace(tmp[0], path.with_suffix(".json"))  # the frame is only read with its
            os.replace(tmp[1], path)  # attrs beside it, so the parquet file goes last
            tmp = []
        except Exception:
            pass
        finally:
            for name in tmp:
                Path(name).unlink(missing_ok=True)


def _crs_text(crs) -> str:
    """The text a CRS is kept as: what it was made from when that is short (``EPSG:4549``)
    and gives it back exactly, else its PROJJSON (ids kept), else its WKT; the first that
    reads back exactly the same (``is_exact_same``), PROJJSON when none does."""
    from pyproj import CRS

    texts = [crs.srs] if len(str(crs.srs or "")) <= 64 else []
    texts += [crs.to_json(), crs.to_wkt()]
    for text in texts:
        try:
            if text and CRS.from_user_input(text).is_exact_same(crs):
                return text
        except Exception:
            continue
    return crs.to_json()


def _is_wkb(t) -> bool:
    """Whether an Arrow type holds geometries (WKB: binary, or an extension type on it)."""
    import pyarrow as pa

    t = getattr(t, "storage_type", t)
    return pa.types.is_binary(t) or pa.types.is_large_binary(t)


def _frame(table, side: dict) -> gpd.GeoDataFrame:
    """The GeoDataFrame of an entry's Arrow table (all of it, or some of its rows) with the
    CRS kept beside it (``side``, its .json; see ``put``)."""
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_arrow(table, geometry=side["geometry"])
    for name, crs in side["crs"].items():
        if name == gdf.geometry.name:
            gdf.set_crs(crs, inplace=True)
        else:
            gdf[name] = gdf[name].set_crs(crs)
    return gdf
