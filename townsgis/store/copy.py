"""Copying a whole project between stores (folder ↔ PostGIS, or folder → folder …), through the
store interface only: every layer as a GeoDataFrame (WGS84), every document byte for byte."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from townsgis.errors import ProjectError
from townsgis.messages import register
from townsgis.store import (
    BOUNDARY_KINDS,
    DOCUMENTS,
    LOGS,
    PLANNING_KINDS,
    ProjectStore,
    is_url,
)

register(
    {
        "copy.same": (
            "复制的源和目标是同一个项目：{where}",
            "source and target are one project: {where}",
        ),
        "copy.done": ("已复制 {source} → {target}", "copied {source} → {target}"),
        "copy.layers": ("  图层：{layers}", "  layers: {layers}"),
        "copy.documents": ("  文档：{documents}", "  documents: {documents}"),
        "copy.logs": ("  记录：{logs}", "  logs: {logs}"),
        "copy.exists": (
            "{where}：已是一个 townsgis 项目；请复制到一个新的文件夹或模式",
            "{where}: already a townsgis project; copy into a new folder or schema",
        ),
    }
)


@dataclass
class CopyResult:
    """What a copy wrote: layers with their feature counts, and document names."""

    source: str
    target: str
    layers: dict[str, int] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    logs: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "layers": self.layers,
            "documents": self.documents,
            "logs": self.logs,
        }


def open_source(spec: str | Path) -> ProjectStore:
    """The store of an existing project (a folder or a store URL)."""
    from townsgis.project import Project

    return Project.open(str(spec)).store


def create_target(spec: str | Path) -> ProjectStore:
    """A new, empty store at ``spec``: a PostGIS schema (created) or a folder (which must not
    already hold a project)."""
    from townsgis.project import CONFIG_NAME
    from townsgis.store.folder import FolderStore

    if is_url(str(spec)):
        from townsgis.store.postgis import create_store

        return create_store(str(spec))
    root = Path(spec)
    if (root / CONFIG_NAME).exists():
        raise ProjectError.of("copy.exists", where=str(root))
    return FolderStore(root)


def copy_store(src: ProjectStore, dst: ProjectStore) -> CopyResult:
    """Copy every layer and document of ``src`` into ``dst``; settings last, so that a copy
    cut short is not yet a project."""
    if src.location == dst.location:
        raise ProjectError.of("copy.same", where=src.location)
    result = CopyResult(source=src.location, target=dst.location)
    for kind in (*BOUNDARY_KINDS, *PLANNING_KINDS):
        if src.has_layer(kind):
            gdf = src.read_layer(kind)
            dst.write_layer(kind, gdf, "replace", reason="project copy")
            result.layers[kind] = len(gdf)
    for log in LOGS:
        for entry in src.read_log(log):
            dst.append_log(log, entry)
        result.logs[log] = len(src.read_log(log))
    names = [d for d in DOCUMENTS if d != "settings"]
    names += [f"rules/{r}" for r in src.rulesets()]
    for name in [*names, "settings"]:
        data = src.read_document(name)
        if data is not None:
            dst.write_document(name, data, reason="project copy")
            result.documents.append(name)
    return result


def copy_project(source: str | Path, target: str | Path) -> CopyResult:
    """``townsgis project copy SRC DST``: the project at ``source`` into a new ``target``."""
    src = open_source(source)
    dst = create_target(target)
    return copy_store(src, dst)


def init_store(url: str, *, name: str | None = None, **options) -> CopyResult:
    """``townsgis init --store URL``: a new project in a store, made exactly as ``init DIR``
    makes a folder (settings, rule set, boundaries with ``city=``), then copied in.
    ``options`` are ``init_project``'s; ``name`` defaults to the schema name without
    ``city``."""
    import tempfile

    from townsgis.project import init_project
    from townsgis.store.pgconn import parse_url

    dst = create_target(url)
    schema = parse_url(url).schema
    if name is None and not options.get("city"):
        name = schema
    with tempfile.TemporaryDirectory(prefix="townsgis-init-") as tmp:
        folder = init_project(Path(tmp) / schema, name=name, **options)
        return copy_store(folder.store, dst)
