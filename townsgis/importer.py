"""Import a user's layer file into a project: read → validate → write as WGS84 GeoJSON.

The input file is only read, never modified. The output replaces ``project.layer_path(kind)``
atomically, so a failed import leaves the project as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from townsgis.errors import LayerIOError, SchemaError
from townsgis.layers import read_layer, write_layer
from townsgis.project import Project
from townsgis.schema import KINDS, validate_layer


@dataclass
class ImportResult:
    """What an import checked and wrote. ``bounds`` are WGS84 (lon/lat, degrees)."""

    kind: str
    source: str
    target: str
    count: int
    crs_in: str
    written: bool
    bounds: list[float] | None
    fixes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def import_layer(
    project: Project,
    kind: str,
    path: str | Path,
    *,
    crs: str | None = None,
    encoding: str | None = None,
    fix_geometry: bool = False,
    check_only: bool = False,
) -> ImportResult:
    """Check ``path`` as a layer of ``kind`` and (unless ``check_only``) write it to the project.

    ``crs`` names the input CRS (gcj02, bd09, wgs84, cgcs2000, EPSG:n); the written layer is
    always WGS84 (EPSG:4326). Towns are checked against the project's units, projects against
    its towns (a project must lie inside its own town). Raises ``SchemaError`` listing every
    problem, ``LayerIOError``/``CRSError`` for unreadable files.
    """
    if kind not in KINDS:
        raise SchemaError(str(path), [f"unknown layer kind {kind!r}; expected one of {KINDS}"])
    path = Path(path)
    target = project.layer_path(kind)
    if not check_only and path.exists() and target.exists() and path.resolve() == target.resolve():
        raise LayerIOError(
            f"{path}: is the project's own {kind} layer; importing it onto itself would "
            "overwrite the input (use --check-only to check it)"
        )
    gdf = read_layer(path, crs=crs, encoding=encoding, require_crs=False)
    notes = list(gdf.attrs.get("notes", []))
    # read_layer has already reprojected to WGS84: report the CRS the file declared.
    crs_in = crs or gdf.attrs.get("declared_crs") or "missing"

    refs: dict = {}
    if kind in ("towns", "proposals"):
        refs["units"] = _reference(project, "units", notes, "unit_id not checked")
    if kind == "projects":
        refs["towns"] = _reference(project, "towns", notes, "town_id and locations not checked")
    clean, fixes = validate_layer(
        gdf, kind, source=str(path), project=project, fix_geometry=fix_geometry, **refs
    )
    if project.region_bbox is None:
        notes.append(f"{project.root}: no region_bbox in townsgis.toml; region not checked")
    if kind == "towns":
        notes += _orphaned_projects(project, clean)
    if not check_only:
        write_layer(clean, target)
    bounds = [round(float(v), 6) for v in clean.total_bounds] if len(clean) else None
    return ImportResult(
        kind=kind,
        source=str(path),
        target=str(target),
        count=int(len(clean)),
        crs_in=str(crs_in),
        written=not check_only,
        bounds=bounds,
        fixes=fixes,
        notes=notes,
    )


def _reference(project: Project, kind: str, notes: list[str], what: str):
    path = project.layer_path(kind)
    if not path.exists():
        notes.append(f"the project has no {kind} layer ({path}); {what}")
        return None
    return read_layer(path)


def _orphaned_projects(project: Project, towns) -> list[str]:
    """A note when the project's existing projects refer to towns the new layer lacks."""
    path = project.layer_path("projects")
    if not path.exists():
        return []
    projects = read_layer(path)
    if "town_id" not in projects.columns:
        return []
    known = {str(v) for v in towns["town_id"]}
    lost = sorted({str(v) for v in projects["town_id"]} - known)
    n = int(projects["town_id"].astype(str).isin(lost).sum())
    if not n:
        return []
    return [
        f"{n} project(s) in {path.name} refer to towns not in the new layer "
        f"({', '.join(lost)}); re-import projects or they fail the next check"
    ]
