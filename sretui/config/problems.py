"""A problem found in a definition or settings file, reported as `path:line: message`."""

from pathlib import Path
from typing import NamedTuple


class Problem(NamedTuple):
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class ConfigError(Exception):
    """A file could not be used at all (unreadable, not TOML). Carries the problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
