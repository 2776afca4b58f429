"""``--help`` in the user's language, from the one message catalogue.

Typer builds its commands when ``townsgis.cli`` is imported, before anyone has said which
language they want. So a command, option or argument is given a catalogue *key* as its help
(:func:`text` registers the zh and en sentences under ``help.…`` and returns the key), and the
key is turned into a sentence only when help is shown (:class:`Command` and :class:`Group`
localise themselves in ``format_help``), in the language of the moment: Chinese unless
``--lang en`` is on the command line, before or after the subcommand.

The page is drawn here (:func:`format_help`), not by typer, for two reasons: typer's table
cells cut a long run of Chinese (which has no spaces to wrap at) with an ellipsis, and its
own words ("Usage", "Options", "[default: …]", "Show this message and exit.") are English.
Click's usage-error sentences ("No such option", "Invalid value for") are English only; in
Chinese :mod:`townsgis.cli.usage_errors` rebuilds them from the exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from townsgis.i18n import set_lang
from townsgis.messages import has, msg, register

PREFIX = "help."

# help texts with parts computed when shown: key -> {placeholder: function()}
_FILLS: dict[str, dict[str, Callable[[], str]]] = {}

register(
    {
        "help.usage": ("用法：", "Usage: "),
        "help.options": ("选项", "Options"),
        "help.arguments": ("参数", "Arguments"),
        "help.commands": ("命令", "Commands"),
        "help.help_option": ("显示本帮助并退出。", "Show this message and exit."),
        "help.default": ("[默认：{value}]", "[default: {value}]"),
        "help.required": ("[必填]", "[required]"),
    }
)


def text(key: str, zh: str, en: str, **fill: Callable[[], str]) -> str:
    """Register the help text ``help.<key>`` in zh and en and return its key, which is what
    typer is given as ``help=``. ``fill`` computes ``{placeholders}`` when help is shown (in
    the language then current), e.g. the vocabulary's accepted words."""
    full = PREFIX + key
    register({full: (zh, en)})
    if fill:
        _FILLS[full] = fill
    return full


def command(app: typer.Typer, path: str, *, zh: str, en: str, examples: Sequence[str]):
    """``@app.command`` for the command ``path`` (``"check"``, ``"export layout"``) with its
    help in zh and en (catalogue key ``help.cmd.<path>``) and one or two real examples. The
    first paragraph of the help is the command's line in its group's list."""
    key = text("cmd." + path.replace(" ", "."), zh, en)
    epilog = "\n\n".join(f"  {c}" for c in examples)
    return app.command(path.split()[-1], cls=Command, help=key, epilog=epilog)


def group(app: typer.Typer, name: str, *, zh: str, en: str) -> typer.Typer:
    """A group of commands ``townsgis <name> …`` with its help in zh and en."""
    sub = typer.Typer(cls=Group, help=text("cmd." + name, zh, en), no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


def lang_of(args: Sequence[str]) -> str:
    """The language asked for with ``--lang X`` / ``--lang=X`` anywhere in ``args`` (the last
    one wins); ``zh`` without one."""
    lang = "zh"
    args = [str(a) for a in args]
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
    return "en" if lang == "en" else "zh"


def render(key: str | None) -> str | None:
    """The help text of ``key`` in the current language; anything not a key unchanged."""
    if key is None or not key.startswith(PREFIX) or not has(key):
        return key
    fill = _FILLS.get(key)
    return msg(key, **{name: f() for name, f in fill.items()}) if fill else msg(key)


def localize(cmd: TyperCommand | TyperGroup) -> None:
    """Give ``cmd``'s help and its parameters' help in the current language. The keys are
    kept on the objects, so a command can be shown again in another language."""
    keys = cmd.__dict__.setdefault("_townsgis_help", (cmd.help, cmd.epilog))
    cmd.help = render(keys[0])
    cmd.epilog = f"{msg('examples')}\n\n{keys[1]}" if keys[1] else keys[1]
    for p in cmd.params:
        key = p.__dict__.setdefault("_townsgis_help", getattr(p, "help", None))
        if key is not None:
            p.help = render(key)


def _default(param, ctx) -> str | None:
    """The default shown after an option's help, or None (flags, unset, show_default off)."""
    if getattr(param, "is_flag", False) or getattr(param, "show_default", True) is False:
        return None
    value = param.get_default(ctx, call=False)
    if value is None or callable(value) or value in ("", (), []):
        return None
    if type(value) is str:  # not a choice (an enum): maybe a word of the vocabulary (--level)
        from townsgis import vocab

        for domain in vocab.DOMAINS:
            if vocab.term(domain, value) is not None:
                return vocab.label(domain, value)
    return str(getattr(value, "value", value))


def _metavar(param, ctx) -> str:
    """``<float>``, ``<zh|en>`` (typer's words for the type); nothing for a flag."""
    if getattr(param, "is_flag", False):
        return ""
    show = getattr(param, "display_type_rich", None)
    return (show(ctx=ctx) if show is not None else param.make_metavar(ctx)) or ""


def format_help(cmd: TyperCommand | TyperGroup, ctx: typer.Context) -> str:
    """The whole ``--help`` page of ``cmd`` in the current language, as text.

    Drawn with rich like typer's own page (panels, aligned columns), but every text column
    folds: Chinese has no spaces, and typer's table cells cut a long run of Chinese short
    with an ellipsis."""
    import io
    import shutil

    from rich.console import Console, Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    localize(cmd)
    width = min(shutil.get_terminal_size((80, 24)).columns, 100)
    out = io.StringIO()
    console = Console(file=out, width=width, highlight=False, color_system=None)
    console.print(Padding(Text(cmd.get_usage(ctx), overflow="fold"), 1))
    if cmd.help:
        for paragraph in cmd.help.split("\n\n"):
            console.print(Padding(Text(paragraph.strip(), overflow="fold"), (0, 1, 1, 1)))

    def panel(title: str, rows: list[tuple[str, str, Text]]) -> None:
        if not rows:
            return
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(Panel(table, title=title, title_align="left", border_style="dim"))

    arguments, options = [], []
    for p in cmd.get_params(ctx):
        if getattr(p, "hidden", False):
            continue
        help_text = Text(p.help or "", overflow="fold")
        default = _default(p, ctx)
        if default is not None:
            help_text.append(" " + msg("help.default", value=default))
        if p.required:
            help_text.append(" " + msg("help.required"))
        if isinstance(p, TyperArgument):
            name = (p.metavar or p.name or "").upper()
            arguments.append((name, _metavar(p, ctx), help_text))
        else:
            names = ", ".join([*p.opts, *p.secondary_opts])
            options.append((names, _metavar(p, ctx), help_text))
    panel(msg("help.arguments"), arguments)
    panel(msg("help.options"), options)
    commands = getattr(cmd, "commands", None)
    if commands:
        rows = []
        for name in cmd.list_commands(ctx):
            sub = commands[name]
            if sub.hidden:
                continue
            localize(sub)
            first = (sub.help or "").split("\n\n")[0].strip()
            rows.append((name, "", Text(first, overflow="fold")))
        panel(msg("help.commands"), rows)
    if cmd.epilog:
        heading, *lines = cmd.epilog.split("\n\n")
        body = [Text(heading)] + [Text(line, no_wrap=True) for line in lines]
        console.print(Padding(Group(*body), 1))
    return out.getvalue()


class _Localized:
    """What Command and Group add to typer's classes: help in the current language."""

    def format_help(self, ctx, formatter) -> None:
        formatter.write(format_help(self, ctx))

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=msg("help.usage"))

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = msg("help.help_option")
        return option


class Command(_Localized, TyperCommand):
    """A typer command whose help follows the language (``@app.command(cls=Command)``)."""


class Group(_Localized, TyperGroup):
    """A typer group whose help follows the language (``typer.Typer(cls=Group)``). As the
    root, it takes the language from ``--lang`` anywhere on the command line before parsing,
    so ``townsgis check --help --lang en`` is English although ``--help`` comes first."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        # typer prints its help page as a side effect of raising NoArgsIsHelpError; ours is
        # text, so print it here (same exit code: 2, a usage error)
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            typer.echo(ctx.get_help())
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def main(self, args: Sequence[str] | None = None, *a, **kw):
        import sys

        set_lang(lang_of(sys.argv[1:] if args is None else args))
        return super().main(args, *a, **kw)
