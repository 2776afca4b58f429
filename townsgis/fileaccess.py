"""Files on disk: clear reasons for unreadable paths, and recognisable temporary files.

Every output is written to a temporary file next to its target and renamed over it. The
temporary file is named ``.townsgis-tmp-<pid>-<random>-<target name>``: a run that is killed
between creating and renaming it leaves it behind, and the next write to the same folder
removes such leftovers whose process is gone (or that are older than a day).
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from pathlib import Path

from townsgis.messages import msg, register

register(
    {
        "file.permission": (
            "{where}无权访问（当前用户不能打开它；请检查其权限）",
            "{where}permission denied (cannot open it as this user; check its permissions)",
        ),
        "file.loop": (
            "{where}符号链接循环（链接直接或间接指向自身）",
            "{where}symbolic link loop (the link points, directly or not, to itself)",
        ),
        "file.name_too_long": ("{where}文件名过长", "{where}file name too long"),
        "file.dangling": (
            "{path}：符号链接指向的文件不存在（{target}）",
            "{path}: symbolic link to a file that does not exist ({target})",
        ),
        "file.not_found": ("{path}：文件不存在", "{path}: file not found"),
        "file.is_folder": ("{path}：是文件夹，不是文件", "{path}: is a folder, not a file"),
    }
)

TEMP_PREFIX = ".townsgis-tmp-"
_STALE_SECONDS = 24 * 3600


def os_error_text(exc: OSError, path: str | Path | None = None) -> str:
    """``<file>: <reason>`` for an OSError, with its own words for a permission problem and
    a symbolic link loop."""
    where = exc.filename if exc.filename is not None else path
    where = f"{where}: " if where is not None else ""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return msg("file.permission", where=where)
    if exc.errno == errno.ELOOP:
        return msg("file.loop", where=where)
    if exc.errno == errno.ENAMETOOLONG:
        return msg("file.name_too_long", where=where)
    return f"{where}{exc.strerror or exc}"


def missing_reason(path: str | Path) -> str:
    """Why ``path`` cannot be opened for reading: not found, a dangling or looping symbolic
    link, a folder, or no permission. An empty string when it looks readable."""
    path = Path(path)
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ENOENT and path.is_symlink():
            return msg("file.dangling", path=path, target=os.readlink(path))
        if exc.errno == errno.ENOENT:
            return msg("file.not_found", path=path)
        return os_error_text(exc, path)
    if path.is_dir():
        return msg("file.is_folder", path=path)
    if not os.access(path, os.R_OK):
        return os_error_text(PermissionError(errno.EACCES, "Permission denied", str(path)))
    return ""


def temp_file(path: Path, suffix: str = "") -> str:
    """Create an empty temporary file next to ``path`` and return its name. Leftovers of
    killed runs in that folder are removed first. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent)
    fd, tmp = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{path.name}{suffix}", dir=path.parent
    )
    os.close(fd)
    return tmp


def remove_stale(folder: Path) -> list[Path]:
    """Remove townsgis temporary files in ``folder`` left by runs that no longer exist."""
    removed = []
    try:
        entries = list(folder.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        try:
            pid = int(p.name[len(TEMP_PREFIX) :].split("-", 1)[0])
        except ValueError:
            pid = None
        try:
            old = now - p.lstat().st_mtime > _STALE_SECONDS
            if old or pid is None or not _alive(pid):
                p.unlink()
                removed.append(p)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True
