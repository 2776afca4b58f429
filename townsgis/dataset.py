"""A project's layers loaded, schema-checked and ready for analysis.

All frames are held in WGS84 (EPSG:4326); ``metric(kind)`` gives them in the analysis CRS
(CGCS2000 3° Gauss-Krüger, EPSG:4549 for Huzhou) where distances and areas are computed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from townsgis.crs import WGS84, analysis_crs
from townsgis.project import Project
from townsgis.transformers import use_in_geopandas

use_in_geopandas()  # to_crs from remembered PROJ pipelines: ~0.15 s less per run

FUNCTIONAL_ZONE = "functional_zone"


@dataclass
class Dataset:
    """Units, towns, projects and proposals of one project, in WGS84.

    A layer read from the project's cache may be loaded lazily (``units`` of a project whose
    validated layers are cached: the national counties are 66 MB); it is read on first use.
    What needs only the units' fields or a few of them uses :meth:`unit_fields` and
    :meth:`metric_units_of`, which read no more than that from the cache.
    """

    project: Project
    units: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame | None = None
    proposals: gpd.GeoDataFrame | None = None
    crs_override: str | None = None
    _metric: dict = field(default_factory=dict, repr=False)
    # kind -> (id of the frame, hash of its inputs): set by load_dataset, so derived data of
    # a frame read from the project's files can be cached (never for a replaced frame)
    _sources: dict = field(default_factory=dict, repr=False)
    # kind -> (cache slot, key) of a layer not read yet: read on first access (__getattr__)
    _lazy: dict = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)
    # the layers the dataset key (of ``_lazy``) was hashed from, in order (load_dataset)
    _layers: tuple = field(default=(), repr=False)
    # dataset keys found no longer to match the project's files: nothing derived from a frame
    # read after that is cached under them (``_cached``)
    _stale: set = field(default_factory=set, repr=False)
    # serialises the lazy loads: the web app's threads share one Dataset (re-entrant: the
    # towns are validated against the units, which may be read on the way)
    _lock: threading.RLock = field(
        default_factory=threading.RLock, init=False, repr=False, compare=False
    )

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_lock", None)  # a lock cannot be pickled (copy, deepcopy, pickle)
        state.pop("_city_job", None)  # nor a thread: the copy dissolves its own city
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__dict__["_lock"] = threading.RLock()

    def __getattr__(self, name: str):
        # only called when ``name`` is not set: a lazily loaded layer on first access
        lazy = self.__dict__.get("_lazy") or {}
        if name not in lazy:
            raise AttributeError(name)
        with self.__dict__.setdefault("_lock", threading.RLock()):
            if name in self.__dict__:  # read by another thread meanwhile
                return self.__dict__[name]
            entry = lazy.get(name)
            if entry is None:
                raise AttributeError(name)
            frame, fresh = self._load_lazy(name, *entry)
            key = self._sources.get(name, (None, None))[1]
            if key is not None:
                if fresh:
                    self._sources[name] = (id(frame), key)
                else:  # read from files that are no longer those of the key
                    self._stale.add(key)
                    self._sources.pop(name, None)
            setattr(self, name, frame)
            lazy.pop(name, None)
            return frame

    def _load_lazy(self, kind: str, slot: str, k: str) -> tuple[gpd.GeoDataFrame, bool]:
        """Layer ``kind`` from the cache entry ``slot``/``k``; read from the project and
        validated again when the entry cannot be read any more (and cached again while the
        project's files are still those of ``k``). With it: whether the frame is that of
        ``k`` (False: the files changed since the dataset was loaded)."""
        from townsgis.schema import validate_layer

        store_cache = cache_of(self.project)
        hit = store_cache.get(slot, k) if store_cache is not None else None
        if hit is not None:
            return hit, True
        store = self.project.store
        refs = {k: getattr(self, v) for k, v in _REFS.get(kind, {}).items()}
        # the files' key before and after reading them: a frame is that of ``k`` only if
        # both are ``k`` (a layer replaced meanwhile, or since load_dataset, is not)
        before = dataset_key(self.project, self._layers) if self._layers else None
        clean, _ = validate_layer(
            store.read_layer(kind),
            kind,
            source=store.layer_source(kind),
            project=self.project,
            **refs,
        )
        fresh = before == k and dataset_key(self.project, self._layers) == k
        if fresh and store_cache is not None:  # a damaged or pruned entry is written again
            store_cache.put(slot, k, clean)
        return clean, fresh

    def loaded(self, kind: str) -> bool:
        """Whether layer ``kind`` is in memory (not waiting to be read from the cache)."""
        return kind in self.__dict__

    def columns(self, kind: str) -> list[str]:
        """The column names of layer ``kind`` (geometry included), without reading a layer
        that is not loaded yet."""
        if not self.loaded(kind) and kind in self._lazy:
            store = cache_of(self.project)
            names = store.column_names(*self._lazy[kind]) if store is not None else None
            if names is not None:
                return names
        return [str(c) for c in getattr(self, kind).columns]

    @cached_property
    def metric_crs(self) -> CRS:
        """Analysis CRS: rule-set override, else the 3° GK zone of the units' centroid."""
        if self.crs_override:  # the units (a lazily loaded layer) are not needed
            return analysis_crs(None, override=self.crs_override)
        return analysis_crs(self.units, override=self.crs_override)

    def source_key(self, kind: str) -> str | None:
        """The hash of the inputs frame ``kind`` was loaded from, while it is that frame."""
        ident, k = self._sources.get(kind, (None, None))
        if kind not in self.__dict__:  # not read yet: it will be the frame of the key
            return k if kind in self._lazy else None
        return k if ident is not None and ident == id(self.__dict__[kind]) else None

    def _entry(self, slot: str, parts: tuple):
        """The project cache and the key of ``slot`` for ``parts`` (None among them, or no
        cache: (None, None))."""
        store = cache_of(self.project) if not any(p is None for p in parts) else None
        if store is None:
            return None, None
        from townsgis import cache

        return store, cache.key(slot, *parts)

    def _cached(self, slot: str, parts: tuple, make, **put) -> gpd.GeoDataFrame:
        """``make()``, or its result cached in the project under ``slot`` keyed by ``parts``
        (None among them: not cacheable). ``put``: options of ``Cache.put``."""
        store, k = self._entry(slot, parts)
        if store is None:
            return make()
        hit = store.get(slot, k)
        if hit is not None:
            return hit
        out = make()
        if not set(parts) & self._stale:  # not made from a frame of changed files
            store.put(slot, k, out, **put)
        return out

    def _metric_parts(self, kind: str) -> tuple:
        return (self.source_key(kind), self.metric_crs.to_wkt())

    def metric(self, kind: str) -> gpd.GeoDataFrame:
        """Layer ``kind`` (units/towns/projects/proposals) in the metric analysis CRS."""
        if kind not in self._metric:
            self._metric[kind] = self._cached(
                f"metric-{kind}",
                self._metric_parts(kind),
                lambda: getattr(self, kind).to_crs(self.metric_crs),
                row_group_size=UNIT_ROW_GROUP if kind == "units" else None,
            )
        return self._metric[kind]

    def unit_fields(self) -> pd.DataFrame:
        """The units' fields without their outlines (ids, names, kinds), in layer order: read
        from the cache alone while the units layer itself is not loaded."""
        if not self.loaded("units") and "units" in self._lazy:
            if "unit_fields" not in self._memo:
                slot, k = self._lazy["units"]
                store = cache_of(self.project)
                hit = store.get_fields(slot, k) if store is not None else None
                if hit is None:
                    return _fields(self.units)
                self._memo["unit_fields"] = hit
            return self._memo["unit_fields"]
        return _fields(self.units)

    def metric_units_of(self, unit_ids) -> gpd.GeoDataFrame:
        """The rows of ``metric("units")`` that are one of ``unit_ids`` or a functional zone
        (what a unit's own area needs: :func:`own_unit_areas`), in layer order, with their
        positions in the layer as index. Read from the cache alone (those rows only) while
        the metric units are not in memory; the same geometries either way."""
        want = {str(u) for u in unit_ids}
        if "units" not in self._metric:
            store, k = self._entry("metric-units", self._metric_parts("units"))
            if store is not None:
                hit = store.get_rows(
                    "metric-units", k, "unit_id", want, extra=("kind", FUNCTIONAL_ZONE)
                )
                if hit is not None:
                    return hit
        m = self.metric("units")
        keep = (
            m["unit_id"].astype(str).isin(want).to_numpy()
            | (m["kind"] == FUNCTIONAL_ZONE).to_numpy()
        )
        out = m[keep]
        return out.set_axis(np.flatnonzero(keep))

    @cached_property
    def city(self) -> gpd.GeoSeries:
        """The city boundary (units of kind district/county dissolved), WGS84."""

        def make():
            job = self.__dict__.pop("_city_job", None)
            units = self.units
            if job is not None and job.units is units:
                return job.result()
            return _city_frame(units)

        return self._cached("city", (self.source_key("units"),), make).geometry

    def dissolve_city_soon(self, units_key: str | None) -> None:
        """When the city polygon of these (validated, loaded) units is not in the project's
        cache under ``units_key`` (a cold run), start dissolving it in a background thread:
        GEOS releases the GIL, so the union (~1.6 s of CPU for China's 2,875 counties) runs
        beside the cache writes and the reprojection that come before :attr:`city` is asked
        for. The same frame as dissolving on first use; nothing changes without a cache."""
        store, k = self._entry("city", (units_key,))
        if store is None or store.has("city", k) or "units" not in self.__dict__:
            return
        self.__dict__["_city_job"] = _Background(_city_frame, self.__dict__["units"])

    def city_in(self, crs) -> shapely.Geometry:
        """The city boundary polygon in ``crs`` (e.g. the analysis CRS); kept per CRS while
        the units are the same frame (a site run builds two rule contexts)."""
        crs = CRS.from_user_input(crs)
        wkt = crs.to_wkt()
        # the units they were made from: the hash of their files while they are the files'
        # frame (read or still to be read: not loaded for this), else the frame itself
        key = self.source_key("units")
        mark = ("files", key) if key is not None else self.units
        made, city = self._metric.get(("city", wkt), (None, None))
        both = isinstance(made, tuple) and isinstance(mark, tuple)
        if made is None or not (made == mark if both else made is mark):
            frame = self._cached(
                "city-metric",
                (key, wkt),
                lambda: gpd.GeoDataFrame(geometry=self.city.to_crs(crs).values, crs=crs),
            )
            city = frame.geometry.iloc[0]
            self._metric[("city", wkt)] = (mark, city)
        return city


#: The layers ``load_dataset`` may leave to be read on first use (the fields of Dataset
#: without a default: deleting one from an instance leaves no class attribute behind it).
LAZY_KINDS = ("units", "towns")

#: The layers each layer is validated against (as ``schema.validate_dataset`` does).
_REFS = {
    "towns": {"units": "units"},
    "projects": {"towns": "towns"},
    "proposals": {"units": "units"},
}

#: Rows per Parquet row group of the cached units layers: one unit's outline is read without
#: the other 2,874 (national counties) when only it is needed (Dataset.metric_units_of).
UNIT_ROW_GROUP = 64


def _fields(units: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(units.drop(columns=units.geometry.name))


def cache_of(project: Project):
    """The project's cache (``townsgis.cache.Cache``), or None: no cache."""
    from townsgis import cache

    store = cache.Cache(project_cache_root(project))
    return store if store.dir is not None else None


def _city_frame(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The city polygon (units of kind district/county dissolved) as a one-row WGS84 frame."""
    base = units[units["kind"] != FUNCTIONAL_ZONE]
    return gpd.GeoDataFrame(geometry=[union_polygons(base.geometry.values)], crs=WGS84)


class _Background:
    """``fn(units)`` computed in a daemon thread (a run that stops early, e.g. on bad input,
    does not wait for it); :meth:`result` waits and returns it, or raises what it raised."""

    def __init__(self, fn, units: gpd.GeoDataFrame) -> None:
        self.units = units
        self._out: tuple = ()
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn) -> None:
        try:
            self._out = (fn(self.units), None)
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._out = (None, exc)

    def result(self):
        self._thread.join()
        value, exc = self._out
        if exc is not None:
            raise exc
        return value


def union_polygons(geoms: np.ndarray) -> shapely.Geometry:
    """The union of polygons. A clean coverage (edge-matched, no overlaps, e.g. a country's
    counties) is dissolved with ``shapely.coverage_union_all`` (~7x faster on China's 2,875
    counties); anything else (overlaps, unmatched edges, invalid parts) falls back to
    ``union_all``. Both give the same polygon on a clean coverage."""
    geoms = np.asarray(geoms)
    geoms = geoms[~shapely.is_missing(geoms)]
    if len(geoms) > 1 and shapely.is_valid(geoms).all():
        try:
            merged = shapely.coverage_union_all(geoms)
        except shapely.errors.GEOSException:  # "incorrectly noded": not a coverage
            return shapely.union_all(geoms)
        # Cheap proof that the coverage was clean (coverage_is_valid costs as much as the
        # union): overlaps or unmatched edges leave an invalid result or a different area.
        total = float(shapely.area(geoms).sum())
        if shapely.is_valid(merged) and abs(merged.area - total) <= 1e-9 * max(total, 1e-300):
            return merged
    return shapely.union_all(geoms)


def own_unit_areas(units: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Each unit's own area, in the units' CRS: a functional zone wins over the district or
    county it lies in, so districts and counties are their polygon minus every zone (the same
    precedence as ``assign_units``)."""
    geoms = units.geometry
    is_zone = (units["kind"] == FUNCTIONAL_ZONE).to_numpy()
    if not is_zone.any() or is_zone.all():
        return geoms.copy()
    zones = geoms[is_zone].union_all()
    return gpd.GeoSeries(
        np.where(is_zone, geoms.values, geoms.difference(zones).values),
        index=units.index,
        crs=units.crs,
    )


def points_in_polygons(points: np.ndarray, polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (point, polygon) pair where the polygon intersects the point (a point on a
    border counts as inside), as two index arrays sorted by point then polygon. The tree is
    built on the points and queried with the polygons, each prepared once: millions of points
    cost one prepared-polygon test each instead of an unprepared one (same CRS for both)."""
    points = np.asarray(points)
    polygons = np.asarray(polygons)
    if not len(points) or not len(polygons):
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    tree = shapely.STRtree(points)
    poly_i, pt_i = tree.query(polygons, predicate="intersects")
    order = np.lexsort((poly_i, pt_i))
    return pt_i[order], poly_i[order]


def assign_units(points_wgs84: gpd.GeoSeries, units: gpd.GeoDataFrame) -> list[str | None]:
    """The unit id each point falls in; a functional zone wins over the district it was
    carved from; a point on a border counts as inside (first unit in layer order on a
    border shared by two districts). Points outside every unit get None."""
    u = units[["unit_id", "kind", "geometry"]].reset_index(drop=True)
    if u.crs is None or points_wgs84.crs is None or not u.crs.equals(points_wgs84.crs):
        # geopandas transforms unless the CRS are *exactly* the same object description:
        # WGS84 read back from GeoParquet is equal but not exact (4.2 M vertices, 0.7 s)
        u = u.to_crs(points_wgs84.crs)
    pt, poly = points_in_polygons(points_wgs84.values, u.geometry.values)
    out = np.full(len(points_wgs84), None, dtype=object)
    if len(pt):
        rank = (u["kind"].to_numpy() != FUNCTIONAL_ZONE).astype(np.int64)
        score = rank[poly] * len(u) + poly  # zones first, then layer order
        order = np.lexsort((score, pt))
        first = order[np.r_[True, pt[order][1:] != pt[order][:-1]]]
        out[pt[first]] = u["unit_id"].to_numpy()[poly[first]]
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in out]


def project_cache_root(project: Project):
    """Where the project's cache of derived data lives: its folder, for a writable folder
    store with ``layer_key``; for a read-only folder (the bundled sample) a folder of this
    user's cache named by the project's path (``townsgis.usercache``); None (no cache) for
    another store."""
    import hashlib

    store = project.store
    root = getattr(store, "root", None)
    if root is None or not hasattr(store, "layer_key"):
        return None
    if not getattr(store, "read_only", True):
        return root
    from townsgis.usercache import user_cache_folder

    mine = user_cache_folder("projects")
    if mine is None:
        return None
    where = str(Path(root).resolve()).encode("utf-8")
    return mine / hashlib.blake2b(where, digest_size=12).hexdigest()


def dataset_key(project: Project, kinds) -> str | None:
    """The cache key of layers ``kinds`` of ``project`` as its files are now (their bytes'
    hashes, the region), or None: a layer without a stamp."""
    from townsgis import cache

    store = project.store
    stamps = [(k, store.layer_key(k)) for k in kinds]
    if any(s is None for _, s in stamps):
        return None
    return cache.key("dataset", stamps, project.region_bbox)


def load_dataset(
    project: Project,
    *,
    crs_override: str | None = None,
    layout_only: bool = False,
    city_soon: bool = False,
) -> Dataset:
    """Load and validate a project's layers. Raises SchemaError listing every problem.
    ``layout_only`` loads units and towns only (site/capacity/feasible need no more);
    ``city_soon``: the caller will ask for the city polygon (rules do), so on a cold run it is
    dissolved in the background from here (:meth:`Dataset.dissolve_city_soon`)."""
    from townsgis.schema import validate_dataset

    store = project.store
    kinds = ["units", "towns"] + [
        k for k in ("projects", "proposals") if not layout_only and store.has_layer(k)
    ]
    cache_dir = cache_of(project)
    key = dataset_key(project, kinds) if cache_dir is not None else None
    frames: dict = {}
    lazy: dict = {}
    if key is not None:
        # units and towns are read on first use (Dataset.__getattr__): `feasible --unit`
        # needs the units' fields and one unit's outline, not the 66 MB of national counties,
        # and the towns' metric copy, not their WGS84 one
        frames = {k: cache_dir.get(f"valid-{k}", key) for k in kinds if k not in LAZY_KINDS}
        if all(f is not None for f in frames.values()) and all(
            cache_dir.has(f"valid-{k}", key) for k in LAZY_KINDS
        ):
            lazy = {k: (f"valid-{k}", key) for k in LAZY_KINDS}
        else:
            frames = {}
    validated = bool(lazy)
    if not validated:
        frames = {k: store.read_layer(k) for k in kinds}
    crs_override = crs_override or project.analysis_crs
    ds = Dataset(
        project,
        frames.get("units"),
        frames.get("towns"),
        frames.get("projects"),
        frames.get("proposals"),
        crs_override=crs_override,
    )
    if lazy:
        for k in lazy:
            del ds.__dict__[k]
        ds._lazy = lazy
        ds._layers = tuple(kinds)
    if not validated:
        validate_dataset(ds)
        if key is not None:
            if city_soon:
                ds.dissolve_city_soon(key)
            for k in kinds:
                cache_dir.put(f"valid-{k}", key, getattr(ds, k))
    if key is not None:
        ds._sources = {k: (None if k in lazy else id(getattr(ds, k)), key) for k in kinds}
    return ds
