"""Click's usage errors (unknown option or command, a bad or missing value) said in the
user's language: Click words them in English only, so in Chinese they are rebuilt here from
the exception's parts (the option, the value, the choices). Typer ships its own copy of
Click, whose classes are private: they are recognised here by name, not imported."""

from __future__ import annotations

import re

from townsgis.messages import joined, msg, register

#: the usage errors rebuilt in Chinese (Click's class names)
USAGE_ERRORS = frozenset(
    {"UsageError", "BadParameter", "BadOptionUsage", "BadArgumentUsage", "NoSuchOption",
     "MissingParameter"}
)  # fmt: skip

register(
    {
        "usage.line": (
            "用法：{usage}；查看 `{command} --help`",
            "usage: {usage}; see `{command} --help`",
        ),
        "usage.no_option": ("没有选项 {name}", "no such option {name}"),
        "usage.did_you_mean": ("；是否指 {names}？", "; did you mean {names}?"),
        "usage.no_command": ("没有命令 {name}", "no such command {name}"),
        "usage.missing": ("缺少{what} {name}", "missing {what} {name}"),
        "usage.what.option": ("选项", "option"),
        "usage.what.argument": ("参数", "argument"),
        "usage.bad_choice": (
            "{name} 的取值 {value} 无效：应为 {choices} 之一",
            "{name}: {value} is not one of {choices}",
        ),
        "usage.bad_float": ("{name} 的取值 {value} 不是数字", "{name}: {value} is not a number"),
        "usage.bad_int": (
            "{name} 的取值 {value} 不是整数",
            "{name}: {value} is not a whole number",
        ),
        "usage.bad_value": ("{name} 的取值无效（{reason}）", "{name}: invalid value ({reason})"),
        "usage.extra": ("多余的参数：{args}", "unexpected extra arguments: {args}"),
        "usage.other": ("命令行有误（{reason}）", "bad command line ({reason})"),
    }
)
_NO_COMMAND = re.compile(r"No such command '([^']*)'\.?(?: Did you mean '([^']*)'\?)?")
_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)")


def _kind(obj) -> str:
    return type(obj).__name__


def _name(param) -> str:
    if param is None:
        return ""
    opts = getattr(param, "opts", None) or []
    return max(opts, key=len) if opts else (param.human_readable_name or param.name or "")


def usage_error_zh(exc) -> str:
    """A Chinese message for the usage error ``exc``: what was wrong, then the usage line."""
    name = _name(getattr(exc, "param", None))
    kind = _kind(exc)
    if kind == "NoSuchOption":
        text = msg("usage.no_option", "zh", name=exc.option_name)
        if exc.possibilities:
            text += msg("usage.did_you_mean", "zh", names=joined(exc.possibilities, "zh"))
    elif kind == "MissingParameter":
        what = "option" if _kind(exc.param).endswith("Option") else "argument"
        text = msg("usage.missing", "zh", what=msg(f"usage.what.{what}", "zh"), name=name)
    elif kind == "BadParameter" and getattr(exc, "param", None) is not None:
        ptype = _kind(getattr(exc.param, "type", None))
        value = re.search(r"'([^']*)'", exc.message)
        shown = f"'{value.group(1)}'" if value else ""
        if ptype.endswith("Choice"):
            choices = joined(exc.param.type.choices, "zh")
            text = msg("usage.bad_choice", "zh", name=name, value=shown, choices=choices)
        elif ptype in ("FloatParamType", "FloatRange") and value:
            text = msg("usage.bad_float", "zh", name=name, value=shown)
        elif ptype in ("IntParamType", "IntRange") and value:
            text = msg("usage.bad_int", "zh", name=name, value=shown)
        else:
            text = msg("usage.bad_value", "zh", name=name, reason=f"“{exc.message}”")
    elif m := _NO_COMMAND.match(exc.message):
        text = msg("usage.no_command", "zh", name=f"'{m.group(1)}'")
        if m.group(2):
            text += msg("usage.did_you_mean", "zh", names=f"'{m.group(2)}'")
    elif m := _EXTRA.match(exc.message):
        text = msg("usage.extra", "zh", args=m.group(1))
    else:
        text = msg("usage.other", "zh", reason=f"“{exc.message}”")
    ctx = exc.ctx
    lines = [msg("error.prefix", "zh", text=text)]
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage: ").removeprefix("用法：").strip()
        usage = usage.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        lines.append(msg("usage.line", "zh", usage=usage, command=ctx.command_path))
    return "\n".join(lines)
