"""A 10 MB note in an incident log: how long the app takes to show it and to answer keys.

Issue #8 saw one key press take 40 s with a 10 MB note selected: the detail pane drew all of
it. The pane now cuts each text at 2,000 characters and `t` opens a view that draws only the
lines in sight. Measured in-process with Textual's Pilot (headless, 100x30), each timing from
the key press until the app's workers are done and the screen is drawn:

1. `IncidentService.list()` reading and folding the 10 MB log (the worker's part of a reload);
2. `2`: the incidents screen with the incident listed and selected;
3. `down`/`up` on the table: the detail pane redrawn (median and worst of 10 presses);
4. `t`: the whole text wrapped and shown; then `end` and `home` in it; Esc back.

    .venv/bin/python benchmarks/long_note.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _common import result
from app.pilot_helpers import settle

from sretui.app import make_app
from sretui.domain.incident import add_note, declare, fold
from sretui.services.incidents import IncidentService
from sretui.services.workspace import examples_dir
from sretui.store import Store

NOW = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
NOTE = "rolled back deploy 1234 on every region " * 260_000
SIZES = {"10 MB note": 10_000_000, "100 KB note": 100_000, "1 KB note (baseline)": 1_000}


def write_logs(data: Path, size: int = SIZES["10 MB note"]) -> None:
    """Two incidents: one with a note of `size` characters, one ordinary (to move between)."""
    service = IncidentService(Store(data), "ada", clock=lambda: NOW)
    service.declare("Search is slow", severity="SEV3")
    at = NOW - timedelta(minutes=30)
    declared = declare("Checkout errors", by="ada", at=at, severity="SEV1")
    note = add_note(fold([declared]), "MARK", by="bob", at=at + timedelta(minutes=1))
    lines = "".join(json.dumps(e.to_json()) + "\n" for e in (declared, note))
    folder = data / "incidents"
    incident_id = fold([declared]).id
    (folder / f"{incident_id}.jsonl").write_text(lines.replace("MARK", NOTE[:size]))


async def one_run(config: Path, data: Path) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}

    def timed(name: str, start: float) -> None:
        timings.setdefault(name, []).append(time.perf_counter() - start)

    start = time.perf_counter()
    IncidentService(Store(data), "ada").list()
    timed("list (read and fold)", start)

    app = make_app(config_dir=str(config), data_dir=str(data), clock=lambda: NOW, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)

        async def key(name: str, *keys: str) -> None:
            start = time.perf_counter()
            await pilot.press(*keys)
            await settle(pilot)
            timed(name, start)

        await key("2 (incidents screen)", "2")
        for _ in range(5):
            await key("down/up (detail redrawn)", "down")
            await key("down/up (detail redrawn)", "up")
        await key("t (whole text shown)", "t")
        await key("end in the full text", "end")
        await key("home in the full text", "home")
        await key("escape back", "escape")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sretui-bench-note-"))
    try:
        config = folder / "config"
        shutil.copytree(examples_dir(), config)
        every: dict[str, dict[str, list[float]]] = {label: {} for label in SIZES}
        for label, size in SIZES.items():
            data = folder / label.split()[0]
            (data / "incidents").mkdir(parents=True)
            write_logs(data, size)
        for _ in range(args.runs):  # the sizes in turns, so a busier machine moves both alike
            for label in SIZES:
                data = folder / label.split()[0]
                for name, values in asyncio.run(one_run(config, data)).items():
                    every[label].setdefault(name, []).extend(values)
        for label, timings in every.items():
            for name, values in timings.items():
                median, worst = statistics.median(values) * 1000, max(values) * 1000
                result(f"{label}, {name}", f"{median:.0f} ms median, {worst:.0f} worst")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
