"""Project folders: the bundled default, `--project DIR`, and `townsgis init`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from townsgis import Project, TownsgisError, init_project
from townsgis.errors import ProjectError
from townsgis.project import bundled_root

# these tests read the English wording of library messages
pytestmark = pytest.mark.usefixtures("english")


def test_default_project_is_bundled_huzhou():
    p = Project.open()
    assert p.root == bundled_root().resolve()
    assert p.city_code == "330500"
    assert p.layer_path("towns") == p.root / "layers" / "towns.geojson"
    assert p.layer_path("units") == p.root / "data" / "boundaries" / "units.geojson"


def test_missing_project_is_a_townsgis_error(tmp_path):
    with pytest.raises(ProjectError, match="not a townsgis project"):
        Project.open(tmp_path)
    assert issubclass(ProjectError, TownsgisError)


@pytest.mark.usefixtures("chinese")
def test_init_creates_layout_and_its_own_rule_set(tmp_path):
    root = tmp_path / "ningbo"
    p = init_project(root, name="宁波市")
    for sub in ("layers", "rules", "maps", "data/boundaries"):
        assert (root / sub).is_dir()
    assert p.name_zh == "宁波市"
    names = sorted(x.name for x in (root / "rules").glob("*.toml"))
    assert names == ["national-2021.toml", "project-2018.toml"]
    rs = p.load_ruleset()
    assert rs.id == "project-2018" and "宁波市" in rs.title_zh
    assert not p.store.has_layer("units")
    with pytest.raises(ProjectError, match="已经是 townsgis 项目"):
        init_project(root)


def test_unknown_ruleset_lists_known_ones(tmp_path):
    p = init_project(tmp_path / "x")
    with pytest.raises(ProjectError, match="not found"):
        p.ruleset_path("no-such-rules")


def test_import_townsgis_stays_light():
    code = (
        "import sys, townsgis, townsgis.cli; "
        "heavy = [m for m in ('folium', 'matplotlib') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
