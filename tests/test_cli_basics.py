"""CLI conventions: --version, --help on every command, `layers`, `init`, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from townsgis.cli import app

COMMANDS = sorted(c.name for c in app.registered_commands) + sorted(
    g.name for g in app.registered_groups
)


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "townsgis", *args], capture_output=True, text=True, cwd=cwd
    )


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("townsgis ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    r = run(command, "--help")
    assert r.returncode == 0, r.stderr
    assert "用法：" in r.stdout


def test_layers_json_counts():
    r = run("layers", "--format", "json")
    assert r.returncode == 0, r.stderr
    layers = {x["kind"]: x for x in json.loads(r.stdout)["layers"]}
    assert layers["units"]["count"] == 7
    assert layers["towns"]["count"] == 14
    assert layers["projects"]["count"] == 209
    for x in layers.values():
        assert set(x) >= {"name", "kind", "count", "crs", "bounds"}
        minx, miny, maxx, maxy = x["bounds"]
        assert 119 < minx < maxx < 121 and 30 < miny < maxy < 32


def test_layers_text_shows_every_layer():
    r = run("layers")
    assert r.returncode == 0, r.stderr
    for kind in ("units", "towns", "projects"):
        assert kind in r.stdout


def test_bad_project_exits_2_without_traceback(tmp_path):
    r = run("layers", "--project", str(tmp_path))
    assert r.returncode == 2
    assert "不是 townsgis 项目" in r.stderr
    assert "Traceback" not in r.stderr


def test_init_then_layers_on_empty_project(tmp_path):
    r = run("init", str(tmp_path / "city"))
    assert r.returncode == 0, r.stderr
    r = run("layers", "--project", str(tmp_path / "city"), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"layers": []}
    r = run("layers", "--project", str(tmp_path / "city"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("还没有图层；用 `townsgis import KIND FILE` 添加")
    r = run("layers", "--project", str(tmp_path / "city"), "--lang", "en")
    assert r.stdout.startswith("no layers yet; add them with `townsgis import KIND FILE`")


def test_unknown_option_is_usage_error():
    r = run("layers", "--no-such-option")
    assert r.returncode == 2


# The GIS and plotting stack; command modules import it inside the command functions.
HEAVY = ("geopandas", "pandas", "shapely", "pyproj", "matplotlib", "folium")
SUBCOMMANDS = sorted(
    [g.name, c.name] for g in app.registered_groups for c in g.typer_instance.registered_commands
)
CHEAP_RUNS = (
    [["--version"], ["--help"]]
    + [[c, "--help"] for c in COMMANDS]
    + [[*sub, "--help"] for sub in SUBCOMMANDS]
)


def heavy_modules_after(runs: list[list[str]]) -> dict[str, list[str]]:
    """In one fresh interpreter: import townsgis.cli, then run each argv in turn; for each
    (and for the bare import, key "import") the heavy modules loaded so far."""
    code = (
        "import json, sys\n"
        "from townsgis.cli import main\n"
        f"heavy, seen = {HEAVY!r}, {{}}\n"
        "seen['import'] = [m for m in heavy if m in sys.modules]\n"
        f"for args in {runs!r}:\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), (args, exc.code)\n"
        "    seen[' '.join(args)] = [m for m in heavy if m in sys.modules]\n"
        "print('loaded:', json.dumps(seen))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    last = r.stdout.splitlines()[-1]
    assert last.startswith("loaded: "), r.stdout
    return json.loads(last.removeprefix("loaded: "))


def test_import_version_and_help_do_not_import_geopandas():
    seen = heavy_modules_after(CHEAP_RUNS)
    assert len(seen) == len(CHEAP_RUNS) + 1
    assert {run: mods for run, mods in seen.items() if mods} == {}


#: What `townsgis site` never needs: plotting, web maps, the workbench, spreadsheets, the
#: PostGIS store, font subsetting, pydantic (typer >= 0.29), GDAL (layers come from the
#: cache), pyarrow's dataset layer and the feasible-area grid (contourpy).
NOT_FOR_SITE = (
    "matplotlib",
    "folium",
    "branca",
    "jinja2",
    "openpyxl",
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "psycopg",
    "fontTools",
    "pyogrio",
    "pyarrow.dataset",
    "contourpy",
    "townsgis.siting.feasible",
)


def test_a_site_run_loads_only_what_it_needs(tmp_path):
    """Startup (issue 13: a cold `site` within 1.5x of `import geopandas`): a point judged on
    the bundled project, twice (the first run may fill the cache), loads none of
    NOT_FOR_SITE. typer 0.29 built every option through pydantic (~0.25 s CPU of a 1.2 s
    run); pyproject.toml keeps typer below it. Only `serve` (fastapi) needs pydantic."""
    code = (
        "import subprocess, sys\n"
        "from townsgis.cli import main\n"
        "args = ['site', '--lon', '120.35', '--lat', '30.75', '--category', 'manufacturing',"
        " '--level', 'municipal']\n"
        "if sys.argv[1:] == ['warm']:\n"
        "    subprocess.run([sys.executable, '-m', 'townsgis', *args], capture_output=True)\n"
        "try:\n"
        "    main(args + ['--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, 1), exc.code\n"
        f"print([m for m in {NOT_FOR_SITE!r} if m in sys.modules])\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}  # a cache of its own, usable
    env.pop("TOWNSGIS_NO_CACHE", None)
    r = subprocess.run(
        [sys.executable, "-c", code, "warm"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "[]", "is typer >= 0.29 installed?"


def test_heavy_import_check_notices_a_command_that_loads_geopandas():
    """The check itself works: a command that reads layers does load geopandas."""
    seen = heavy_modules_after([["--version"], ["layers", "--format", "json"]])
    assert seen["--version"] == []
    assert "geopandas" in seen["layers --format json"]


def _whole_and_narrowed(capsys, args: list[str]) -> tuple[tuple, tuple]:
    """(exit code, stdout, stderr) of ``main(args)`` run with the whole app and as main runs
    it (only the command named)."""
    import townsgis.cli as cli

    out = []
    for narrow in (False, True):
        capsys.readouterr()
        real = cli.app_for
        if not narrow:
            cli.app_for = lambda args: cli.app
        try:
            cli.main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code
        finally:
            cli.app_for = real
        captured = capsys.readouterr()
        out.append((code, captured.out, captured.err))
    return out[0], out[1]


@pytest.mark.parametrize(
    "args",
    [
        *([c, "--help"] for c in COMMANDS),
        *([*sub, "--help"] for sub in SUBCOMMANDS),
        ["--lang", "en", "site", "--help"],
        ["--debug", "site", "--no-such-option"],
        ["site", "--lon", "x"],
        ["--lang=en", "site", "--lon", "x"],
        ["map"],
        ["map", "nothing"],
        ["sitee"],
        ["--help"],
        ["--version"],
    ],
    ids=" ".join,
)
def test_main_builds_only_the_command_named_with_the_same_result(capsys, args):
    """`main` gives typer only the command (or group) the arguments name, so that it does not
    build every command's options (startup); what a person sees is the same."""
    from townsgis.cli import app_for

    whole, narrowed = _whole_and_narrowed(capsys, args)
    assert narrowed == whole
    named = app_for(args)
    if args[0] in COMMANDS or "site" in args:
        assert len(named.registered_commands) + len(named.registered_groups) == 1
    else:
        assert named is app
