"""Every catalogue key the code names literally (``msg("key")``, ``Error.of("key")``) is
registered once every module is imported: a typo or a key registered in a module that is not
loaded would otherwise fail only when that message is shown."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import townsgis
from townsgis.messages import has

ROOT = Path(townsgis.__file__).parent
CALL = re.compile(r"""(?:\bmsg|\.of)\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")


def _import_everything() -> None:
    for m in pkgutil.walk_packages(townsgis.__path__, "townsgis."):
        if "_vendor" in m.name or m.name.endswith("__main__"):
            continue
        importlib.import_module(m.name)


def test_every_literal_key_is_registered():
    _import_everything()
    missing = []
    for path in ROOT.rglob("*.py"):
        if "_vendor" in path.parts or path.name == "messages.py":  # its docstring's example
            continue
        for key in CALL.findall(path.read_text(encoding="utf-8")):
            if not has(key):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert not missing, missing


LANG_BRANCH = re.compile(r"""\blang\s*[!=]=\s*["']zh["']""")


def test_no_lang_zh_branches():
    """A text chosen by language comes from the catalogue (``msg``), a datum's zh/en fields
    through ``i18n.pick``, punctuation through ``punct.*``: not from ``lang == "zh"``."""
    found = [
        f"{path.relative_to(ROOT)}:{i}"
        for path in ROOT.rglob("*.py")
        if "_vendor" not in path.parts
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if LANG_BRANCH.search(line)
    ]
    assert not found, found
