"""A townsgis project folder: where its layers, rule sets, maps and boundaries live."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from townsgis.errors import ProjectError
from townsgis.messages import register

register(
    {
        "project.not_project": (
            "{path}：不是 townsgis 项目（没有 {config}）；可用 `townsgis init {path}` 建立",
            "{path}: not a townsgis project (no {config}); create one with `townsgis init {path}`",
        ),
        "project.no_ruleset": (
            "在 {where} 中找不到规则集 {name}；已有：{known}",
            "rule set {name} not found in {where}; known: {known}",
        ),
        "project.no_bundled": (
            "本次安装缺少随附的湖州项目",
            "the bundled Huzhou project is missing from this installation",
        ),
    }
)

if TYPE_CHECKING:
    from townsgis.store import ProjectStore

CONFIG_NAME = "townsgis.toml"


@dataclass(frozen=True)
class Project:
    """A project: its settings and the store holding its data.

    Parameters
    ----------
    root
        The folder holding ``townsgis.toml`` (for a folder store).
    config
        The ``[project]`` table of the settings.
    store
        Where the layers, waivers, indicators, rule sets and settings are read and written
        (``townsgis.store``); a ``FolderStore`` on ``root`` when not given.
    bundled
        True for the bundled sample project: its store is read-only and outputs go to
        ``./maps`` under the current folder.
    """

    root: Path
    config: dict = field(default_factory=dict, compare=False, repr=False)
    store: ProjectStore | None = field(default=None, compare=False, repr=False)
    bundled: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.store is None:
            from townsgis.store.folder import FolderStore

            object.__setattr__(self, "store", FolderStore(self.root, read_only=self.bundled))

    @classmethod
    def open(cls, root: str | Path | None = None) -> Project:
        """Open the project at ``root`` (a folder, or a store URL such as ``postgresql://…``),
        or the bundled Huzhou sample (read-only) when ``root`` is None."""
        from townsgis.store import is_url, open_url

        if root is not None and is_url(str(root)):
            store = open_url(str(root))
            source = store.document_source("settings")
            config = _parse_settings(store.read_document("settings"), source)
            return cls(root=Path.cwd(), config=config, store=store)
        bundled = root is None
        path = Path(root) if root is not None else bundled_root()
        cfg_path = path / CONFIG_NAME
        if not cfg_path.is_file():
            raise ProjectError.of("project.not_project", path=str(path), config=CONFIG_NAME)
        from townsgis.settings import parse_settings

        settings = parse_settings(cfg_path.read_bytes(), str(cfg_path))
        url = settings.get("store", {}).get("url")
        if url and not bundled:
            # a folder whose townsgis.toml names a store ([store] url): the data and settings
            # live there; outputs (maps/) stay in the folder
            store = open_url(str(url))
            source = store.document_source("settings")
            config = _parse_settings(store.read_document("settings"), source)
            return cls(root=path.resolve(), config=config, store=store)
        return cls(root=path.resolve(), config=settings["project"], bundled=bundled)

    # --- folders -------------------------------------------------------------------
    @property
    def layers_dir(self) -> Path:
        return self.root / "layers"

    @property
    def rules_dir(self) -> Path:
        return self.root / "rules"

    @property
    def maps_dir(self) -> Path:
        """Default folder of outputs: ``maps/`` in the project, ``./maps`` for the bundled
        sample (never inside the installed package)."""
        if self.bundled:
            return Path.cwd() / "maps"
        return self.root / "maps"

    @property
    def boundaries_dir(self) -> Path:
        return self.root / "data" / "boundaries"

    # --- files ---------------------------------------------------------------------
    def layer_path(self, kind: str) -> Path:
        """Path of a planning layer (``towns``, ``projects``, ``proposals``) or ``units``
        in the project folder (GeoJSON, GeoPackage or GeoParquet: ``store.folder``)."""
        from townsgis.store.folder import layer_file

        folder = self.boundaries_dir if kind in ("units", "province") else self.layers_dir
        return layer_file(folder, kind)

    @property
    def waivers_path(self) -> Path:
        return self.layers_dir / "waivers.toml"

    @property
    def indicators_path(self) -> Path:
        return self.layers_dir / "indicators.csv"

    @property
    def assessment_path(self) -> Path:
        return self.layers_dir / "assessment.csv"

    def load_ruleset(self, name: str | None = None):
        """The rule set ``name`` (an id in the project's store, or a .toml path), or the
        project's default one, parsed and checked (``RulesetError`` listing every problem)."""
        from townsgis.errors import RulesetError
        from townsgis.ruleset import load_ruleset, parse_ruleset

        name = name or self.config.get("default_ruleset", "huzhou-2018")
        candidate = Path(name)
        if candidate.suffix == ".toml" and candidate.is_file():
            return load_ruleset(candidate)
        data = None if candidate.suffix == ".toml" else self.store.read_document(f"rules/{name}")
        if data is None:
            known = ", ".join(self.store.rulesets())
            raise ProjectError.of(
                "project.no_ruleset", name=repr(name), where=self.store.location, known=known
            )
        source = self.store.document_source(f"rules/{name}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise RulesetError.of("ruleset.not_utf8", path=source) from None
        return parse_ruleset(text, source=source)

    def ruleset_path(self, name: str | None = None) -> Path:
        """Path of a rule set by id (``huzhou-2018``) or by file path."""
        name = name or self.config.get("default_ruleset", "huzhou-2018")
        candidate = Path(name)
        if candidate.suffix == ".toml" and candidate.exists():
            return candidate
        path = self.rules_dir / f"{name}.toml"
        if not path.is_file():
            known = sorted(p.stem for p in self.rules_dir.glob("*.toml"))
            raise ProjectError.of(
                "project.no_ruleset", name=repr(name), where=self.rules_dir, known=", ".join(known)
            )
        return path

    # --- settings ------------------------------------------------------------------
    @property
    def name_zh(self) -> str:
        return self.config.get("name_zh", self.root.name)

    @property
    def name_en(self) -> str:
        return self.config.get("name_en", self.root.name)

    @property
    def sample_data(self) -> bool:
        """True when the project's layers are sample data; maps and exports then say so."""
        return bool(self.config.get("sample_data", False))

    @property
    def city_code(self) -> str | None:
        return self.config.get("city_code")

    @property
    def province_zh(self) -> str | None:
        return self.config.get("province_zh")

    @property
    def analysis_crs(self) -> str | None:
        """The project's analysis CRS (``EPSG:n``, metric); a rule set's own one wins."""
        return self.config.get("analysis_crs")

    @property
    def region_bbox(self) -> tuple[float, float, float, float] | None:
        """WGS84 (lon, lat) box outside which coordinates are flagged as implausible."""
        box = self.config.get("region_bbox")
        return tuple(box) if box else None


def _parse_settings(data: bytes | None, source: str) -> dict:
    """The ``[project]`` table of a project's settings, checked (``townsgis.settings``)."""
    from townsgis.settings import parse_settings

    return parse_settings(data, source)["project"]


def bundled_root() -> Path:
    """Root of the bundled Huzhou project: the checkout in development, package data in a wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled", here.parent):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    raise ProjectError.of("project.no_bundled")


def init_project(root: str | Path, **options) -> Project:
    """Create a project folder: see ``townsgis.newproject.init_project``."""
    from townsgis.newproject import init_project as _init

    return _init(root, **options)
