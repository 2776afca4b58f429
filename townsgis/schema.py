"""Declared schemas of the layer kinds and the check that enforces them.

``validate_layer`` collects EVERY problem of a layer (columns, types, enums, ids, geometry,
CRS, region, cross-layer references) and raises one ``SchemaError`` listing them all; each
problem names the feature (``feature 3 (HZ-03 湖州丝绸小镇)`` for vector files, ``row 4 (…)``
for CSV/XLSX, counting the header as row 1). Nothing is repaired silently: with
``fix_geometry=True`` invalid geometries are repaired with ``shapely.make_valid`` and every
repair is reported.

Input frames are in WGS84 (as ``townsgis.layers.read_layer`` returns them); areas and
distances in messages are computed in the metric analysis CRS (EPSG:4549 for Huzhou).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from townsgis import vocab
from townsgis.errors import SchemaError
from townsgis.messages import msg, register
from townsgis.validate import MAX_AREA_KM2, MAX_YI, show

if TYPE_CHECKING:
    import geopandas as gpd

    from townsgis.dataset import Dataset
    from townsgis.project import Project

register(
    {
        "schema.word.feature": ("个要素", "feature"),
        "schema.word.row": ("行", "row"),
        "schema.label": ("第 {n} {word}{tag}", "{word} {n}{tag}"),
        "schema.name_tag": ("（{name}）", " ({name})"),
        "schema.more": (
            "……另有 {n} {word}有同样的问题（第 {first}{more}）：{text}",
            "… and {n} more {word}s with the same problem ({first}{more}): {text}",
        ),
        "schema.unknown_kind": (
            "未知的图层类型 {kind!r}；可用：{kinds}",
            "unknown layer kind {kind!r}; expected one of {kinds}",
        ),
        "schema.no_features": (
            "图层没有要素（应为 {kind}）",
            "the layer has no features (expected {kind})",
        ),
        "schema.truncated": (
            "列 {short!r} 读作“{label}”（Shapefile 字段名最多 10 个字符）",
            "column {short!r} read as {name!r} (Shapefile field names are cut to 10 characters)",
        ),
        "schema.missing_column": (
            "缺少列“{label}”（{what}；可用表头：{words}）{hint}；文件中的列：{found}",
            "missing column {name!r} ({what}){hint}; columns found: {found}",
        ),
        "schema.empty": ("{field}为空", "{field} is empty"),
        "schema.not_text": ("{field} {value} 不是文本", "{field} {value} is not text"),
        "schema.not_number": ("{field} {value} 不是数字", "{field} {value} is not a number"),
        "schema.not_finite": (
            "{field} {value} 不是有限数值",
            "{field} {value} is not a finite number",
        ),
        "schema.below": ("{field} {value} 小于 {limit}", "{field} {value} is below {limit}"),
        "schema.above": ("{field} {value} 大于 {limit}", "{field} {value} is above {limit}"),
        "schema.not_bool": ("{field} {value} 不是 是/否", "{field} {value} is not true/false"),
        "schema.not_quarter": (
            "{field} {value} 不是季度（写法如 2018Q3）",
            "{field} {value} is not like 2018Q3",
        ),
        "schema.amount_exceeds": (
            "{part} {a} 亿元超过{whole} {b} 亿元",
            "{part} {a} (100M yuan) exceeds {whole} {b} (100M yuan)",
        ),
        "schema.duplicate_id": (
            "{field} {value} 重复，见第 {where} {word}（编号必须唯一）",
            "duplicate {field} {value} at {word}s {where} (ids must be unique)",
        ),
        "schema.no_geometry": ("没有几何图形", "no geometry"),
        "schema.empty_geometry": ("几何图形为空", "empty geometry"),
        "schema.wrong_geometry": (
            "几何类型为 {got}，应为 {allowed}",
            "geometry is {got}; expected {allowed}",
        ),
        "schema.invalid_geometry": (
            "几何图形无效：{reason}（可加 --fix-geometry 用 make_valid 修复）",
            "invalid geometry: {reason} (use --fix-geometry to repair it with make_valid)",
        ),
        "schema.unrepairable": (
            "几何图形无效（{reason}）；make_valid 修复后为 {got}",
            "invalid geometry ({reason}); make_valid gives {got}",
        ),
        "schema.nothing": ("空", "nothing"),
        "schema.repaired": (
            "{label}：已修复无效几何（{reason}）：{change}",
            "{label}: repaired invalid geometry ({reason}): {change}",
        ),
        "schema.area_change": (
            "，面积 {before} → {after} 平方公里（按 {crs} 计算）",
            ", area {before} → {after} km² (in {crs})",
        ),
        "schema.no_crs_empty": (
            "缺少坐标系：文件没有说明所用坐标系；请用 --crs 指定（gcj02、bd09、wgs84、cgcs2000 "
            "或 EPSG:n）",
            "missing CRS: the file does not say which coordinate system it uses; name it "
            "with --crs (gcj02, bd09, wgs84, cgcs2000 or EPSG:n)",
        ),
        "schema.no_crs": (
            "缺少坐标系：文件没有说明所用坐标系（Shapefile 缺少 .prj？）；请用 --crs 指定；{hint}",
            "missing CRS: the file does not say which coordinate system it uses "
            "(a Shapefile without .prj?); name it with --crs; {hint}",
        ),
        "schema.looks_degrees": (
            "坐标看起来是经纬度：--crs wgs84（高德/百度坐标用 gcj02/bd09）",
            "the coordinates look like lon/lat degrees: --crs wgs84 (or gcj02/bd09 for Amap/Baidu)",
        ),
        "schema.looks_metres": (
            "坐标看起来是投影坐标（米）：如 --crs EPSG:4549"
            "（CGCS2000 3° 高斯-克吕格，中央经线 120°E）",
            "the coordinates look projected (metres): e.g. --crs EPSG:4549 "
            "(CGCS2000 3° Gauss-Krüger, CM 120°E)",
        ),
        "schema.outside_region": (
            "位于经度 {x}、纬度 {y}，在{city}范围 {box} 之外：{hint}",
            "at lon {x}, lat {y}, outside the region {box} of {city}: {hint}",
        ),
        "hint.swapped": (
            "经纬度似乎写反了（对调后落在范围内）",
            "lon/lat look swapped (swapped, it falls inside the region)",
        ),
        "hint.not_degrees": (
            "这不是经纬度（投影坐标，单位米？）：--crs 错误或缺失",
            "these are not lon/lat degrees (projected metres?): wrong or missing --crs",
        ),
        "hint.gcj02": (
            "若输入为 GCJ-02（高德）坐标则落在范围内：请用 --crs gcj02",
            "it would fit if the input were GCJ-02 (Amap): use --crs gcj02",
        ),
        "hint.bd09": (
            "若输入为 BD-09（百度）坐标则落在范围内：请用 --crs bd09",
            "it would fit if the input were BD-09 (Baidu): use --crs bd09",
        ),
        "hint.wgs84": (
            "不做 GCJ-02/BD-09 转换则落在范围内：输入是否为 WGS84？",
            "it would fit without the GCJ-02/BD-09 conversion: is the input WGS84?",
        ),
        "hint.other": (
            "--crs 有误，或是其他城市的要素？",
            "wrong --crs, or a feature of another city?",
        ),
        "schema.unknown_unit": (
            "{field} {value} 不是县区图层中的单元（可用：{known}）",
            "unit_id {value} is not a unit of the units layer (known: {known})",
        ),
        "schema.unknown_town": (
            "{field} {value} 不是小镇图层中的小镇（可用：{known}）",
            "town_id {value} is not a town of the towns layer (known: {known})",
        ),
        "schema.outside_towns": (
            "不在任何小镇内，距所属小镇 {town} {dist} 米（最近的小镇：{near}；距离按 {crs} 计算）",
            "lies outside every town, {dist} m from its own town {town} (nearest town: {near}; "
            "distances in {crs})",
        ),
        "schema.in_other_town": (
            "位于小镇 {where} 内，不在所属小镇 {town} 内（相距 {dist} 米，按 {crs} 计算）",
            "lies in town {where}, not in its own town {town} ({dist} m away, in {crs})",
        ),
    }
)


def _f(name: str) -> str:
    """A field as a message names it: 规划面积（平方公里） in Chinese, its column in English."""
    from townsgis.i18n import get_lang

    return name if get_lang() == "en" else vocab.field_label(name, "zh")


MAX_ROWS_PER_PROBLEM = 20  # rows listed per (column, check); the rest are counted

# The enumerations are the vocabulary's (townsgis.vocab: labels, input words, colours).
LEVELS = vocab.LEVELS
CATEGORIES = vocab.CATEGORIES
SCENIC_GRADES = vocab.SCENIC_GRADES
STAGES = vocab.STAGES
UNIT_KINDS = vocab.UNIT_KINDS
QUARTER = r"^\d{4}Q[1-4]$"
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Column:
    """One declared attribute: ``dtype`` is ``str``, ``float``, ``int`` or ``bool``."""

    name: str
    dtype: str = "str"
    required: bool = False  # the column must exist
    nullable: bool = True  # its values may be empty
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    doc: str = ""
    domain: str | None = None  # vocabulary domain: values read with townsgis.vocab.lookup


@dataclass(frozen=True)
class LayerSchema:
    kind: str
    columns: tuple[Column, ...]
    geom_types: tuple[str, ...]
    id_column: str | None
    name_columns: tuple[str, ...] = ("name_zh", "name")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _req(name: str, dtype: str = "str", **kw) -> Column:
    return Column(name, dtype, required=True, nullable=False, **kw)


SCHEMAS: dict[str, LayerSchema] = {
    "units": LayerSchema(
        "units",
        (
            _req("unit_id", doc="6-digit admin code or a functional zone's slug"),
            _req("name_zh"),
            Column("name_en"),
            _req("kind", enum=UNIT_KINDS, domain="unit_kind"),
            Column("parent_id"),
            Column("source"),
            Column("approximate", "bool"),
        ),
        POLYGONAL,
        "unit_id",
    ),
    "towns": LayerSchema(
        "towns",
        (
            _req("town_id"),
            _req("name_zh"),
            Column("name_en"),
            _req("unit_id", doc="a unit_id of the units layer (§3.1.1c caps per unit)"),
            _req("level", enum=LEVELS, doc="§3.1.1a/b", domain="level"),
            _req("category", enum=CATEGORIES, doc="§3.1.3", domain="category"),
            Column("industry"),
            Column("lead_department", doc="§4.2b"),
            Column("investor", doc="investment and construction company, §3.5.1"),
            Column(
                "investor_type",
                doc="what the investor is (company/公司/企业, government …), §3.5.1 公司化",
            ),
            Column("scenic_grade", enum=SCENIC_GRADES, doc="§3.4.3", domain="scenic_grade"),
            Column("planned_area_km2", "float", minimum=0.0, maximum=MAX_AREA_KM2, doc="km²"),
            Column("construction_area_km2", "float", minimum=0.0, maximum=MAX_AREA_KM2, doc="km²"),
            Column(
                "residential_area_km2",
                "float",
                minimum=0.0,
                maximum=MAX_AREA_KM2,
                doc="km² of residential land (2021 guideline: about ≤ 1/3 of construction land)",
            ),
            Column("approximate", "bool"),
        ),
        POLYGONAL,
        "town_id",
    ),
    "projects": LayerSchema(
        "projects",
        (
            _req("project_id"),
            _req("town_id", doc="a town_id of the towns layer"),
            _req("name_zh"),
            _req("stage", enum=STAGES, doc="the 'four batches', §3.3.1", domain="stage"),
            _req("total_investment", "float", minimum=0.0, maximum=MAX_YI, doc="亿元"),
            Column("invested_to_date", "float", minimum=0.0, maximum=MAX_YI, doc="亿元"),
            Column("specialty_industry", "float", minimum=0.0, maximum=MAX_YI, doc="亿元, §2.3"),
            Column("government_share", "float", minimum=0.0, maximum=1.0, doc="fraction, §2.3"),
            Column("tech_investment", "float", minimum=0.0, maximum=MAX_YI, doc="亿元, §3.2.1"),
            Column("start_quarter", pattern=QUARTER),
            Column("stage_since", pattern=QUARTER),
            Column("stage_history"),
            Column("first_batch", "bool", doc="in the first (首期) four-batches library, §3.3.3"),
            Column("synthetic", "bool"),
        ),
        ("Point",),
        "project_id",
    ),
    "proposals": LayerSchema(
        "proposals",
        (
            Column("proposal_id"),
            _req("name_zh", doc="or `name`"),
            Column("name_en"),
            _req("category", enum=CATEGORIES, domain="category"),
            _req("level", enum=LEVELS, domain="level"),
            Column(
                "area_km2",
                "float",
                minimum=0.0,
                maximum=MAX_AREA_KM2,
                doc="km²; a point stands for this area",
            ),
            Column("note"),
            Column("synthetic", "bool"),
        ),
        ("Point", "Polygon", "MultiPolygon"),
        "proposal_id",
    ),
}
KINDS = tuple(SCHEMAS)


# --------------------------------------------------------------------------------------
class _Problems:
    """Problems of one layer, each naming its feature; long row lists are capped."""

    def __init__(self, gdf: gpd.GeoDataFrame, schema: LayerSchema):
        self.items: list[str] = []
        from townsgis.i18n import get_lang

        self.zh = get_lang() != "en"
        self.sep = "：" if self.zh else ": "
        word = gdf.attrs.get("row_word", "feature")
        self.word = msg(f"schema.word.{word}") if word in ("feature", "row") else word
        self.base = int(gdf.attrs.get("row_base", 1))
        self._ids = _col_or_none(gdf, schema.id_column)
        name = next((c for c in schema.name_columns if c in gdf.columns), None)
        self._names = _col_or_none(gdf, name)

    def label(self, i: int) -> str:
        """``feature 3 (HZ-03 湖州丝绸小镇)``: row number plus id and name when known."""
        bits = [_short(v) for v in (_cell(self._ids, i), _cell(self._names, i)) if v is not None]
        tag = (f"（{' '.join(bits)}）" if self.zh else f" ({' '.join(bits)})") if bits else ""
        return msg("schema.label", n=self.base + i, word=self.word, tag=tag)

    def add(self, text: str) -> None:
        self.items.append(text)

    def rows(self, positions, message) -> None:
        """One problem per row position; ``message(i)`` describes row ``i``."""
        positions = list(positions)
        for i in positions[:MAX_ROWS_PER_PROBLEM]:
            self.items.append(f"{self.label(i)}{self.sep}{message(i)}")
        rest = positions[MAX_ROWS_PER_PROBLEM:]
        if rest:
            first = ", ".join(str(self.base + i) for i in rest[:10])
            more = ", …" if len(rest) > 10 else ""
            self.items.append(
                msg(
                    "schema.more",
                    n=len(rest),
                    word=self.word,
                    first=first,
                    more=more,
                    text=message(rest[0]),
                )
            )


def _short(v, width: int = 40) -> str:
    text = str(v) if isinstance(v, str) else show(v)
    return text if len(text) <= width else text[: width - 1] + "…"


def _col_or_none(gdf, col):
    return gdf[col].tolist() if col and col in gdf.columns else None


def _cell(values, i):
    if values is None:
        return None
    v = values[i]
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v


# --------------------------------------------------------------------------------------
def validate_layer(
    gdf: gpd.GeoDataFrame,
    kind: str,
    *,
    source: str,
    project: Project | None = None,
    units: gpd.GeoDataFrame | None = None,
    towns: gpd.GeoDataFrame | None = None,
    fix_geometry: bool = False,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Check ``gdf`` (WGS84) against the schema of ``kind``; return (normalised copy, fixes).

    ``project`` gives the region box; ``units`` enables the unit_id check (towns, proposals);
    ``towns`` enables the town_id and inside-its-town checks (projects). Raises one
    ``SchemaError(source, problems)`` listing every problem found.
    """
    if kind not in SCHEMAS:
        raise SchemaError(source, [msg("schema.unknown_kind", kind=kind, kinds=KINDS)])
    schema = SCHEMAS[kind]
    gdf = gdf.copy().reset_index(drop=True)
    attrs = dict(gdf.attrs)
    gdf = _rename_headers(gdf, schema)
    if kind == "proposals" and "name_zh" not in gdf.columns and "name" in gdf.columns:
        gdf["name_zh"] = gdf["name"]
    headers = gdf.attrs.get("headers", {})  # field -> the file's own header
    gdf, fixes = _restore_truncated_names(gdf, schema)
    gdf.attrs = dict(attrs, headers=headers)
    p = _Problems(gdf, schema)

    if len(gdf) == 0:
        p.add(msg("schema.no_features", kind=kind))
    _check_columns(gdf, schema, p)
    _check_ids(gdf, schema, p)
    fixes += _check_geometry(gdf, schema, p, fix_geometry)
    misplaced = _check_crs_and_region(gdf, p, project)
    if kind == "projects":
        _check_amounts(gdf, p)
    if units is not None and "unit_id" in gdf.columns and kind != "units":
        _check_unit_ids(gdf, units, p)
    if towns is not None and kind == "projects":
        _check_projects_in_towns(gdf, towns, p, skip=misplaced)

    if p.items:
        raise SchemaError(source, p.items)
    for col in schema.columns:  # declared columns always exist downstream
        if col.name not in gdf.columns:
            gdf[col.name] = None
    order = schema.names + [c for c in gdf.columns if c not in schema.names]
    gdf = gdf[order]
    gdf.attrs = attrs
    return gdf, fixes


def _rename_headers(gdf, schema: LayerSchema):
    """Columns headed with an office's words (名称, 类别, 所属区县, 规划面积（平方公里）…) renamed
    to the declared fields (townsgis.vocab.header_map); other columns are kept as they are."""
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    wanted = set(schema.names) | ({"name"} if "name_zh" in schema.names else set())
    renames = {a: b for a, b in vocab.header_map(cols, schema.kind).items() if b in wanted}
    if not renames:
        return gdf
    headers = dict(gdf.attrs.get("headers", {}))
    out = gdf.rename(columns=renames)
    out.attrs["headers"] = {**headers, **{b: headers.get(a, a) for a, b in renames.items()}}
    return out


def _restore_truncated_names(gdf, schema: LayerSchema):
    """Rename Shapefile-truncated columns (``planned_ar``) to their declared names."""
    renames = {}
    for col in schema.columns:
        short = col.name[:10]
        if len(col.name) > 10 and col.name not in gdf.columns and short in gdf.columns:
            renames[short] = col.name
    fixes = [
        msg("schema.truncated", short=a, name=b, label=vocab.field_label(b, "zh"))
        for a, b in renames.items()
    ]
    return (gdf.rename(columns=renames) if renames else gdf), fixes


def _check_columns(gdf, schema: LayerSchema, p: _Problems) -> None:
    present = [c for c in gdf.columns if c != gdf.geometry.name]
    for col in schema.columns:
        if col.name not in gdf.columns:
            if col.required:
                close = difflib.get_close_matches(col.name, present, n=1, cutoff=0.6)
                lower = [c for c in present if c.lower() == col.name.lower()]
                hint = lower or close
                extra = msg("vocab.did_you_mean", word=hint[0]) if hint else ""
                words = vocab.header_words(col.name, schema.kind)[:4]
                headers, added = gdf.attrs.get("headers", {}), gdf.attrs.get("added", ())
                found = [str(headers.get(c, c)) for c in present if c not in added]
                p.add(
                    msg(
                        "schema.missing_column",
                        name=col.name,
                        label=vocab.field_label(col.name, "zh"),
                        what=_describe(col),
                        words="、".join(words),
                        hint=extra,
                        found=", ".join(found) or msg("none"),
                    )
                )
            continue
        _check_values(gdf, col, p)


def _describe(col: Column) -> str:
    """What a column holds, for the "missing column" message. In Chinese: the vocabulary's
    words or the kind of value, and the notice's clauses the column serves (the English
    ``doc`` is not repeated)."""
    import re

    from townsgis.i18n import get_lang

    if get_lang() != "en":
        what = vocab.join(col.domain, col.enum) if col.domain else msg(f"dtype.{col.dtype}")
        clauses = re.findall(r"§[\d.]+[a-z]?(?:/[a-z])?", col.doc or "")
        return what + (f"，{'、'.join(clauses)}" if clauses else "")
    what = "|".join(col.enum) if col.enum else col.dtype
    return f"{what}{', ' + col.doc if col.doc else ''}"


def _blank(s: pd.Series) -> np.ndarray:
    """True where a value is missing or blank text."""
    isna = s.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return isna
    if pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        return isna | s.str.strip().eq("").fillna(False).to_numpy(dtype=bool)
    blank = s.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
    return isna | blank


def _to_str(s: pd.Series) -> pd.Series:
    """Text values stripped; integral numbers (ids, codes such as 330502) as text; else NaN."""
    if pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        return s.str.strip()
    if pd.api.types.is_integer_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("Int64").astype(str).where(s.notna(), None)
    return s.map(_as_str)


def _canonical(domain: str):
    """``v -> vocab.lookup(domain, v) or v`` for text (other values unchanged), each distinct
    text looked up once (a layer of 100,000 rows holds a handful of words)."""
    seen: dict[str, object] = {}

    def term(v):
        if not isinstance(v, str):
            return v
        if v not in seen:
            seen[v] = vocab.lookup(domain, v) or v
        return seen[v]

    return term


def _check_values(gdf, col: Column, p: _Problems) -> None:
    s = gdf[col.name]
    empty = _blank(s)
    if not col.nullable:
        p.rows(np.flatnonzero(empty), lambda i: msg("schema.empty", field=_f(col.name)))
    if col.dtype == "str":
        converted = _to_str(s)
        bad = np.flatnonzero(~empty & converted.isna().to_numpy())
        p.rows(bad, lambda i: msg("schema.not_text", field=_f(col.name), value=show(s.iloc[i])))
        values = converted
    elif col.dtype in ("float", "int"):
        if pd.api.types.is_bool_dtype(s):
            is_bool = np.ones(len(s), dtype=bool)
        elif pd.api.types.is_numeric_dtype(s):
            is_bool = np.zeros(len(s), dtype=bool)
        else:
            is_bool = s.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
        num = pd.to_numeric(s.where(~is_bool), errors="coerce").astype(float)
        arr = num.to_numpy()
        bad = np.flatnonzero(~empty & (num.isna().to_numpy() | is_bool))
        p.rows(bad, lambda i: msg("schema.not_number", field=_f(col.name), value=show(s.iloc[i])))
        infinite = ~empty & ~is_bool & num.notna().to_numpy() & ~np.isfinite(arr)
        p.rows(
            np.flatnonzero(infinite),
            lambda i: msg("schema.not_finite", field=_f(col.name), value=show(s.iloc[i])),
        )
        num = num.where(~infinite)
        arr = num.to_numpy()
        values = num
        ok = ~empty & num.notna().to_numpy()
        if col.minimum is not None:
            low = np.flatnonzero(ok & (arr < col.minimum))
            p.rows(
                low,
                lambda i: msg(
                    "schema.below", field=_f(col.name), value=show(arr[i]), limit=f"{col.minimum:g}"
                ),
            )
        if col.maximum is not None:
            high = np.flatnonzero(ok & (arr > col.maximum))
            unit = " km²" if col.name.endswith("_km2") else ""
            p.rows(
                high,
                lambda i: msg(
                    "schema.above",
                    field=_f(col.name),
                    value=f"{show(arr[i])}{unit}",
                    limit=f"{col.maximum:g}{unit}",
                ),
            )
    elif col.dtype == "bool":
        values = s.map(_as_bool)
        bad = np.flatnonzero(~empty & values.isna().to_numpy())
        p.rows(bad, lambda i: msg("schema.not_bool", field=_f(col.name), value=show(s.iloc[i])))
        values = values.astype(object)
    else:  # pragma: no cover - schema declaration error
        raise ValueError(col.dtype)
    valid = ~empty & values.notna().to_numpy()
    if col.domain:  # 制造业 → manufacturing, 省级培育 → provincial_cultivation, AAA → 3A
        values = values.map(_canonical(col.domain))
    if col.enum:
        outside = np.flatnonzero(valid & ~values.isin(col.enum).to_numpy())
        p.rows(outside, lambda i: _enum_message(col, values.iloc[i]))
    if col.pattern:
        matched = values.astype(object).where(valid, "").astype(str).str.match(col.pattern)
        nomatch = ~matched.to_numpy(dtype=bool)
        p.rows(
            np.flatnonzero(valid & nomatch),
            lambda i: msg("schema.not_quarter", field=_f(col.name), value=show(values.iloc[i])),
        )
    if col.dtype == "float":
        gdf[col.name] = values
    elif col.dtype == "bool" and valid.all():
        gdf[col.name] = values.astype(bool)
    else:
        gdf[col.name] = values.where(valid, None)


# (part, whole): a project's part of an amount cannot exceed the whole (亿元, §2.3, §3.2.1)
AMOUNT_LIMITS = (
    ("invested_to_date", "total_investment"),
    ("specialty_industry", "invested_to_date"),
    ("tech_investment", "invested_to_date"),
)


def _check_amounts(gdf, p: _Problems) -> None:
    for part, whole in AMOUNT_LIMITS:
        if part not in gdf.columns or whole not in gdf.columns:
            continue
        a = pd.to_numeric(gdf[part], errors="coerce")
        b = pd.to_numeric(gdf[whole], errors="coerce")
        over = np.flatnonzero((a > b).to_numpy(dtype=bool))
        p.rows(
            over,
            lambda i, part=part, whole=whole, a=a, b=b: msg(
                "schema.amount_exceeds",
                part=_f(part).split("（")[0],
                a=show(a.iloc[i]),
                whole=_f(whole).split("（")[0],
                b=show(b.iloc[i]),
            ),
        )


def _enum_message(col: Column, value) -> str:
    if col.domain:
        return vocab.unknown_word(col.domain, _short(value) if isinstance(value, str) else value)
    close = difflib.get_close_matches(str(value), col.enum, n=1, cutoff=0.5)
    lower = [e for e in col.enum if e.lower() == str(value).strip().lower()]
    hint = lower or close
    tail = f"; did you mean {hint[0]!r}?" if hint else ""
    return f"{col.name} {show(value)} is not one of {'|'.join(col.enum)}{tail}"


def _as_str(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))  # an id or code read as a number, e.g. 330502
    return None


_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}


def _as_bool(v):
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer | float | np.floating) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        t = v.strip().lower()
        return True if t in _TRUE else False if t in _FALSE else None
    return None


def _check_ids(gdf, schema: LayerSchema, p: _Problems) -> None:
    col = schema.id_column
    if col is None or col not in gdf.columns:
        return
    ids = gdf[col]
    dup = ids[ids.notna() & ids.duplicated(keep=False)]
    for value, idx in dup.groupby(dup, sort=False).groups.items():
        where = ", ".join(str(p.base + i) for i in idx)
        p.add(
            msg("schema.duplicate_id", field=_f(col), value=show(value), word=p.word, where=where)
        )


# --------------------------------------------------------------------------------------
# geometry
# --------------------------------------------------------------------------------------
_GEOM_NAMES = np.array(
    [
        "None",
        "Point",
        "LineString",
        "LinearRing",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
    ],
    dtype=object,
)


def _check_geometry(gdf, schema: LayerSchema, p: _Problems, fix: bool) -> list[str]:
    geoms = gdf.geometry.to_numpy()
    coords = gdf.attrs.get("coordinate_problems") or {}
    p.rows(sorted(coords), lambda i: coords[i])
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    no_geom = missing.copy()
    no_geom[list(coords)] = False
    p.rows(np.flatnonzero(no_geom), lambda i: msg("schema.no_geometry"))
    p.rows(np.flatnonzero(empty), lambda i: msg("schema.empty_geometry"))
    present = ~(missing | empty)
    names = _GEOM_NAMES[shapely.get_type_id(geoms) + 1]  # type id -1 (missing) → "None"
    allowed = " or ".join(schema.geom_types)
    wrong = present & ~np.isin(names, schema.geom_types)
    p.rows(
        np.flatnonzero(wrong),
        lambda i: msg("schema.wrong_geometry", got=names[i], allowed=allowed),
    )
    invalid = present & ~wrong & ~shapely.is_valid(geoms)
    fixes: list[str] = []
    idx = np.flatnonzero(invalid)
    if len(idx) == 0:
        return fixes
    reasons = shapely.is_valid_reason(geoms[idx])
    at = {i: k for k, i in enumerate(idx)}
    if not fix:
        p.rows(
            idx,
            lambda i: msg("schema.invalid_geometry", reason=reasons[at[i]]),
        )
        return fixes
    repaired = shapely.make_valid(geoms[idx])
    repaired = np.array([_keep_dimension(g, schema.geom_types) for g in repaired], dtype=object)
    metric = _metric_crs(gdf)
    for k, i in enumerate(idx):
        new = repaired[k]
        if new is None or new.is_empty or new.geom_type not in schema.geom_types:
            got = msg("schema.nothing") if new is None or new.is_empty else new.geom_type
            p.add(p.label(i) + p.sep + msg("schema.unrepairable", reason=reasons[k], got=got))
            continue
        change = f"{names[i]} → {new.geom_type}"
        if metric is not None and new.geom_type in POLYGONAL:
            before, after = _areas_km2([geoms[i], new], gdf.crs, metric)
            change += msg(
                "schema.area_change",
                before=f"{before:.4f}",
                after=f"{after:.4f}",
                crs=metric.to_string(),
            )
        fixes.append(msg("schema.repaired", label=p.label(i), reason=reasons[k], change=change))
        geoms[i] = new
    gdf[gdf.geometry.name] = geoms
    return fixes


def _keep_dimension(g, allowed):
    """Polygonal parts of a make_valid result (it may add stray lines or points)."""
    if g is None or g.geom_type in allowed:
        return g
    if g.geom_type == "GeometryCollection":
        polys = [part for part in g.geoms if part.geom_type in POLYGONAL]
        if polys and "MultiPolygon" in allowed:
            return shapely.union_all(polys)
    return g


def _metric_crs(gdf):
    if gdf.crs is None:
        return None
    try:
        from townsgis.crs import analysis_crs

        return analysis_crs(gdf.to_crs(4326))
    except Exception:
        return None


def _areas_km2(geoms, crs, metric) -> list[float]:
    import geopandas as gpd

    return list(gpd.GeoSeries(geoms, crs=crs).to_crs(metric).area / 1e6)


# --------------------------------------------------------------------------------------
# CRS and region
# --------------------------------------------------------------------------------------
def _check_crs_and_region(gdf, p: _Problems, project: Project | None) -> set[int]:
    """Report a missing CRS or features outside the region; return the rows not placed."""
    geoms = gdf.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        if gdf.crs is None:
            p.add(msg("schema.no_crs_empty"))
        return set()
    b = shapely.bounds(geoms[ok])
    if gdf.crs is None:
        degrees = np.all(np.abs(b[:, [0, 2]]) <= 180) and np.all(np.abs(b[:, [1, 3]]) <= 90)
        hint = msg("schema.looks_degrees" if degrees else "schema.looks_metres")
        p.add(msg("schema.no_crs", hint=hint))
        return set(range(len(gdf)))
    box = project.region_bbox if project is not None else None
    if not box:
        return set()
    if not gdf.crs.equals("EPSG:4326"):
        b = shapely.bounds(gdf.geometry.to_crs(4326).to_numpy()[ok])
    x0, y0, x1, y1 = box
    inside = (b[:, 0] >= x0) & (b[:, 2] <= x1) & (b[:, 1] >= y0) & (b[:, 3] <= y1)
    if inside.all():
        return set()
    rows = np.flatnonzero(ok)[~inside]
    cx = (b[~inside, 0] + b[~inside, 2]) / 2
    cy = (b[~inside, 1] + b[~inside, 3]) / 2
    hints = region_hints(cx, cy, box)
    region = f"[{x0:g}, {y0:g}, {x1:g}, {y1:g}]"
    pos = {r: k for k, r in enumerate(rows)}
    p.rows(
        rows,
        lambda i: msg(
            "schema.outside_region",
            x=f"{cx[pos[i]]:.5f}",
            y=f"{cy[pos[i]]:.5f}",
            box=region,
            city=project.name_zh,
            hint=hints[pos[i]],
        ),
    )
    return {int(r) for r in rows}


def region_hints(x: np.ndarray, y: np.ndarray, box, area=None) -> list[str]:
    """Why a point (``x`` lon, ``y`` lat, WGS84 degrees) may be outside the region ``box``
    (min_lon, min_lat, max_lon, max_lat), or outside ``area`` (a WGS84 polygon, e.g. the city)
    when given: swapped axes, a GCJ-02/BD-09 mix-up, metres, … A reading is suggested only
    when the point read that way really falls inside (the polygon, not just its box)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    from townsgis.crs import bd09_to_wgs84, gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02

    x0, y0, x1, y1 = box
    if area is not None:
        shapely.prepare(area)

    def fits(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        in_box = (a >= x0) & (a <= x1) & (b >= y0) & (b <= y1)
        if area is None:
            return in_box
        ok = np.isfinite(a) & np.isfinite(b)
        return in_box & ok & shapely.contains_xy(area, np.where(ok, a, 0), np.where(ok, b, 0))

    finite = np.isfinite(x) & np.isfinite(y)
    not_deg = ~finite | (np.abs(x) > 180) | (np.abs(y) > 90)
    swapped = fits(y, x)
    gx, gy = gcj02_to_wgs84(x, y)
    bx, by = bd09_to_wgs84(x, y)
    wgx, wgy = wgs84_to_gcj02(x, y)
    wbx, wby = wgs84_to_bd09(x, y)
    out = []
    for k in range(len(x)):
        if swapped[k]:
            out.append(msg("hint.swapped"))
        elif not_deg[k]:
            out.append(msg("hint.not_degrees"))
        elif fits(gx[k], gy[k]):
            out.append(msg("hint.gcj02"))
        elif fits(bx[k], by[k]):
            out.append(msg("hint.bd09"))
        elif fits(wgx[k], wgy[k]) or fits(wbx[k], wby[k]):
            out.append(msg("hint.wgs84"))
        else:
            out.append(msg("hint.other"))
    return out


# --------------------------------------------------------------------------------------
# cross-layer references
# --------------------------------------------------------------------------------------
def _check_unit_ids(gdf, units, p: _Problems) -> None:
    known = {_as_str(v) for v in units["unit_id"]} if "unit_id" in units.columns else set()
    ids = gdf["unit_id"].map(_as_str)
    if "unit_id" in units.columns:  # 南浔区, 南浔, 湖州开发区 → their unit ids
        names = {v: vocab.match_unit(v, units) for v in set(ids.dropna()) - known}
        ids = ids.map(lambda v: names[v][0] if v in names and len(names[v]) == 1 else v)
        gdf["unit_id"] = ids.where(ids.notna(), None)
    unknown = np.flatnonzero(ids.notna().to_numpy() & ~ids.isin(known).to_numpy())
    from townsgis.i18n import get_lang

    if get_lang() == "en" or "unit_id" not in units.columns:
        listing = ", ".join(sorted(k for k in known if k))
    else:
        listing = vocab.unit_choices(units, "zh")
    p.rows(
        unknown,
        lambda i: msg(
            "schema.unknown_unit", field=_f("unit_id"), value=show(ids.iloc[i]), known=listing
        ),
    )


def _check_projects_in_towns(gdf, towns, p: _Problems, skip: set[int] = frozenset()) -> None:
    import geopandas as gpd

    if "town_id" not in gdf.columns or "town_id" not in towns.columns or gdf.crs is None:
        return
    t = towns[["town_id", towns.geometry.name]].copy()
    t["town_id"] = t["town_id"].map(_as_str)
    t = t[t.geometry.notna() & ~t.geometry.is_empty].reset_index(drop=True)
    tid = _to_str(gdf["town_id"])
    known = set(t["town_id"])
    unknown = np.flatnonzero(tid.notna().to_numpy() & ~tid.isin(known).to_numpy())
    listing = ", ".join(sorted(k for k in known if k))
    p.rows(
        unknown,
        lambda i: msg(
            "schema.unknown_town", field=_f("town_id"), value=show(tid.iloc[i]), known=listing
        ),
    )
    geoms = gdf.geometry
    usable = np.array((geoms.notna() & ~geoms.is_empty & (geoms.geom_type == "Point")), bool)
    usable[list(skip)] = False  # already reported as outside the region
    if not usable.any() or t.empty:
        return
    from townsgis.crs import analysis_crs

    # Only projects with a known town are placed; the others are reported above.
    usable &= tid.isin(known).to_numpy()
    rows = np.flatnonzero(usable)
    if len(rows) == 0:
        return
    metric = analysis_crs(t.to_crs(4326))
    tm = t.to_crs(metric)
    pts = geoms.iloc[rows].to_crs(metric).reset_index(drop=True)
    own_id = tid.iloc[rows].to_numpy()
    from townsgis.dataset import points_in_polygons

    hit_pt, hit_town = points_in_polygons(pts.values, tm.geometry.values)  # (point, town) pairs
    town_ids = tm["town_id"].to_numpy()
    in_own = np.zeros(len(rows), dtype=bool)
    in_own[hit_pt[town_ids[hit_town] == own_id[hit_pt]]] = True
    in_any = np.zeros(len(rows), dtype=bool)
    in_any[hit_pt] = True
    bad = np.flatnonzero(~in_own)
    if len(bad) == 0:
        return
    first_own = tm.drop_duplicates("town_id").set_index("town_id").geometry
    own_geom = gpd.GeoSeries(first_own.reindex(own_id[bad]).values, crs=metric)
    dist = dict(
        zip(rows[bad], pts.iloc[bad].reset_index(drop=True).distance(own_geom), strict=True)
    )
    near_idx = tm.sindex.nearest(pts.iloc[bad].values, return_all=False)
    near = dict(zip(rows[bad[near_idx[0]]], town_ids[near_idx[1]], strict=True))
    crs_name = metric.to_string()
    lost = [int(rows[k]) for k in bad if not in_any[k]]
    p.rows(
        lost,
        lambda i: msg(
            "schema.outside_towns",
            dist=f"{dist[i]:.0f}",
            town=tid.iloc[i],
            near=near[i],
            crs=crs_name,
        ),
    )
    where: dict[int, list[str]] = {}
    for k in np.flatnonzero(np.isin(hit_pt, bad)):
        where.setdefault(int(rows[hit_pt[k]]), []).append(str(town_ids[hit_town[k]]))
    p.rows(
        [int(rows[k]) for k in bad if in_any[k]],
        lambda i: msg(
            "schema.in_other_town",
            where=", ".join(sorted(where[i])),
            town=tid.iloc[i],
            dist=f"{dist[i]:.0f}",
            crs=crs_name,
        ),
    )


# --------------------------------------------------------------------------------------
def validate_dataset(ds: Dataset) -> None:
    """Validate every layer of ``ds`` (units, towns against units, projects against towns,
    proposals against units) and replace them with their normalised frames.

    Raises one ``SchemaError``: for a single bad layer its source is that file; when several
    layers are bad, the source is the project and each problem starts with its file name.
    """
    errors: list[SchemaError] = []
    plan = (
        ("units", {}),
        ("towns", {"units": "units"}),
        ("projects", {"towns": "towns"}),
        ("proposals", {"units": "units"}),
    )
    for kind, refs in plan:
        gdf = getattr(ds, kind)
        if gdf is None:
            continue
        source = ds.project.store.layer_source(kind)
        kwargs = {k: getattr(ds, v) for k, v in refs.items()}
        try:
            clean, _ = validate_layer(gdf, kind, source=source, project=ds.project, **kwargs)
        except SchemaError as exc:
            errors.append(exc)
            continue
        setattr(ds, kind, clean)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        problems = [f"{Path(e.source).name}: {p}" for e in errors for p in e.problems]
        raise SchemaError(str(ds.project.root), problems)
