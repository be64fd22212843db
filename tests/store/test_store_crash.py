"""kill -9 at random moments: every document is the old or the new version, never torn; the log
has at most one torn line per kill, reported by read_log, and later appends never merge into it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from sretui.store import Store

ROUNDS = 30
LOG = "logs/events.jsonl"

# Writes, updates and appends in a tight loop and acknowledges each finished step on stdout.
# Documents are tens of kilobytes and their size changes with `seq`, so a write cut short could
# neither parse nor pass for another version; log lines are 32 KiB. The disk is made slow and
# short-writing (as the kernel may be when a signal arrives or the disk fills up), so kills
# often land in the middle of a write: with the real disk a torn log line is too rare to test.
WRITER = """
import os, sys, time
from pathlib import Path
from sretui.store import Store
root, round_number = Path(sys.argv[1]), int(sys.argv[2])
real_write = os.write

def short_write(fd, data):
    if len(data) <= 16384:
        return real_write(fd, data)
    written = real_write(fd, data[:16384])
    time.sleep(0.001)
    return written

os.write = short_write
store = Store(root)
plain = store.read("docs/plain.json", schema_version=1)
seq = plain["seq"] if plain else 0

def ack(text):
    os.write(1, (text + "\\n").encode())

ack("ready")
appended = 0
while True:
    seq += 1
    pad = "p" * (8192 * (seq % 7 + 1))
    store.write("docs/plain.json", {"seq": seq, "pad": pad, "pad_len": len(pad)}, schema_version=1)
    ack(f"W {seq}")
    with store.update("docs/counter.json", schema_version=1, default=lambda: {"n": 0}) as doc:
        doc["n"] += 1
        doc["pad"] = "c" * (4096 * (doc["n"] % 5 + 1))
    ack(f"U {doc['n']}")
    appended += 1
    store.append("logs/events.jsonl", {"round": round_number, "i": appended, "pad": "x" * 32768})
    ack(f"A {appended}")
"""


def _last_acks(out: bytes) -> dict[str, int]:
    acks: dict[str, int] = {}
    for line in out.decode().splitlines():
        kind, _, value = line.partition(" ")
        if kind in ("W", "U", "A"):
            acks[kind] = int(value)
    return acks


def test_kill_9_at_random_moments_never_tears_anything(
    root: Path, spawn_python: Callable[..., subprocess.Popen[bytes]]
) -> None:
    store = Store(root)
    rng = random.Random(20261123)
    seq = 0  # last known value of docs/plain.json
    count = 0  # last known value of docs/counter.json
    problems_so_far = 0
    torn_tails = 0
    started = time.monotonic()
    for round_number in range(1, ROUNDS + 1):
        child = spawn_python(WRITER, root, round_number)
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL, err
        acks = _last_acks(out)

        # Documents: whole, and either the last acknowledged version or the one in flight.
        plain = store.read("docs/plain.json", schema_version=1)
        acked_seq = acks.get("W", seq)
        if plain is None:
            assert acked_seq == 0
        else:
            assert plain["seq"] in (acked_seq, acked_seq + 1)
            assert len(plain["pad"]) == plain["pad_len"] == 8192 * (plain["seq"] % 7 + 1)
            seq = plain["seq"]
        counter = store.read("docs/counter.json", schema_version=1)
        acked_count = acks.get("U", count)
        if counter is None:
            assert acked_count == 0
        else:
            assert counter["n"] in (acked_count, acked_count + 1)
            assert len(counter["pad"]) == 4096 * (counter["n"] % 5 + 1)
            count = counter["n"]

        # The log: every acknowledged record, at most one more, at most one new torn line.
        raw = store.path(LOG).read_bytes() if store.exists(LOG) else b""
        log = store.read_log(LOG)
        mine = [r["i"] for r in log.records if r.get("round") == round_number]
        acked_appends = acks.get("A", 0)
        assert mine in (list(range(1, acked_appends + 1)), list(range(1, acked_appends + 2)))
        assert all(len(r["pad"]) == 32768 for r in log.records if "pad" in r)
        assert len(log.problems) - problems_so_far in (0, 1)
        torn = bool(raw) and not raw.endswith(b"\n")
        if torn:
            torn_tails += 1
            assert log.problems[-1].line == raw.count(b"\n") + 1
            assert "incomplete last line" in log.problems[-1].message
        problems_so_far = len(log.problems)

        # The next append starts a fresh line: the torn fragment stays a problem of its own.
        store.append(LOG, {"round": round_number, "parent": True})
        after = store.read_log(LOG)
        assert after.records == [*log.records, {"round": round_number, "parent": True}]
        assert [p.line for p in after.problems] == [p.line for p in log.problems]

        assert store.list("docs") == ["docs/counter.json", "docs/plain.json"]

    # Temp files of killed writers are ignored meanwhile and tidied by the next write.
    store.write("docs/plain.json", {"seq": seq + 1, "pad": "", "pad_len": 0}, schema_version=1)
    with store.update("docs/counter.json", schema_version=1) as doc:
        doc["n"] += 1
    assert sorted(os.listdir(root / "docs")) == [
        ".counter.json.lock",
        ".plain.json.lock",
        "counter.json",
        "plain.json",
    ]
    assert seq > ROUNDS  # the writers got well into their loops
    assert problems_so_far == torn_tails  # every bad line in the log came from a kill
    assert torn_tails >= 1  # and the torn-line path was really taken
    assert time.monotonic() - started < 20
