"""The `townsgis` command line: parse options, call the library, render, exit.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 bad input or usage.
"""

from __future__ import annotations

import atexit
import copy
import gc
import sys
import traceback
import warnings

import typer

from townsgis import __version__
from townsgis.cli.help import Group, lang_of, text
from townsgis.cli.options import Lang, LangOpt
from townsgis.errors import EXIT_BAD_INPUT, TownsgisError
from townsgis.i18n import get_lang, set_lang
from townsgis.messages import msg

app = typer.Typer(
    name="townsgis",
    cls=Group,
    help=text(
        "townsgis",
        "townsgis：对照规则规划和检查特色小镇的布局——布局规则、选址判断、地图和建设进度。"
        "\n\n每个命令加 --help 查看用法和示例；加 --lang en 显示英文。",
        "townsgis: plan and check the layout of characteristic towns (特色小镇) against rule "
        "sets: layout rules, site checks, maps and progress.\n\nEvery command takes --help "
        "(usage and examples); --lang en gives English, --lang zh Chinese.",
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"townsgis {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help=text("opt.version", "显示版本号并退出。", "Show the version and exit."),
    ),
    debug: bool = typer.Option(
        False,
        "--debug",
        help=text("opt.debug", "出错时显示调用栈。", "Show a traceback on errors."),
    ),
    lang: LangOpt = Lang.zh,
) -> None:
    # the options every command line may start with; the help is the Typer's, above
    pass


# Each command lives in its own module and registers itself on `app` when imported.
# Command modules import the library (geopandas, ...) inside the command functions, so
# `--help` and `--version` stay fast; tests/test_cli_basics.py checks that.
from townsgis.cli import (  # noqa: E402,F401
    cmd_capacity,
    cmd_check,
    cmd_export,
    cmd_feasible,
    cmd_history,
    cmd_import,
    cmd_init,
    cmd_layers,
    cmd_map,
    cmd_progress,
    cmd_project,
    cmd_review,
    cmd_serve,
    cmd_site,
)


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Turns TownsgisError into one message and exit code 2.

    Usage errors are click's (exit 2); commands end with ``typer.Exit(code)``. An OSError
    that escapes (permission denied, a symbolic link loop, a full disk) gets one line naming
    the file. Any other exception is a bug: one line on stderr and exit 2. ``--debug`` adds
    the traceback and keeps the exit code. Library warnings (numpy, shapely, pyogrio) never
    reach the terminal: values are checked before they reach those libraries
    (``townsgis.validate``), and what warnings remain mean nothing to a person.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None:  # the process's own command line: it ends when this returns
        # The interpreter's last garbage collection walks every object of the GIS stack
        # (~0.15 s CPU after geopandas is loaded) to free memory the OS takes back anyway;
        # frozen objects are skipped. atexit handlers and module teardown still run.
        atexit.register(gc.freeze)
    debug = "--debug" in args
    set_lang(lang_of(args))  # before parsing: every message, even an early one, follows --lang
    from townsgis.cli.usage_errors import USAGE_ERRORS

    try:
        with warnings.catch_warnings():
            quiet_library_warnings()
            code = app_for(args)(args=args, prog_name="townsgis", standalone_mode=False)
    except typer.Abort:
        _fail(debug, msg("error.interrupted"), EXIT_BAD_INPUT)
    except typer.TyperException as exc:  # Click's own errors (typer's copy of Click)
        if type(exc).__name__ in USAGE_ERRORS and get_lang() != "en":
            from townsgis.cli.usage_errors import usage_error_zh

            typer.echo(usage_error_zh(exc), err=True)  # Click words them in English only
        else:
            exc.show()
        sys.exit(getattr(exc, "exit_code", EXIT_BAD_INPUT))
    except TownsgisError as exc:
        _fail(debug, msg("error.prefix", text=exc), exc.exit_code)
    except OSError as exc:
        from townsgis.fileaccess import os_error_text

        _fail(debug, msg("error.prefix", text=os_error_text(exc)), EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        _fail(debug, msg("error.interrupted"), EXIT_BAD_INPUT)
    except Exception as exc:
        text = " ".join(str(exc).split()) or "(no message)"
        if len(text) > 500:
            text = text[:499] + "…"
        _fail(debug, msg("error.unexpected", kind=type(exc).__name__, text=text), EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else 0)  # as Click's standalone mode ends


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command or group that ``args`` name (after the root options):
    typer builds every command's options from its signature on each run, ~25 ms for all of
    them when one is used. The whole app when no single command is named (``--help``,
    ``--version``, a word that is no command: the root's help and suggestions need all)."""
    name = _command_name(args)
    commands = [c for c in app.registered_commands if c.name == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if name is None or len(commands) + len(groups) != 1:
        return app
    narrow = copy.copy(app)  # the same settings and root callback; `app` is left whole
    narrow.registered_commands = commands
    narrow.registered_groups = groups
    return narrow


def _command_name(args: list[str]) -> str | None:
    """The first word of ``args`` after the root options ``--debug`` and ``--lang X``; None
    when another option comes first."""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--debug" or a.startswith("--lang="):
            i += 1
        elif a == "--lang":
            i += 2
        else:
            return None if a.startswith("-") else a
    return None


def _fail(debug: bool, message: str, code: int) -> None:
    """Print ``message`` (after the traceback with ``--debug``) and exit with ``code``."""
    if debug:
        traceback.print_exc(file=sys.stderr)
    typer.echo(message, err=True)
    sys.exit(code)


def quiet_library_warnings() -> None:
    """Silence warnings raised inside numpy, shapely, pyogrio, pandas and pyproj (call it
    inside ``warnings.catch_warnings()``). The tests run without it to prove that bad input
    is caught before it makes these libraries warn."""
    for module in ("numpy", "shapely", "pyogrio", "pandas", "pyproj", "geopandas", "openpyxl"):
        warnings.filterwarnings("ignore", module=rf"{module}(\..*)?$")
    warnings.filterwarnings("ignore", category=RuntimeWarning)


__all__ = ["app", "app_for", "lang_of", "main", "quiet_library_warnings"]
