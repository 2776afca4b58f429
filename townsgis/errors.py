"""The townsgis error hierarchy and exit codes.

A rule violation is a *finding*, never an exception. Exceptions are for input that
cannot be used: a bad file, a bad rule set, a bad option.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class TownsgisError(Exception):
    """Root of every error townsgis raises on purpose. The CLI maps it to exit code 2."""

    exit_code = EXIT_BAD_INPUT


class ProjectError(TownsgisError):
    """A project folder is missing or does not have the expected layout."""


class CRSError(TownsgisError, ValueError):
    """An unknown or unusable coordinate reference system."""


class LayerIOError(TownsgisError, OSError):
    """A layer file cannot be read or written."""


class SchemaError(TownsgisError, ValueError):
    """A layer breaks its schema. Holds every problem found, not only the first."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        n = len(self.problems)
        super().__init__(f"{source}: {n} problem{'s' if n != 1 else ''}:\n{lines}")


class RulesetError(TownsgisError, ValueError):
    """A rule set file is not valid TOML or breaks the rule set schema."""


class DataError(TownsgisError, ValueError):
    """Tabular data (indicators, assessments, waivers) that cannot be used as given."""
