"""Where a command writes its output: the one place ``-o`` is interpreted and checked.

``output_path(project, output, default_name)``:

- no ``-o``: ``default_name`` in the project's ``maps/`` (``./maps`` for the bundled sample);
- ``-o DIR/`` (a path ending in ``/``, or an existing folder named with a trailing ``/``):
  ``default_name`` inside that folder;
- ``-o FILE``: that file.

It refuses (``OutputError``, exit 2, nothing written) a target that is an input of the
project (its layers, history, rule sets, waivers, indicators, boundaries, ``townsgis.toml``;
anything inside the bundled sample), an input named by the command itself, and an existing
path that is not a regular file (a folder, device, FIFO or socket). Symbolic links are
followed before the checks, so a link onto an input is refused too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from townsgis.errors import LayerIOError
from townsgis.messages import msg, register
from townsgis.project import CONFIG_NAME, Project

register(
    {
        "output.none": (
            "未给出输出文件；请加 -o 文件（{name}）",
            "no output file given; pass -o FILE ({name})",
        ),
        "output.folder": (
            "{path}：是文件夹；请给出文件名，或以 / 结尾以在其中写入 {name}",
            "{path}: is a folder; give a file name to write, or end it with / to write "
            "{name} inside it",
        ),
        "output.cannot": ("{path}：无法写入：{reason}", "{path}: cannot write: {reason}"),
        "output.special": (
            "{path}：是{what}，不是普通文件；请写入文件",
            "{path}: is {what}, not a regular file; write to a file instead",
        ),
        "output.command_input": (
            "{path}：是本命令的输入文件；请写到别处",
            "{path}: is an input of this command; write the output elsewhere",
        ),
        "output.bundled": (
            "{path}：位于只读的内置示例项目（{root}）中；请写到别处（默认写入 ./maps）",
            "{path}: is inside the bundled sample project ({root}), which is read-only; "
            "write elsewhere (outputs go to ./maps by default)",
        ),
        "output.settings": (
            "{path}：是项目设置文件 {name}，属于输入，不能覆盖",
            "{path}: is the project's settings ({name}), an input",
        ),
        "output.input_folder": (
            "{path}：位于项目的 {sub}/ 文件夹，其中是项目的输入"
            "（图层、规则集、豁免、指标、边界）；请写入 {maps} 或其他文件夹",
            "{path}: is inside the project's {sub}/ folder, which holds its inputs (layers, "
            "rule sets, waivers, indicators, boundaries); write to {maps} or another folder",
        ),
        "filetype.folder": ("文件夹", "a folder"),
        "filetype.char": ("字符设备", "a character device"),
        "filetype.block": ("块设备", "a block device"),
        "filetype.fifo": ("FIFO（命名管道）", "a FIFO (named pipe)"),
        "filetype.socket": ("套接字", "a socket"),
        "filetype.special": ("特殊文件", "a special file"),
    }
)


class OutputError(LayerIOError):
    """An output path that must not be written."""


# folders of a project that hold its inputs (relative to its root)
INPUT_FOLDERS = ("layers", "rules", "data")


def output_path(
    project: Project | None,
    output: str | os.PathLike | None,
    default_name: str,
    *,
    inputs: Iterable[str | os.PathLike] = (),
) -> Path:
    """The file a command writes (see the module docstring); raises ``OutputError``."""
    if output is None or str(output) == "":
        if project is None:
            raise OutputError.of("output.none", name=default_name)
        path = project.maps_dir / default_name
    else:
        text = os.fspath(output)
        path = Path(text)
        if text.endswith(("/", os.sep)):
            path = path / default_name
        elif path.is_dir():
            raise OutputError.of("output.folder", path=str(path), name=default_name)
    check_output(path, project, inputs=inputs)
    return path


def check_output(
    path: Path, project: Project | None, *, inputs: Iterable[str | os.PathLike] = ()
) -> None:
    """Raise ``OutputError`` when ``path`` must not be written (see the module docstring)."""
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError.of(
            "output.cannot", path=str(path), reason=str(exc.strerror or exc)
        ) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = _file_type(st.st_mode)
        raise OutputError.of("output.special", path=str(path), what=what)
    for given in inputs:
        if _same(real, Path(given)):
            raise OutputError.of("output.command_input", path=str(path))
    if project is None:
        return
    root = Path(os.path.realpath(project.root))
    # installed from a wheel, the whole package folder is read-only
    if project.bundled and root.name == "_bundled" and _inside(real, root.parent):
        raise OutputError.of("output.bundled", path=str(path), root=str(root))
    if real == root / CONFIG_NAME:
        raise OutputError.of("output.settings", path=str(path), name=CONFIG_NAME)
    for sub in INPUT_FOLDERS:
        if _inside(real, root / sub):
            raise OutputError.of(
                "output.input_folder", path=str(path), sub=sub, maps=str(project.maps_dir)
            )


def _same(real: Path, other: Path) -> bool:
    try:
        return real == Path(os.path.realpath(other))
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _file_type(mode: int) -> str:
    for test, key in (
        (stat.S_ISDIR, "folder"),
        (stat.S_ISCHR, "char"),
        (stat.S_ISBLK, "block"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return msg(f"filetype.{key}")
    return msg("filetype.special")
