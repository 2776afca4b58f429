"""The project store: the one place a project's data is read and written.

Every reading and writing of a project's layers, waivers, indicators, assessment, rule sets
and settings goes through ``project.store``, an object with the interface below. The folder
store (``townsgis.store.folder.FolderStore``, files under the project folder) is the default;
a PostGIS store implements the same interface (issue 15).

Names
-----
*Layers* are GeoDataFrames, always handed over in WGS84 (EPSG:4326):

- planning layers ``towns``, ``projects``, ``proposals``;
- boundaries ``units``, ``city``, ``province`` and any other boundary layer
  (``BOUNDARY_KINDS``).

*Documents* are bytes, parsed by their own loaders (``waivers`` TOML, ``indicators`` and
``assessment`` CSV, ``settings`` = ``townsgis.toml``, ``rules/<id>`` rule-set TOML).

Interface (``ProjectStore``)
----------------------------
``location``                         where the project lives (folder path, or URL without password)
``read_only``                        True for the bundled sample: every write raises ProjectError
``has_layer(kind) -> bool``
``read_layer(kind) -> GeoDataFrame``  WGS84; ``LayerIOError`` when missing
``write_layer(kind, gdf, mode="replace", *, reason="") -> Version | None``
    ``mode``: ``replace`` (the layer becomes ``gdf``), ``append`` (add features; refuses ids
    already in the layer or repeated in ``gdf``), ``update`` (features whose id matches are
    replaced, the others added). Ids are the schema's id column (``ID_COLUMNS``). The previous
    version is kept in the history first; returns that kept version (None for a new layer).
``layer_source(kind) -> str``        how messages name the layer (a path, or ``table …``)
``layer_stamp(kind) -> float | None``  last change, seconds since the epoch (staleness checks)
``read_document(name) -> bytes | None``  None when the project has no such document
``write_document(name, data, *, reason="") -> Version | None``  keeps the previous version
``document_source(name) -> str``
``rulesets() -> list[str]``          ids of the project's rule sets (``rules/<id>``)
``history(name=None) -> list[Version]``  kept versions (of one layer/document, or all),
    oldest first
``restore(name, version=None) -> Version``  brings back a kept version (the newest when
    ``version`` is None) byte for byte; the current one is kept in the history first, so a
    restore can itself be undone.

*Logs* are append-only lists of JSON objects (``LOGS``: ``reviews``, the review trail of the
proposals; ``runs``, the findings of recorded check runs):

``read_log(name) -> list[dict]``      oldest first; [] when there is none
``append_log(name, entry, *, check=None) -> list[dict]``  appends ``entry`` atomically under
    the log's lock; ``check(entries)`` runs on the entries read under that lock and may raise
    to refuse the append (so two writers cannot both act on the same state). Returns the
    entries before the append.

``lock(name)``                        context manager: exclusive access to ``name`` across
    threads and processes (every process using the project, on any machine for PostGIS) for
    a read–modify–write such as giving a new proposal the next free id

``merge_layers(old, new, mode, kind)`` is the one definition of the three modes, used by
every store and by ``import`` to preview the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from townsgis.errors import DataError, ProjectError
from townsgis.messages import register

register(
    {
        "store.mode": (
            "未知的写入方式 {mode!r}；可用 {modes}",
            "unknown mode {mode!r}; use one of {modes}",
        ),
        "store.no_id_column": (
            "图层 {kind} 没有编号列，只能用 --mode replace",
            "layer {kind!r} has no id column; only --mode replace applies to it",
        ),
        "store.new_lacks_id": (
            "新要素缺少 {id_col!r} 列；--mode {mode} 按它匹配",
            "the new features have no {id_col!r} column; --mode {mode} matches by it",
        ),
        "store.old_lacks_id": (
            "{kind} 图层缺少 {id_col!r} 列；--mode {mode} 按它匹配",
            "the {kind} layer has no {id_col!r} column; --mode {mode} matches by it",
        ),
        "store.repeated_ids": (
            "新要素中 {id_col} 重复：{ids}",
            "{id_col} repeated in the new features: {ids}",
        ),
        "store.append_clash": (
            "--mode append：{kind} 图层已有这些 {id_col}：{ids}（要修改它们请用 --mode update）",
            "--mode append: {id_col} already in the {kind} layer: {ids} "
            "(use --mode update to change them)",
        ),
        "store.read_only": (
            "{location}：内置示例项目只读，其 {what} 未被修改。"
            "请用 `townsgis init 目录 --city 城市代码` 建立自己的项目"
            "（或用 `townsgis init 目录 --sample` 复制示例），再加 --project 目录",
            "{location}: the bundled sample project is read-only; its {what} was not changed. "
            "Make a project of your own with `townsgis init DIR --city CODE` (or copy the "
            "sample: `townsgis init DIR --sample`) and pass --project DIR",
        ),
        "store.unknown_scheme": (
            "{scheme}://…：未知的项目存储；请用文件夹或 {schemes}",
            "{scheme}://…: unknown project store; use a folder or one of {schemes}",
        ),
        "store.backend_missing": (
            "此安装不支持 {scheme}:// 项目（{reason}）",
            "{scheme}:// projects are not available here ({reason})",
        ),
        "store.no_layer": (
            "{path}：文件不存在（项目没有{kind}图层）",
            "{path}: file not found (the project has no {kind} layer)",
        ),
        "store.no_planning_layer": (
            "{path}：文件不存在（项目还没有{kind}图层；请先用 `townsgis import {code} 文件 "
            "--project 目录` 导入）",
            "{path}: file not found (the project has no {kind} layer yet; import one with "
            "`townsgis import {code} FILE --project DIR`)",
        ),
        "store.unknown_document": (
            "未知的项目文件 {name!r}；应为 {known} 或 rules/<编号>",
            "unknown project document {name!r}; expected one of {known} or rules/<id>",
        ),
        "store.no_versions": (
            "{name}：{where} 中没有保留的版本",
            "{name}: no kept versions in {where}",
        ),
        "store.no_such_version": (
            "{name}：没有版本 {version}；保留的版本：{known}",
            "{name}: no version {version}; kept versions: {known}",
        ),
        "store.version_file_missing": (
            "{name}：版本 {version} 已登记，但其文件缺失",
            "{name}: version {version} is listed but its file is missing",
        ),
        "store.bad_layer_name": (
            "{name!r}：不是图层名称（a-z、0-9、- 和 _）",
            "{name!r}: not a layer name (a-z, 0-9, - and _)",
        ),
        "store.unknown_log": (
            "未知的项目记录 {name!r}；应为 {known} 之一",
            "unknown project log {name!r}; expected one of {known}",
        ),
        "store.layer_format": (
            "图层格式 {value!r}：请用 {known} 之一",
            "layer format {value!r}: use one of {known}",
        ),
        "store.cannot_read": ("{path}：无法读取：“{reason}”", "{path}: cannot read: {reason}"),
        "store.not_json": (
            "{path}：第 {line} 行不是 JSON：“{reason}”",
            "{path}: line {line}: not JSON: {reason}",
        ),
        "store.stored_twice": (
            "{folder}：图层 {kind!r} 存了两份（{files}）；请只保留一份",
            "{folder}: layer {kind!r} is stored twice ({files}); keep one",
        ),
        "store.pg_column": (
            "{source}：列 {name!r} 无法存入 PostGIS（保留名称、空名称或超过 {n} 字节）",
            "{source}: column {name!r} cannot be stored in PostGIS (reserved name, empty, or "
            "longer than {n} bytes)",
        ),
        "store.bad_name": (
            "{name!r}：不是图层或规则集名称（字母、数字、.、- 和 _）",
            "{name!r}: not a layer or rule set name (letters, digits, ., - and _)",
        ),
    }
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager

    import geopandas as gpd

MODES = ("replace", "append", "update")
PLANNING_KINDS = ("towns", "projects", "proposals")


def missing_layer(path: str, kind: str) -> Exception:
    """The error for a layer the project does not have, its kind named in the user's
    language; a planning layer's says how to import one."""
    from townsgis import vocab
    from townsgis.errors import LayerIOError

    name = vocab.label("layer_kind", kind)
    if kind in PLANNING_KINDS:
        return LayerIOError.of("store.no_planning_layer", path=path, kind=name, code=kind)
    return LayerIOError.of("store.no_layer", path=path, kind=name)


BOUNDARY_KINDS = ("units", "city", "province", "neighbours", "water")
DOCUMENTS = ("waivers", "indicators", "assessment", "settings")
LOGS = ("reviews", "runs")
# the id column of each layer kind (append/update match on it)
ID_COLUMNS = {
    "units": "unit_id",
    "towns": "town_id",
    "projects": "project_id",
    "proposals": "proposal_id",
}


@dataclass(frozen=True)
class Version:
    """One kept version of a layer or document.

    ``version`` counts from 1 per name; ``saved_at`` is ISO 8601 UTC; ``reason`` says what
    replaced it (``import towns --mode replace`` …); ``size`` in bytes; ``count`` features
    (None for documents)."""

    name: str
    version: int
    saved_at: str
    reason: str
    size: int
    sha256: str
    count: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@runtime_checkable
class ProjectStore(Protocol):
    """What every store provides (see the module docstring)."""

    location: str
    read_only: bool

    def has_layer(self, kind: str) -> bool: ...
    def read_layer(self, kind: str) -> gpd.GeoDataFrame: ...
    def write_layer(
        self, kind: str, gdf: gpd.GeoDataFrame, mode: str = "replace", *, reason: str = ""
    ) -> Version | None: ...
    def layer_source(self, kind: str) -> str: ...
    def layer_stamp(self, kind: str) -> float | None: ...
    def read_document(self, name: str) -> bytes | None: ...
    def write_document(self, name: str, data: bytes, *, reason: str = "") -> Version | None: ...
    def document_source(self, name: str) -> str: ...
    def rulesets(self) -> list[str]: ...
    def history(self, name: str | None = None) -> list[Version]: ...
    def restore(self, name: str, version: int | None = None) -> Version: ...
    def lock(self, name: str) -> AbstractContextManager[None]: ...
    def read_log(self, name: str) -> list[dict]: ...
    def append_log(
        self, name: str, entry: dict, *, check: Callable[[list[dict]], None] | None = None
    ) -> list[dict]: ...


def check_log(name: str) -> None:
    if name not in LOGS:
        raise ProjectError.of("store.unknown_log", name=name, known=", ".join(LOGS))


def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise DataError.of("store.mode", mode=mode, modes=", ".join(MODES))


def merge_layers(
    old: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame, mode: str, kind: str
) -> gpd.GeoDataFrame:
    """The layer after writing ``new`` onto ``old`` with ``mode`` (WGS84 in, WGS84 out).

    ``append`` raises DataError listing ids that are repeated in ``new`` or already in
    ``old``; ``update`` replaces the features of ``old`` whose id is in ``new`` (in place,
    keeping their order) and adds the rest at the end. Both need the kind's id column."""
    import geopandas as gpd
    import pandas as pd

    check_mode(mode)
    if mode == "replace" or old is None:
        return new.reset_index(drop=True)
    id_col = ID_COLUMNS.get(kind)
    if id_col is None:
        raise DataError.of("store.no_id_column", kind=kind)
    for frame, key in ((new, "store.new_lacks_id"), (old, "store.old_lacks_id")):
        if id_col not in frame.columns:
            raise DataError.of(key, kind=kind, id_col=id_col, mode=mode)
    new_ids = new[id_col].map(_id_text)
    dup_new = sorted(set(new_ids[new_ids.duplicated()]))
    if dup_new:
        raise DataError.of("store.repeated_ids", id_col=id_col, ids=", ".join(dup_new))
    old_ids = old[id_col].map(_id_text)
    new = new.to_crs(old.crs) if old.crs is not None and new.crs is not None else new
    if mode == "append":
        clash = sorted(set(new_ids) & set(old_ids))
        if clash:
            raise DataError.of("store.append_clash", id_col=id_col, kind=kind, ids=", ".join(clash))
        merged = pd.concat([old, new], ignore_index=True)
    else:  # update
        old_r, new_r = old.reset_index(drop=True), new.reset_index(drop=True)
        new_ids, old_ids = new_ids.reset_index(drop=True), old_ids.reset_index(drop=True)
        hit = old_ids.map({v: i for i, v in enumerate(new_ids)})
        matched = hit.notna().to_numpy()
        replaced = new_r.iloc[hit[matched].astype(int).to_numpy()].set_index(old_r.index[matched])
        added = new_r[~new_ids.isin(set(old_ids)).to_numpy()]
        merged = pd.concat([old_r[~matched], replaced]).sort_index()
        merged = pd.concat([merged, added], ignore_index=True)
    geom = old.geometry.name
    return gpd.GeoDataFrame(merged, geometry=geom, crs=old.crs)


def _id_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def now_utc() -> str:
    """The current time, ISO 8601 UTC to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_only_error(location: str, what: str) -> ProjectError:
    """The message for a write into the bundled sample."""
    return ProjectError.of("store.read_only", location=location, what=what)


# --------------------------------------------------------------------------------------
# backends: a project is a folder, or a URL whose scheme names a store backend
# --------------------------------------------------------------------------------------
# scheme -> "module:function"; the function takes the URL and returns a ProjectStore.
BACKENDS: dict[str, str] = {
    "postgresql": "townsgis.store.postgis:open_store",
    "postgres": "townsgis.store.postgis:open_store",
}


def is_url(spec: str) -> bool:
    """True when ``spec`` names a store by URL (``postgresql://…``) rather than a folder."""
    head, sep, _ = str(spec).partition("://")
    return bool(sep) and head.isalpha() and len(head) > 1


def open_url(spec: str) -> ProjectStore:
    """The store a URL names; ProjectError for an unknown scheme or a missing backend."""
    import importlib

    scheme = str(spec).partition("://")[0].lower()
    target = BACKENDS.get(scheme)
    if target is None:
        schemes = ", ".join(s + "://" for s in sorted(BACKENDS))
        raise ProjectError.of("store.unknown_scheme", scheme=scheme, schemes=schemes)
    module, func = target.split(":")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise ProjectError.of("store.backend_missing", scheme=scheme, reason=str(exc)) from None
    return getattr(mod, func)(spec)
