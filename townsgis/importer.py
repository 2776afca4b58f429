"""Import a user's layer file into a project: read → validate → write as WGS84 GeoJSON.

The input file is only read, never modified. The layer is written through the project's store
(``townsgis.store``): atomically, with the previous version kept in the project's history, so a
failed import leaves the project as it was and a bad one can be undone (``townsgis restore``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from townsgis.errors import DataError, LayerIOError, SchemaError
from townsgis.layers import read_layer
from townsgis.messages import msg, register
from townsgis.project import Project
from townsgis.schema import KINDS, validate_layer
from townsgis.store import check_mode, merge_layers, read_only_error
from townsgis.waivers import project_waivers

register(
    {
        "import.in_file": ("{path}：{text}", "{path}: {text}"),
        "import.unknown_kind": (
            "未知的图层种类 {kind}；可用：{kinds}",
            "unknown layer kind {kind}; expected one of {kinds}",
        ),
        "import.onto_itself": (
            "{path}：是本项目自己的 {kind} 图层；导入到它自己会覆盖输入（只检查请加 --check-only）",
            "{path}: is the project's own {kind} layer; importing it onto itself would "
            "overwrite the input (use --check-only to check it)",
        ),
        "import.no_crs": ("缺失", "missing"),
        "import.no_region": (
            "{root}：townsgis.toml 中没有 region_bbox；未检查范围",
            "{root}: no region_bbox in townsgis.toml; region not checked",
        ),
        "import.no_reference": (
            "项目没有 {kind} 图层（{source}）；{what}",
            "the project has no {kind} layer ({source}); {what}",
        ),
        "import.units_not_checked": ("未检查 unit_id", "unit_id not checked"),
        "import.towns_not_checked": ("未检查 town_id 和位置", "town_id and locations not checked"),
        "import.mode.replace": ("替换", "replace"),
        "import.mode.append": ("追加", "append"),
        "import.mode.update": ("更新", "update"),
        "import.breaks": (
            "{path}：以 --mode {mode} 导入 {kind} 会破坏 {n} 处引用：\n{lines}\n"
            "请先修正，或加 --force 强制导入",
            "{path}: importing {kind} with --mode {mode} would break {n} reference(s):\n"
            "{lines}\nfix them first, or pass --force to import anyway",
        ),
        "import.ref_projects": (
            "小镇 {town} 将消失；{n} 个项目引用它：{ids}",
            "town {town} disappears; {n} project(s) name it: {ids}",
        ),
        "import.ref_waiver": (
            "豁免 #{i}（{rule}）：引用了缺失的小镇 {towns}",
            "waiver #{i} ({rule}): names missing town(s) {towns}",
        ),
        "import.ref_table": (
            "{name}：有缺失小镇 {towns} 的数据行",
            "{name}: rows for missing town(s) {towns}",
        ),
        "import.ref_unit": (
            "小镇 {town}：其所属单元 {unit} 将消失",
            "town {town}: its unit {unit} disappears",
        ),
        "import.points_need_area": (
            "以点给出的小镇需要 planned_area_km2（规划面积，平方公里）列：每个小镇画成该面积的圆；"
            "或导入小镇的面状范围",
            "towns given as points need a planned_area_km2 column (km²): each town is drawn as "
            "a circle of that area; or import the towns' polygons",
        ),
        "import.point_area_bad": (
            "{where}：planned_area_km2 = {value!r} 不是正的平方公里数（点状小镇画成该面积的圆）",
            "{where}: planned_area_km2 = {value!r} is not a positive number of km² (a point "
            "town is drawn as a circle of it)",
        ),
        "import.points_as_circles": (
            "{file}：{n} 个小镇以点给出，各画成其规划面积的圆并标为近似"
            "（导入面状范围可得真实边界）",
            "{file}: {n} town(s) given as points; each drawn as a circle of its "
            "planned_area_km2 and marked approximate (import polygons for real boundaries)",
        ),
        "import.points_source": (
            "{file} 的点位，按规划面积画成的圆（近似范围）",
            "points of {file} drawn as circles of their planned area (approximate)",
        ),
        "import.zone_no_parent": (
            "功能区 {zone}：缺少 parent_id；请给出它所在的区或县",
            "functional zone {zone}: no parent_id; give the district or county it lies in",
        ),
        "import.zone_bad_parent": (
            "功能区 {zone}：parent_id {parent!r} 不是本图层的区或县（{known}）",
            "functional zone {zone}: parent_id {parent!r} is not a district or county of the "
            "layer ({known})",
        ),
        "import.zone_outside": (
            "功能区 {zone}：只有 {share:.0%} 的面积位于其上级 {parent} 内（至少应为 {need:.0%}）",
            "functional zone {zone}: only {share:.0%} of its area lies in its parent {parent} "
            "(at least {need:.0%} must)",
        ),
    }
)


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
    mode: str = "replace"
    total: int = 0  # features in the layer after the import
    kept_version: int | None = None  # history version holding the layer it replaced

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
    mode: str = "replace",
    force: bool = False,
    layer_format: str | None = None,
) -> ImportResult:
    """Check ``path`` as a layer of ``kind`` and (unless ``check_only``) write it to the project
    through its store with ``mode`` (replace, append, update: see ``townsgis.store``).

    ``crs`` names the input CRS (gcj02, bd09, wgs84, cgcs2000, EPSG:n); the written layer is
    always WGS84 (EPSG:4326). Towns are checked against the project's units, projects against
    its towns (a project must lie inside its own town). A write that would leave references
    broken (projects or waivers or indicator rows naming towns that disappear, towns in units
    that disappear) is refused with the list unless ``force``. The previous layer is kept in
    the project's history. ``layer_format`` (``geojson``, ``gpkg``, ``parquet``; folder
    store) is the format the layer is kept in from now on (default: as it is). Raises
    ``SchemaError`` listing every problem, ``LayerIOError``/``CRSError`` for unreadable
    files, ``DataError`` for refused writes.
    """
    check_mode(mode)
    if kind not in KINDS:
        raise SchemaError(
            str(path), [msg("import.unknown_kind", kind=repr(kind), kinds=", ".join(KINDS))]
        )
    store = project.store
    path = Path(path)
    if not check_only and store.read_only:
        raise read_only_error(store.location, kind)
    target = store.layer_source(kind)
    same = path.exists() and Path(target).exists() and path.resolve() == Path(target).resolve()
    if not check_only and same:
        raise LayerIOError.of("import.onto_itself", path=str(path), kind=kind)
    gdf = read_layer(path, crs=crs, encoding=encoding, require_crs=False)
    notes = list(gdf.attrs.get("notes", []))
    # read_layer has already reprojected to WGS84: report the CRS the file declared.
    crs_in = crs or gdf.attrs.get("declared_crs") or msg("import.no_crs")

    if kind == "towns":
        gdf = points_to_circles(gdf, str(path), notes)
    refs: dict = {}
    if kind in ("towns", "proposals"):
        refs["units"] = _reference(project, "units", notes, msg("import.units_not_checked"))
    if kind == "projects":
        refs["towns"] = _reference(project, "towns", notes, msg("import.towns_not_checked"))
    if kind == "proposals":  # the one reading `site --file` and the workbench share
        from townsgis.siting.sites import proposals_frame

        clean = proposals_frame(
            project, refs["units"], gdf, str(path), fix_geometry=fix_geometry, notes=notes
        )
        fixes = list(clean.attrs.pop("fixes", []))
    else:
        clean, fixes = validate_layer(
            gdf, kind, source=str(path), project=project, fix_geometry=fix_geometry, **refs
        )
    if project.region_bbox is None:
        notes.append(msg("import.no_region", root=project.root))
    old = store.read_layer(kind) if store.has_layer(kind) else None
    try:
        merged = merge_layers(old, clean, mode, kind)
    except DataError as exc:
        raise DataError.of("import.in_file", path=str(path), text=str(exc)) from None
    if kind == "units":
        zone_problems = check_zones(merged)
        if zone_problems:
            raise SchemaError(str(path), zone_problems)
    broken = broken_references(project, kind, merged)
    if broken and not force:
        lines = "\n".join(f"  - {b}" for b in broken)
        raise DataError.of(
            "import.breaks", path=str(path), kind=kind, mode=mode, n=len(broken), lines=lines
        )
    notes += [f"--force: {b}" for b in broken]
    kept = None
    if not check_only:
        extra = {"layer_format": layer_format} if layer_format else {}
        kept = store.write_layer(
            kind, clean, mode=mode, reason=f"import {kind} {path.name} --mode {mode}", **extra
        )
        target = store.layer_source(kind)
    bounds = [round(float(v), 6) for v in merged.total_bounds] if len(merged) else None
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
        mode=mode,
        total=int(len(merged)),
        kept_version=kept.version if kept else None,
    )


def points_to_circles(gdf, source: str, notes: list[str]):
    """Towns given as points (a CSV/XLSX of lon/lat, a point layer) become circles of their
    ``planned_area_km2`` (km², drawn in the CGCS2000 3° zone of the points), flagged
    ``approximate``; a note says so. Other layers are returned as they are."""
    import numpy as np
    import pandas as pd

    from townsgis import vocab
    from townsgis.crs import analysis_crs

    geoms = gdf.geometry
    if gdf.crs is None or not len(gdf) or not (geoms.geom_type == "Point").all():
        return gdf
    cols = [c for c in gdf.columns if c != geoms.name]
    headed = {b: a for a, b in vocab.header_map(cols, "towns").items()}
    col = "planned_area_km2" if "planned_area_km2" in cols else headed.get("planned_area_km2")
    if col is None:
        raise SchemaError(
            source,
            [msg("import.points_need_area")],
        )
    area = pd.to_numeric(gdf[col], errors="coerce")
    bad = np.flatnonzero(~(area > 0).to_numpy())
    if len(bad):
        base = int(gdf.attrs.get("row_base", 1))
        word = gdf.attrs.get("row_word", "feature")
        raise SchemaError(
            source,
            [
                msg(
                    "import.point_area_bad",
                    where=f"{word} {base + i}",
                    value=gdf[col].iloc[i],
                )
                for i in bad
            ],
        )
    metric = analysis_crs(gdf)
    radius = np.sqrt(area.to_numpy() * 1e6 / np.pi)
    circles = gdf.geometry.to_crs(metric).buffer(radius, quad_segs=32).to_crs(gdf.crs)
    out = gdf.set_geometry(circles)
    added = [c for c in ("approximate", "source") if c not in out.columns]
    out["approximate"] = True
    if "source" not in out.columns:
        out["source"] = msg("import.points_source", file=Path(source).name)
    out.attrs["added"] = added  # not the file's columns (messages list the file's own)
    notes.append(msg("import.points_as_circles", file=Path(source).name, n=len(out)))
    return out


ZONE_MIN_SHARE = 0.95  # share of a functional zone's area that must lie in its parent


def check_zones(units) -> list[str]:
    """Problems of the functional zones of a units layer: each names a district or county of
    the layer as ``parent_id`` and lies (≥ 95 % of its area, in the layer's 3° GK zone) inside
    it. One line per zone."""
    from townsgis.crs import analysis_crs
    from townsgis.dataset import FUNCTIONAL_ZONE

    if "kind" not in units.columns or not (units["kind"] == FUNCTIONAL_ZONE).any():
        return []
    metric = units.to_crs(analysis_crs(units))
    ids = metric["unit_id"].map(_text)
    base = metric[metric["kind"] != FUNCTIONAL_ZONE]
    parents = dict(zip(base["unit_id"].map(_text), base.geometry, strict=True))
    problems = []
    for uid, row in zip(ids, metric.itertuples(index=False), strict=True):
        if row.kind != FUNCTIONAL_ZONE:
            continue
        parent = _text(getattr(row, "parent_id", None))
        zone = f"{uid} ({row.name_zh})"
        if not parent:
            problems.append(msg("import.zone_no_parent", zone=zone))
            continue
        if parent not in parents:
            known = ", ".join(sorted(parents)[:20])
            problems.append(msg("import.zone_bad_parent", zone=zone, parent=parent, known=known))
            continue
        geom = row.geometry
        share = geom.intersection(parents[parent]).area / geom.area if geom.area else 0.0
        if share < ZONE_MIN_SHARE:
            problems.append(
                msg(
                    "import.zone_outside",
                    zone=zone,
                    share=share,
                    parent=parent,
                    need=ZONE_MIN_SHARE,
                )
            )
    return problems


def _reference(project: Project, kind: str, notes: list[str], what: str):
    store = project.store
    if not store.has_layer(kind):
        notes.append(
            msg("import.no_reference", kind=kind, source=store.layer_source(kind), what=what)
        )
        return None
    return store.read_layer(kind)


def broken_references(project: Project, kind: str, layer) -> list[str]:
    """What would refer to a missing feature if ``layer`` became the project's ``kind``:
    projects, waivers and indicator/assessment rows naming towns not in a towns layer;
    towns and functional zones naming units not in a units layer. One line per reference."""
    store = project.store
    out: list[str] = []
    if kind == "towns":
        known = {_text(v) for v in layer["town_id"]} if "town_id" in layer.columns else set()
        if store.has_layer("projects"):
            projects = store.read_layer("projects")
            if "town_id" in projects.columns:
                lost: dict[str, list[str]] = {}
                for pid, tid in zip(projects["project_id"], projects["town_id"], strict=True):
                    if _text(tid) not in known:
                        lost.setdefault(_text(tid), []).append(_text(pid))
                for tid, pids in sorted(lost.items()):
                    out.append(msg("import.ref_projects", town=tid, n=len(pids), ids=_ids(pids)))
        try:
            waivers = project_waivers(project)
        except DataError:
            waivers = []
        for i, w in enumerate(waivers, start=1):
            gone = [t for t in w.towns if t not in known]
            if gone:
                out.append(msg("import.ref_waiver", i=i, rule=w.rule, towns=", ".join(gone)))
        for name in ("indicators", "assessment"):
            gone = _table_towns(project, name) - known
            if gone:
                out.append(msg("import.ref_table", name=name, towns=", ".join(sorted(gone))))
    elif kind == "units":
        known = {_text(v) for v in layer["unit_id"]} if "unit_id" in layer.columns else set()
        if store.has_layer("towns"):
            towns = store.read_layer("towns")
            if "unit_id" in towns.columns:
                for tid, uid in zip(towns["town_id"], towns["unit_id"], strict=True):
                    if _text(uid) and _text(uid) not in known:
                        out.append(msg("import.ref_unit", town=_text(tid), unit=_text(uid)))
    return out


def _ids(ids: list[str], most: int = 20) -> str:
    more = f" … ({len(ids) - most} more)" if len(ids) > most else ""
    return ", ".join(ids[:most]) + more


def _table_towns(project: Project, name: str) -> set[str]:
    import io

    import pandas as pd

    data = project.store.read_document(name)
    if not data:
        return set()
    try:
        df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception:
        return set()
    if "town_id" not in df.columns:
        return set()
    return {v.strip() for v in df["town_id"] if v.strip()}


def _text(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
