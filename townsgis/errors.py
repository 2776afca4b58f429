"""The townsgis error hierarchy and exit codes.

A rule violation is a *finding*, never an exception. Exceptions are for input that
cannot be used: a bad file, a bad rule set, a bad option.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


class TownsgisError(Exception):
    """Root of every error townsgis raises on purpose. The CLI maps it to exit code 2.

    Raise with a ready sentence (``DataError(msg("key", file=f))``) or, better, with a
    catalogue key: ``DataError.of("key", file=f)`` keeps ``key`` and ``params`` and renders
    in the language current when it is shown (``townsgis.messages``).
    """

    exit_code = EXIT_BAD_INPUT
    key: str | None = None
    params: dict = {}

    @classmethod
    def of(cls, key: str, /, **params):
        """An error carrying catalogue entry ``key`` and its ``params``."""
        exc = cls.__new__(cls)
        Exception.__init__(exc, key)
        exc.key = key
        exc.params = params
        return exc

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current language)."""
        if self.key is None:
            return Exception.__str__(self)
        from townsgis.messages import msg

        return msg(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render()


class ProjectError(TownsgisError):
    """A project folder is missing or does not have the expected layout."""


class CRSError(TownsgisError, ValueError):
    """An unknown or unusable coordinate reference system."""


class LayerIOError(TownsgisError, OSError):
    """A layer file cannot be read or written."""


class ProblemList:
    """Mixin for an error that holds every problem found in ``source``, not only the first,
    and renders them as one message with one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(source, self.problems)

    def render(self, lang: str | None = None) -> str:
        from townsgis.messages import msg

        lines = "\n".join(f"  - {p}" for p in self.problems)
        n = len(self.problems)
        key = "schema.problem" if n == 1 else "schema.problems"
        return msg(key, lang, source=self.source, n=n) + "\n" + lines


class SchemaError(ProblemList, TownsgisError, ValueError):
    """A layer breaks its schema. Holds every problem found, not only the first."""


class RulesetError(TownsgisError, ValueError):
    """A rule set file is not valid TOML or breaks the rule set schema."""


class RulesetProblems(ProblemList, RulesetError):
    """Every problem found in one rule set file (a RulesetError)."""


class DataError(TownsgisError, ValueError):
    """Tabular data (indicators, assessments, waivers) that cannot be used as given."""
