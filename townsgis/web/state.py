"""What one running workbench holds: the project, its settings and its loaded inputs.

Loading the layers and the rule set takes ~130 ms; a site verdict must come back in well
under 300 ms, so the loaded (Dataset, RuleSet) pair is kept and reloaded only when one of
the files it was read from changes (layer change times, document hashes: any store).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from townsgis.errors import TownsgisError
from townsgis.project import Project

DEFAULT_MAX_UPLOAD_MB = 20


@dataclass
class Settings:
    """How the workbench was started."""

    project: Project
    lang: str = "zh"
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    allowed_hosts: tuple[str, ...] | None = None  # None: any host (a token guards the server)
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def read_only(self) -> bool:
        """The bundled sample project (a read-only store) is never written to."""
        return bool(self.project.store.read_only)


class InputCache:
    """The project's (Dataset, RuleSet) per rule set, reloaded when an input file changes."""

    def __init__(self, project: Project):
        self.project = project
        self._lock = threading.Lock()
        self._cache: dict[tuple, tuple[tuple, Any]] = {}

    def stamp(self, ruleset: str | None = None, *, layout_only: bool = True) -> tuple:
        """What the inputs were read from: layer change times and document hashes."""
        store = self.project.store
        kinds = ["units", "towns"] + ([] if layout_only else ["projects", "proposals"])
        docs = ["waivers", "settings"]
        if ruleset is None or "/" not in ruleset:
            docs.append(f"rules/{ruleset or self.project.config.get('default_ruleset', '')}")
        out: list = [(k, store.layer_stamp(k)) for k in kinds]
        for d in docs:
            try:
                data = store.read_document(d)
            except TownsgisError:
                data = None
            out.append((d, None if data is None else hashlib.sha1(data).hexdigest()))
        return tuple(out)

    def inputs(self, ruleset: str | None = None, *, layout_only: bool = True):
        """``engine.load_inputs`` for the project, cached while its files are unchanged."""
        from townsgis.engine import load_inputs

        key = (ruleset, layout_only)
        stamp = self.stamp(ruleset, layout_only=layout_only)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1]
        value = load_inputs(self.project, ruleset, layout_only=layout_only)
        with self._lock:
            self._cache[key] = (stamp, value)
        return value
