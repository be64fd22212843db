"""What the benchmarks share: the two bytecode modes, interleaved runs and the result lines.

Every benchmark prints its results as `label: value` lines; `benchmarks/run_all.py` (the
`make bench` target) gathers those lines from every benchmark into one table.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SRETUI = str(VENV_BIN / "sretui")
GOAL = 1.3


@dataclass(frozen=True)
class Mode:
    """How Python finds bytecode in a run."""

    name: str
    description: str
    cached: bool

    @contextmanager
    def environment(self) -> Iterator[dict[str, str]]:
        """The environment of one run; without a cache, a fresh empty PYTHONPYCACHEPREFIX so
        that every module (stdlib, textual, sretui) is compiled from source and nothing is
        written (the working tree's __pycache__ folders are left alone)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONPYCACHE")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if self.cached:
            yield env
            return
        prefix = tempfile.mkdtemp(prefix="sretui-bench-pyc-")
        try:
            yield {**env, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": prefix}
        finally:
            shutil.rmtree(prefix, ignore_errors=True)


WARM = Mode("warm", "warm bytecode cache", cached=True)
COLD = Mode("nobytecode", "PYTHONDONTWRITEBYTECODE=1, empty pycache prefix", cached=False)
MODES = (WARM, COLD)


def interleaved(
    names: list[str], runs: int, measure: Callable[[str], float]
) -> dict[str, list[float]]:
    """`runs` timings of each name, taken in turns (A B B A ...), so that a machine that gets
    busier or quieter during the benchmark moves every name's numbers alike."""
    timings: dict[str, list[float]] = {name: [] for name in names}
    for index in range(runs):
        order = names if index % 2 == 0 else list(reversed(names))
        for name in order:
            timings[name].append(measure(name))
    return timings


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def spread_ms(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[0] * 1000:.0f}-{ordered[-1] * 1000:.0f} ms"


def ratio_line(label: str, ours: list[float], baseline: list[float]) -> float:
    """Print `label: 1.23x (goal <= 1.30x) OK` and return the ratio of the medians."""
    ratio = statistics.median(ours) / statistics.median(baseline)
    verdict = "OK" if ratio <= GOAL else "OVER"
    print(f"{label}: {ratio:.2f}x (goal <= {GOAL:.2f}x) {verdict}")
    return ratio


def result(label: str, value: str) -> None:
    print(f"{label}: {value}", flush=True)
