"""Several processes updating one document and appending to one log at the same time."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Callable
from pathlib import Path

from sretui.store import Store

WRITERS = 4
ROUNDS = 200

WORKER = """
import os, sys, time
from pathlib import Path
from sretui.store import Store
root, writer, rounds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
store = Store(root, lock_timeout=30)
print("ready", flush=True)
while not os.path.exists(root / "go"):  # start together, so the writers really overlap
    time.sleep(0.001)
fresh = lambda: {"count": 0}
for i in range(rounds):
    with store.update("counters/shared.json", schema_version=1, default=fresh) as doc:
        doc["count"] += 1
        doc.setdefault("by_writer", {}).setdefault(str(writer), 0)
        doc["by_writer"][str(writer)] += 1
    store.append("logs/shared.jsonl", {"writer": writer, "i": i})
print("done", flush=True)
"""


def test_processes_never_lose_an_update_or_a_record(
    root: Path, spawn_python: Callable[..., subprocess.Popen[bytes]]
) -> None:
    store = Store(root)
    workers = [spawn_python(WORKER, root, writer, ROUNDS) for writer in range(WRITERS)]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline() == b"ready\n"
    (root / "go").touch()
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert (worker.returncode, out, err) == (0, b"done\n", b"")

    assert store.read("counters/shared.json", schema_version=1) == {
        "schema_version": 1,
        "count": WRITERS * ROUNDS,
        "by_writer": {str(writer): ROUNDS for writer in range(WRITERS)},
    }
    log = store.read_log("logs/shared.jsonl")
    assert log.problems == []
    assert len(log.records) == WRITERS * ROUNDS
    for writer in range(WRITERS):
        mine = [record["i"] for record in log.records if record["writer"] == writer]
        assert mine == list(range(ROUNDS))
    # The writers took turns rather than running one after another, or this proved nothing.
    order = [record["writer"] for record in log.records]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches >= 20
    assert store.list("counters") == ["counters/shared.json"]
    assert sorted(p.name for p in (root / "counters").iterdir()) == [
        ".shared.json.lock",
        "shared.json",
    ]
