"""`make bench`: run every benchmark in benchmarks/ and print their results as one table.

Each benchmark is a script that prints `label: value` lines (other lines are shown as they come
but left out of the table). A benchmark that fails is a row saying so; the exit status is then 1.

    .venv/bin/python benchmarks/run_all.py [--runs N] [--only startup,offline]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import PYTHON

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    return sorted(
        path
        for path in HERE.glob("*.py")
        if not path.name.startswith("_") and path != Path(__file__).resolve()
    )


def run(script: Path, runs: int | None) -> tuple[list[tuple[str, str]], int]:
    argv = [PYTHON, str(script)] + (["--runs", str(runs)] if runs else [])
    print(f"== {script.name}", flush=True)
    rows: list[tuple[str, str]] = []
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, bufsize=1) as child:
        assert child.stdout is not None
        for line in child.stdout:
            print(f"   {line}", end="", flush=True)
            label, colon, value = line.strip().partition(": ")
            if colon and label and value:
                rows.append((label.strip(), value.strip()))
    return rows, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="passed on to every benchmark")
    parser.add_argument("--only", help="comma-separated benchmark names (startup,offline,...)")
    args = parser.parse_args()
    chosen = benchmarks()
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [path for path in chosen if path.stem in wanted]
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    table: list[tuple[str, str, str]] = []
    failed = False
    for script in chosen:
        rows, code = run(script, args.runs)
        table.extend((script.stem, label, value) for label, value in rows)
        if code != 0:
            failed = True
            table.append((script.stem, "FAILED", f"exit status {code}"))
    widths = [
        max(len(row[i]) for row in [("benchmark", "measure", "result"), *table]) for i in range(3)
    ]
    print(f"\nsretui benchmarks, started {started}, finished {time.strftime('%H:%M:%S %Z')}")
    for row in [("benchmark", "measure", "result"), tuple("-" * w for w in widths), *table]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
