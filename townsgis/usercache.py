"""This user's own cache folders (``$XDG_CACHE_HOME/townsgis/<name>``, default
``~/.cache/townsgis/<name>``): font subsets, and the derived data of projects that cannot
keep a cache of their own (the read-only bundled sample). A folder is used only when it is
a real folder (not a link) owned by this user with no access for anyone else, so no other
local user can plant a file that townsgis would read back."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def user_cache_folder(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/townsgis/<name>`` created with mode 0700, or None when it cannot be
    made private to this user."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    folder = root / "townsgis" / name
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder if _private(folder) else None
    except OSError:
        return None


def _private(folder: Path) -> bool:
    """True when ``folder`` is a folder (not a link) owned by us, with no access for others."""
    st = folder.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        return False
    if st.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)  # ours: tighten it
        except OSError:
            return False
        st = folder.lstat()
    return not st.st_mode & 0o077
