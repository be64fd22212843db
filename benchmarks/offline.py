"""Offline commands against the floor any Python CLI of this kind pays.

Times `sretui incident list`, `sretui check` and `sretui toil --help` (the installed console
script, bundled example definitions, a data dir holding ten incidents) against
`python -c "import tomllib, platformdirs, json, argparse"`, with a warm bytecode cache and with
PYTHONDONTWRITEBYTECODE=1 and an empty PYTHONPYCACHEPREFIX, in interleaved runs. Each run is a
fresh process whose output goes to /dev/null; the clock stops when it exits. Prints the medians
and each command's ratio to the floor. Goal: ratio <= 1.3.

`incident list` and `check` run twice: with `--config-dir` and `--data-dir` (as scripts and
tests call them), and as a user on a bastion types them, with no flags, the directories found
by the XDG rules (XDG_CONFIG_HOME and XDG_DATA_HOME point into the benchmark's temporary
folder); on Linux sretui works those out without importing platformdirs.

    .venv/bin/python benchmarks/offline.py [--runs 9]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    MODES,
    PYTHON,
    ROOT,
    SRETUI,
    Mode,
    interleaved,
    median_ms,
    ratio_line,
    spread_ms,
)

INCIDENTS = 10
FLOOR = "python -c 'import tomllib, platformdirs, json, argparse'"


def run_once(argv: list[str], mode: Mode, dirs: dict[str, str]) -> float:
    with mode.environment() as env:
        env = {**env, **dirs}
        for name in ("SRETUI_CONFIG_DIR", "SRETUI_DATA_DIR"):
            env.pop(name, None)
        started = time.perf_counter()
        done = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-400:]!r}")
    return elapsed


def seed_incidents(common: list[str]) -> None:
    for index in range(INCIDENTS):
        subprocess.run(
            [
                *(SRETUI, "incident", "new", *common, "--title", f"Checkout 5xx spike {index}"),
                *("--broken", "degraded", "--users", "some", "--service", "checkout"),
            ],
            check=True,
            capture_output=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each, per mode")
    args = parser.parse_args()
    if not Path(SRETUI).exists():
        sys.exit(f"{SRETUI} is missing: run `make demo` or pip install -e . first")
    with tempfile.TemporaryDirectory(prefix="sretui-bench-") as tmp:
        # The XDG defaults on Linux: $XDG_CONFIG_HOME/sretui, $XDG_DATA_HOME/sretui.
        config_dir = Path(tmp, "config", "sretui")
        data_dir = Path(tmp, "data", "sretui")
        shutil.copytree(ROOT / "sretui" / "examples", config_dir)
        dirs = {"XDG_CONFIG_HOME": str(config_dir.parent), "XDG_DATA_HOME": str(data_dir.parent)}
        common = ["--config-dir", str(config_dir), "--data-dir", str(data_dir)]
        seed_incidents(common)
        commands = {
            FLOOR: [PYTHON, "-c", "import tomllib, platformdirs, json, argparse"],
            "incident list": [SRETUI, "incident", "list", *common],
            "check": [SRETUI, "check", *common],
            "incident list (no flags)": [SRETUI, "incident", "list"],
            "check (no flags)": [SRETUI, "check"],
            "toil --help": [SRETUI, "toil", "--help"],
        }
        print(f"started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {args.runs} runs each per mode")
        for mode in MODES:
            for argv in commands.values():  # fill the file cache (and the bytecode cache)
                run_once(argv, mode, dirs)
            times = interleaved(
                list(commands),
                args.runs,
                lambda name, mode=mode: run_once(commands[name], mode, dirs),
            )
            for name in commands:
                label = "floor" if name == FLOOR else f"sretui {name}"
                print(
                    f"offline {mode.name} {label}: median {median_ms(times[name])}"
                    f" (range {spread_ms(times[name])})"
                )
            for name in list(commands)[1:]:
                ratio_line(f"offline {mode.name} {name} ratio", times[name], times[FLOOR])


if __name__ == "__main__":
    main()
