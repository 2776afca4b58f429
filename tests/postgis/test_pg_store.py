"""The PostGIS store against a real server: same layers and documents as the folder, history
and restore, copy round trip, init --store, clear errors."""

from __future__ import annotations

import hashlib

import geopandas.testing as gt
import numpy as np
import psycopg
import pytest
import shapely

from townsgis.errors import DataError, ProjectError
from townsgis.project import Project, bundled_root
from townsgis.store import ProjectStore
from townsgis.store.folder import FolderStore
from townsgis.store.postgis import PostgisStore, create_store, open_store

KINDS = ("units", "city", "province", "towns", "projects", "proposals")
FILES = (
    "townsgis.toml",
    "layers/towns.geojson",
    "layers/projects.geojson",
    "layers/proposals.geojson",
    "layers/waivers.toml",
    "layers/indicators.csv",
    "layers/assessment.csv",
    "data/boundaries/units.geojson",
    "data/boundaries/city.geojson",
    "data/boundaries/province.geojson",
    "rules/huzhou-2018.toml",
    "rules/national-2021.toml",
)


def test_postgis_store_has_the_store_interface(pg_project):
    store = Project.open(pg_project).store
    assert isinstance(store, PostgisStore) and isinstance(store, ProjectStore)
    assert store.has_layer("towns") and store.has_layer("neighbours")  # sample has both
    assert store.rulesets() == ["huzhou-2018", "national-2021"]
    assert store.read_document("waivers").startswith(b"#")
    assert store.read_document("settings") == (bundled_root() / "townsgis.toml").read_bytes()
    assert store.history() == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_layer_reads_back_as_the_folder_gives_it(pg_project, kind):
    folder = FolderStore(bundled_root()).read_layer(kind)
    pg = Project.open(pg_project).store.read_layer(kind)
    gt.assert_geodataframe_equal(folder, pg, check_dtype=True, check_less_precise=False)
    a = shapely.get_coordinates(folder.geometry.values)
    b = shapely.get_coordinates(pg.geometry.values)
    assert a.shape == b.shape and np.abs(a - b).max(initial=0.0) <= 1e-9


def test_layers_are_tables_with_gist_indexes(pg_project, pg_dsn):
    schema = pg_project.rpartition("schema=")[2]
    with psycopg.connect(pg_dsn) as conn:
        rows = conn.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = %s "
            "AND indexdef ILIKE '%%USING gist%%'",
            (schema,),
        ).fetchall()
        srid = conn.execute(f'SELECT DISTINCT ST_SRID(geometry) FROM "{schema}".towns').fetchall()
        cols = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'towns'",
            (schema,),
        ).fetchall()
    assert {t for t, _ in rows} >= set(KINDS)
    assert srid == [(4326,)]
    types = dict(cols)
    assert types["planned_area_km2"] == "double precision"
    assert types["approximate"] == "boolean" and types["name_zh"] == "text"


def test_copy_round_trip_gives_the_same_files_byte_for_byte(cli, pg_url, tmp_path):
    r = cli("project", "copy", "sample", pg_url)
    assert r.code == 0, r.text
    back = tmp_path / "back"
    r = cli("project", "copy", pg_url, back)
    assert r.code == 0, r.text
    src = bundled_root()
    for name in FILES:
        assert (back / name).read_bytes() == (src / name).read_bytes(), name


def test_copy_refuses_an_existing_project(cli, pg_project, project_copy):
    r = cli("project", "copy", "sample", pg_project)
    assert r.code == 2 and "已是一个 townsgis 项目" in r.err
    r = cli("project", "copy", pg_project, project_copy, "--lang", "en")
    assert r.code == 2 and "already a townsgis project" in r.err


def test_history_and_restore_in_postgis(pg_project):
    store = open_store(pg_project)
    towns = store.read_layer("towns")
    changed = towns.assign(name_en="changed")
    kept = store.write_layer("towns", changed, reason="rename")
    assert (kept.name, kept.version, kept.count, kept.reason) == ("towns", 1, 14, "rename")
    # the kept version is the GeoJSON the folder store holds, byte for byte
    assert (
        kept.sha256
        == hashlib.sha256((bundled_root() / "layers/towns.geojson").read_bytes()).hexdigest()
    )
    assert (store.read_layer("towns")["name_en"] == "changed").all()
    store.restore("towns")
    gt.assert_geodataframe_equal(store.read_layer("towns"), towns)
    assert [v.reason for v in store.history("towns")] == ["rename", "restore of version 1"]
    store.write_document("waivers", b"# none\n")
    store.restore("waivers", 1)
    assert store.read_document("waivers") == (bundled_root() / "layers/waivers.toml").read_bytes()


def test_append_and_update_modes_in_postgis(pg_project):
    store = open_store(pg_project)
    props = store.read_layer("proposals")
    extra = props.iloc[:2].copy()
    extra["proposal_id"] = ["PR-X1", "PR-X2"]
    store.write_layer("proposals", extra, "append")
    assert store.read_layer("proposals")["proposal_id"].tolist()[-2:] == ["PR-X1", "PR-X2"]
    with pytest.raises(DataError, match="PR-X1"):
        store.write_layer("proposals", extra, "append")
    assert len(store.read_layer("proposals")) == len(props) + 2  # the refused write left it
    upd = extra.iloc[:1].assign(name_zh="改名")
    store.write_layer("proposals", upd, "update")
    out = store.read_layer("proposals")
    assert out.loc[out["proposal_id"] == "PR-X1", "name_zh"].tolist() == ["改名"]


def test_new_columns_and_3d_geometries_are_kept(pg_url):
    store = create_store(pg_url)
    t = FolderStore(bundled_root()).read_layer("towns").iloc[:3].copy()
    t["extra_count"] = [1, 2, 3]
    t["tags"] = [["a"], None, {"k": 1}]
    t.loc[0, "geometry"] = shapely.Point(120.1, 30.5, 12.5)
    store.write_layer("towns", t)
    back = store.read_layer("towns")
    assert back["extra_count"].tolist() == [1, 2, 3]
    assert back.loc[0, "geometry"].has_z and back.loc[0, "geometry"].z == 12.5
    assert back["tags"].tolist()[0] == ["a"] and back["tags"].tolist()[2] == {"k": 1}


def test_check_on_postgis_gives_the_folders_findings(cli, pg_project):
    """Acceptance: the bundled project copied into PostGIS checks the same (ids, rules,
    measured values) as the folder."""
    folder = cli("check", "--format", "json")
    pg = cli("check", "--format", "json", "--project", pg_project)
    assert folder.code == pg.code == 1
    assert pg.out == folder.out


def test_init_store_then_import(cli, pg_url, tmp_path):
    r = cli("init", "--store", pg_url, "--name", "测试市")
    assert r.code == 0, r.text
    store = open_store(pg_url)
    assert "测试市" in store.read_document("settings").decode()
    folder = tmp_path / "same"
    assert cli("init", folder, "--name", "测试市").code == 0
    assert store.rulesets() == FolderStore(folder).rulesets()  # as `init DIR` makes them
    for name in ["settings", *(f"rules/{r}" for r in store.rulesets())]:
        assert store.read_document(name) == FolderStore(folder).read_document(name)
    units = bundled_root() / "data/boundaries/units.geojson"
    r = cli("import", "units", units, "--project", pg_url)
    assert r.code == 0, r.text
    assert len(store.read_layer("units")) == 7
    r = cli("init", "--store", pg_url)
    assert r.code == 2 and ("already" in r.err or "已是" in r.err)


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("postgresql://planner:Sup3rSecret@/db?host={tmp}&schema=x", "cannot connect"),
        ("postgresql://planner:Sup3rSecret@127.0.0.1:1/db?schema=x", "cannot connect"),
        ("postgresql://planner:Sup3rSecret@localhost:port/db", "port"),
        ("postgresql://planner:Sup3rSecret@h/db?schema=bad-name", "schema"),
        ("postgresql://planner@h/db?password=Sup3rSecret&bogus=1", "not a valid connection URL"),
    ],
)
def test_bad_url_or_server_down_is_one_message_exit_2_without_password(cli, tmp_path, url, needle):
    r = cli("check", "--lang", "en", "--project", url.format(tmp=tmp_path))
    assert r.code == 2
    assert needle in r.err and "Sup3rSecret" not in r.text
    assert "Traceback" not in r.text and len(r.err.strip().splitlines()) == 1


def test_a_schema_without_a_project_says_how_to_make_one(cli, pg_url):
    r = cli("layers", "--lang", "en", "--project", pg_url)
    assert r.code == 2 and "no townsgis project" in r.err and "init --store" in r.err


def test_unknown_layer_name_is_refused(pg_project):
    with pytest.raises(ProjectError):
        open_store(pg_project).read_layer("townsgis_layers")


def test_waivers_indicators_and_assessment_are_also_queryable_tables(pg_project, pg_dsn):
    schema = pg_project.rpartition("schema=")[2]
    with psycopg.connect(pg_dsn) as conn:
        waiver = conn.execute(
            f'SELECT rule, towns, expires, sample FROM "{schema}".waivers'
        ).fetchall()
        n_ind, quarters = conn.execute(
            f'SELECT count(*), count(DISTINCT quarter) FROM "{schema}".indicators'
        ).fetchone()
        fai = conn.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'indicators' AND column_name = 'fai'",
            (schema,),
        ).fetchone()
        grades = conn.execute(f'SELECT DISTINCT grade FROM "{schema}".assessment').fetchall()
    assert [(r, t, str(e), s) for r, t, e, s in waiver] == [
        ("HZ-SPACING", "HZ-09,HZ-14", "2027-06-30", True)
    ]
    csv_rows = (bundled_root() / "layers/indicators.csv").read_text().strip().splitlines()
    assert n_ind == len(csv_rows) - 1 and quarters > 4
    assert fai == ("double precision",)
    assert ("合格",) in grades
    # the document stays the source: its bytes come back unchanged
    store = open_store(pg_project)
    assert (
        store.read_document("indicators") == (bundled_root() / "layers/indicators.csv").read_bytes()
    )


def test_a_document_that_cannot_be_read_is_kept_without_its_table(pg_project, pg_dsn, cli):
    store = open_store(pg_project)
    store.write_document("waivers", b"[[waiver]\nbroken")
    assert store.read_document("waivers") == b"[[waiver]\nbroken"
    schema = pg_project.rpartition("schema=")[2]
    with psycopg.connect(pg_dsn) as conn:
        gone = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".waivers',)).fetchone()
    assert gone == (None,)
    r = cli("check", "--project", pg_project, "--lang", "en")
    assert r.code == 2 and "document waivers.toml" in r.err and "TOML" in r.err


def test_a_password_in_the_url_reaches_no_output(cli, pg_project, tmp_path):
    """The test server trusts its socket, so a password in the URL is accepted and unused:
    it must appear in no message, listing, map or report."""
    secret = "Pw-Zx81q"
    url = pg_project.replace("postgresql://postgres@", f"postgresql://postgres:{secret}@")
    outputs = []
    for args in (
        ("layers", "--format", "json"),
        ("check", "--format", "markdown"),
        ("review", "submit", "PR-01", "--by", "张三"),
        ("map", "layout", "-o", tmp_path / "layout.html"),
        ("check", "--format", "geojson", "-o", tmp_path / "check.geojson"),
        ("import", "towns", tmp_path / "missing.geojson"),
        ("history",),
    ):
        r = cli(*args, "--project", url)
        outputs.append(r.text)
    assert "postgresql://postgres@" in "".join(outputs)  # the location is named, without it
    for path in tmp_path.iterdir():
        outputs.append(path.read_text(encoding="utf-8", errors="replace"))
    assert all(secret not in text for text in outputs)


def test_a_folder_whose_settings_name_a_store_opens_it(cli, pg_project, tmp_path):
    """townsgis.toml with [store] url: data and settings from PostGIS, maps in the folder."""
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "townsgis.toml").write_text(
        f'[project]\nname_zh = "办公桌"\n\n[store]\nurl = "{pg_project}"\n', encoding="utf-8"
    )
    project = Project.open(folder)
    assert isinstance(project.store, PostgisStore) and project.name_zh == "湖州市"
    assert project.maps_dir == folder / "maps"
    a = cli("check", "--format", "json", "--project", folder)
    b = cli("check", "--format", "json", "--project", pg_project)
    assert a.code == b.code == 1 and a.out == b.out
