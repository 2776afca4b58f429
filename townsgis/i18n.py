"""The current language of messages and labels: ``zh`` (default) or ``en``.

The CLI sets it from ``--lang``; the library reads it where a caller gave no ``lang``.
A context variable, so a web request can use its own language without touching others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

_LANG: ContextVar[str] = ContextVar("townsgis_lang", default=DEFAULT_LANG)


def get_lang() -> str:
    """The current language, ``zh`` or ``en``."""
    return _LANG.get()


def set_lang(lang: str | None) -> str:
    """Make ``lang`` the current language (anything but ``en`` means ``zh``); return it."""
    value = "en" if str(lang or "").strip().lower().startswith("en") else "zh"
    _LANG.set(value)
    return value


def pick(zh, en, lang: str | None = None):
    """The one of a datum's two language variants (a name, a title, a finding's message) in
    ``lang`` (default: the current language). Fixed texts belong in the message catalogue;
    this is for values that come in a zh and an en field."""
    return en if (lang or get_lang()) == "en" else zh


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """``with using("en"): …`` runs a block in another language."""
    token = _LANG.set("en" if str(lang or "").lower().startswith("en") else "zh")
    try:
        yield _LANG.get()
    finally:
        _LANG.reset(token)
