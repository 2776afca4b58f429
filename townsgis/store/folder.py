"""The folder store: a project's data as files under its folder (the default store).

Layout: planning layers ``layers/<kind>.geojson``; boundaries ``data/boundaries/<kind>.geojson``;
``layers/waivers.toml``, ``layers/indicators.csv``, ``layers/assessment.csv``;
rule sets ``rules/<id>.toml``; settings ``townsgis.toml``. Every write is atomic (temporary
file renamed) and first copies the file it replaces, byte for byte, to
``layers/.history/<name>/<n><suffix>`` with ``<n>.json`` beside it (when, why, size, hash).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd

from townsgis.errors import LayerIOError, ProjectError
from townsgis.store import (
    BOUNDARY_KINDS,
    DOCUMENTS,
    Version,
    check_log,
    check_mode,
    merge_layers,
    missing_layer,
    now_utc,
    read_only_error,
)

HISTORY_DIR = ".history"
_THREAD_LOCKS: dict[str, threading.RLock] = {}
# The formats a layer may be kept in: GeoJSON (the default, readable anywhere), GeoPackage,
# and GeoParquet (columnar: the fastest to read, for big layers).
LAYER_FORMATS = {"geojson": ".geojson", "gpkg": ".gpkg", "parquet": ".parquet"}
LAYER_SUFFIXES = tuple(LAYER_FORMATS.values())
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_DOC_FILES = {
    "waivers": "layers/waivers.toml",
    "indicators": "layers/indicators.csv",
    "assessment": "layers/assessment.csv",
    "settings": "townsgis.toml",
}


class FolderStore:
    """A project kept as files under ``root`` (see the module docstring)."""

    def __init__(self, root: str | Path, *, read_only: bool = False):
        self.root = Path(root)
        self.read_only = read_only
        self.location = str(self.root)

    # --- paths ---------------------------------------------------------------------
    def layer_path(self, kind: str) -> Path:
        """The file of layer ``kind``."""
        _check_name(kind)
        if kind in BOUNDARY_KINDS:
            return layer_file(self.root / "data" / "boundaries", kind)
        return layer_file(self.root / "layers", kind)

    def layer_key(self, kind: str) -> str | None:
        """A hash of the layer's stored bytes (keys the project's cache of derived data);
        None when the layer does not exist."""
        from townsgis.cache import Cache, file_hash

        path = self.layer_path(kind)
        cache = None if self.read_only else Cache(self.root)
        memo = cache.hashes_dir() if cache is not None else None
        try:
            return f"{path.name}:{file_hash(path, memo)}"
        except OSError:
            return None

    def document_path(self, name: str) -> Path:
        """The file of document ``name`` (``waivers``, ``rules/<id>`` …)."""
        if name in _DOC_FILES:
            return self.root / _DOC_FILES[name]
        head, _, rid = name.partition("/")
        if head == "rules" and rid:
            _check_name(rid)
            return self.root / "rules" / f"{rid}.toml"
        raise ProjectError.of("store.unknown_document", name=name, known=", ".join(DOCUMENTS))

    def _path(self, name: str) -> Path:
        if name in _DOC_FILES or name.startswith("rules/"):
            return self.document_path(name)
        return self.layer_path(name)

    @property
    def history_dir(self) -> Path:
        return self.root / "layers" / HISTORY_DIR

    # --- layers --------------------------------------------------------------------
    def has_layer(self, kind: str) -> bool:
        return self.layer_path(kind).is_file()

    def read_layer(self, kind: str) -> gpd.GeoDataFrame:
        from townsgis.layers import WGS84, read_layer

        path = self.layer_path(kind)
        if not path.is_file():
            raise missing_layer(str(path), kind)
        gdf = read_layer(path)
        return gdf if gdf.crs is not None and gdf.crs.equals(WGS84) else gdf.to_crs(WGS84)

    def write_layer(
        self,
        kind: str,
        gdf: gpd.GeoDataFrame,
        mode: str = "replace",
        *,
        reason: str = "",
        layer_format: str | None = None,
    ) -> Version | None:
        """``layer_format`` (``geojson``, ``gpkg``, ``parquet``): the file format to keep the
        layer in from now on; None keeps the current one (GeoJSON for a new layer)."""
        from townsgis.layers import WGS84, write_layer

        check_mode(mode)
        path = self.layer_path(kind)
        target = path
        if layer_format is not None:
            if layer_format not in LAYER_FORMATS:
                raise ProjectError.of(
                    "store.layer_format", value=layer_format, known=", ".join(LAYER_FORMATS)
                )
            target = path.with_name(f"{kind}{LAYER_FORMATS[layer_format]}")
        if self.read_only:
            raise read_only_error(self.location, kind)
        old = self.read_layer(kind) if path.is_file() else None
        out = gdf if gdf.crs is None or gdf.crs.equals(WGS84) else gdf.to_crs(WGS84)
        merged = merge_layers(old, out, mode, kind)
        kept = self._keep(kind, path, reason or f"write {kind} --mode {mode}", old)
        write_layer(merged, target)
        if target != path and path.is_file():  # kept in the history above
            path.unlink()
        return kept

    def layer_source(self, kind: str) -> str:
        return str(self.layer_path(kind))

    def layer_stamp(self, kind: str) -> float | None:
        try:
            return self.layer_path(kind).stat().st_mtime
        except OSError:
            return None

    # --- documents -----------------------------------------------------------------
    def read_document(self, name: str) -> bytes | None:
        path = self.document_path(name)
        if not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            raise LayerIOError.of(
                "store.cannot_read", path=str(path), reason=exc.strerror or exc
            ) from None

    def write_document(self, name: str, data: bytes, *, reason: str = "") -> Version | None:
        from townsgis.layers import write_text_atomic

        path = self.document_path(name)
        if self.read_only:
            raise read_only_error(self.location, name)
        kept = self._keep(name, path, reason or f"write {name}")
        write_text_atomic(data, path)
        return kept

    def document_source(self, name: str) -> str:
        return str(self.document_path(name))

    def rulesets(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "rules").glob("*.toml"))

    # --- locks and logs --------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Exclusive access to ``name``: a thread lock and an ``flock`` on
        ``layers/.<name>.lock`` (a temporary folder's when the project has no layers/)."""
        import fcntl
        import tempfile

        folder = self.root / "layers"
        folder = folder if folder.is_dir() else Path(tempfile.gettempdir())
        thread_lock = _THREAD_LOCKS.setdefault(name, threading.RLock())
        with thread_lock, open(folder / f".{name}.lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file closes
            yield

    # --- logs ----------------------------------------------------------------------
    def log_path(self, name: str) -> Path:
        """The file of log ``name``: ``layers/<name>.jsonl``, one JSON object a line."""
        check_log(name)
        return self.root / "layers" / f"{name}.jsonl"

    def read_log(self, name: str) -> list[dict]:
        path = self.log_path(name)
        if not path.is_file():
            return []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise LayerIOError.of("store.cannot_read", path=str(path), reason=exc) from None
        try:
            return [json.loads(line) for line in lines if line.strip()]
        except json.JSONDecodeError as exc:
            raise LayerIOError.of(
                "store.not_json", path=str(path), line=exc.lineno, reason=exc.msg
            ) from None

    def append_log(self, name: str, entry: dict, *, check=None) -> list[dict]:
        import fcntl

        from townsgis.layers import write_text_atomic

        path = self.log_path(name)
        if self.read_only:
            raise read_only_error(self.location, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / f".{name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            before = self.read_log(name)
            if check is not None:
                check(before)
            text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in [*before, entry])
            write_text_atomic(text, path)
        return before

    # --- history -------------------------------------------------------------------
    def history(self, name: str | None = None) -> list[Version]:
        if name is not None:
            self._path(name)  # checks the name
            names = [name]
        else:
            base = self.history_dir
            names = (
                sorted(_unslug(p.name) for p in base.iterdir() if p.is_dir())
                if base.is_dir()
                else []
            )
        out: list[Version] = []
        for n in names:
            folder = self.history_dir / _slug(n)
            metas = folder.glob("*.json") if folder.is_dir() else []
            for meta in sorted(metas, key=lambda p: int(p.stem) if p.stem.isdigit() else 0):
                try:
                    out.append(Version(**json.loads(meta.read_text(encoding="utf-8"))))
                except (OSError, ValueError, TypeError):
                    continue
        return out

    def restore(self, name: str, version: int | None = None) -> Version:
        from townsgis.layers import write_text_atomic

        path = self._path(name)
        kept = self.history(name)
        if not kept:
            raise ProjectError.of("store.no_versions", name=name, where=str(self.history_dir))
        if version is None:
            chosen = kept[-1]
        else:
            match = [v for v in kept if v.version == version]
            if not match:
                known = ", ".join(str(v.version) for v in kept)
                raise ProjectError.of(
                    "store.no_such_version", name=name, version=version, known=known
                )
            chosen = match[0]
        if self.read_only:
            raise read_only_error(self.location, name)
        data = self._version_file(name, chosen.version).read_bytes()
        self._keep(name, path, f"restore of version {chosen.version}")
        write_text_atomic(data, path)
        return chosen

    def _version_file(self, name: str, version: int) -> Path:
        folder = self.history_dir / _slug(name)
        hits = [p for p in folder.glob(f"{version}.*") if p.suffix != ".json"]
        if not hits:
            raise ProjectError.of("store.version_file_missing", name=name, version=version)
        return hits[0]

    def _keep(
        self, name: str, path: Path, reason: str, frame: gpd.GeoDataFrame | None = None
    ) -> Version | None:
        """Copy ``path`` (if it exists) into the history; the Version kept, or None."""
        from townsgis.layers import write_text_atomic

        if not path.is_file():
            return None
        data = path.read_bytes()
        folder = self.history_dir / _slug(name)
        folder.mkdir(parents=True, exist_ok=True)
        done = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()]
        n = max(done, default=0) + 1
        ver = Version(
            name=name,
            version=n,
            saved_at=now_utc(),
            reason=reason,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            count=None if frame is None else int(len(frame)),
        )
        write_text_atomic(data, folder / f"{n}{path.suffix}")
        meta = json.dumps(ver.to_dict(), ensure_ascii=False, indent=1)
        write_text_atomic(meta, folder / f"{n}.json")
        return ver


def layer_file(folder: Path, kind: str) -> Path:
    """The file of layer ``kind`` in ``folder``: ``<kind>`` with one of ``LAYER_SUFFIXES``
    (GeoJSON, GeoPackage, GeoParquet) that exists, else ``<kind>.geojson`` (a new layer).
    Two files for one layer are an error: which one is meant cannot be guessed."""
    found = [folder / f"{kind}{s}" for s in LAYER_SUFFIXES if (folder / f"{kind}{s}").is_file()]
    if len(found) > 1:
        files = ", ".join(p.name for p in found)
        raise ProjectError.of("store.stored_twice", folder=str(folder), kind=kind, files=files)
    return found[0] if found else folder / f"{kind}.geojson"


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ProjectError.of("store.bad_name", name=name)


def _slug(name: str) -> str:
    return name.replace("/", "--")


def _unslug(slug: str) -> str:
    return slug.replace("--", "/")
