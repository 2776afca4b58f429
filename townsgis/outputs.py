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
from townsgis.project import CONFIG_NAME, Project


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
            raise OutputError(f"no output file given; pass -o FILE ({default_name})")
        path = project.maps_dir / default_name
    else:
        text = os.fspath(output)
        path = Path(text)
        if text.endswith(("/", os.sep)):
            path = path / default_name
        elif path.is_dir():
            raise OutputError(
                f"{path}: is a folder; give a file name to write, or end it with / to write "
                f"{default_name} inside it"
            )
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
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = _file_type(st.st_mode)
        raise OutputError(f"{path}: is {what}, not a regular file; write to a file instead")
    for given in inputs:
        if _same(real, Path(given)):
            raise OutputError(f"{path}: is an input of this command; write the output elsewhere")
    if project is None:
        return
    root = Path(os.path.realpath(project.root))
    # installed from a wheel, the whole package folder is read-only
    if project.bundled and root.name == "_bundled" and _inside(real, root.parent):
        raise OutputError(
            f"{path}: is inside the bundled sample project ({root}), which is read-only; "
            "write elsewhere (outputs go to ./maps by default)"
        )
    if real == root / CONFIG_NAME:
        raise OutputError(f"{path}: is the project's settings ({CONFIG_NAME}), an input")
    for sub in INPUT_FOLDERS:
        if _inside(real, root / sub):
            raise OutputError(
                f"{path}: is inside the project's {sub}/ folder, which holds its inputs "
                f"(layers, rule sets, waivers, indicators, boundaries); write to {project.maps_dir}"
                " or another folder"
            )


def _same(real: Path, other: Path) -> bool:
    try:
        return real == Path(os.path.realpath(other))
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
