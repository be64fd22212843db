"""A cache of one summary row per event log, so listing a folder of logs reads one small JSON
file and folds only the logs that changed since the last listing.

`sretui incident list` must start within 1.3x of bare Python (docs/performance.md). Folding a
log needs the area's domain and msgspec, which alone cost about a third of that floor to import;
the rows a listing prints need neither. The cache is `summaries/<folder>.json` in the data dir:

    {"schema_version": 1, "version": "<area's row version>",
     "logs": {"<id>": {"stat": [size, mtime_ns, inode, ctime_ns],
                       "row": {...}, "problems": ["path:line: message", ...]}}}

A row is used only while its log's stat is exactly the one recorded, taken *before* the log was
read: an append (the log grows), a rewrite, a copy or a restore changes it, and the log is
folded again. What cannot be folded is never cached, so it is reported on every listing. The
cache is only ever a copy of what the logs say: a missing, corrupt, foreign or older file is
rebuilt, two processes writing it at once leave one of their (valid) copies, and a data dir
that refuses the write still lists (the rows are then folded every time).
"""

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from sretui.store.errors import DocumentError, StoreError

if TYPE_CHECKING:
    from sretui.store import Store

SCHEMA_VERSION = 1
FOLDER = "summaries"

Row = dict[str, Any]


class Summary(NamedTuple):
    """What a log says for a listing: its row, and one line per line of it that was skipped."""

    row: Row
    problems: list[str]


class Unreadable(NamedTuple):
    """A log that could not be folded: one line naming the file and what is wrong."""

    message: str


Summarize = Callable[[str], Summary | Unreadable]


class Listed(NamedTuple):
    summaries: list[Summary]
    unreadable: list[str]
    folded: int  # how many logs had to be read and folded (0 when the cache held every row)


class SummaryIndex:
    """The cached rows of the logs `<folder>/<id><suffix>` of one store.

    `version` names the shape of the rows and the fold that makes them: change it whenever
    either changes, and every cached row is made again. `valid_row` says whether a cached row
    has the fields and types the area reads (a row that has not is made again)."""

    def __init__(
        self,
        store: "Store",
        folder: str,
        *,
        suffix: str,
        version: str,
        valid_row: Callable[[Row], bool],
    ) -> None:
        self.store = store
        self.folder = folder
        self.suffix = suffix
        self.version = version
        self.valid_row = valid_row
        self.name = f"{FOLDER}/{folder}.json"

    def read(self, ids: Iterable[str], summarize: Summarize) -> Listed:
        """A summary for each of `ids` (in order), from the cache where the log is unchanged,
        else from `summarize(id)`; the cache is rewritten when anything in it changed."""
        cached = self._read()
        fresh: dict[str, Any] = {}
        summaries: list[Summary] = []
        unreadable: list[str] = []
        folded = 0
        for log_id in ids:
            stat = self._stat(log_id)
            entry = cached.get(log_id)
            hit = self._cached(entry) if stat is not None and _stat_of(entry) == stat else None
            if hit is None:
                folded += 1
                result = summarize(log_id)
                if isinstance(result, Unreadable):
                    unreadable.append(result.message)
                    continue
                hit = result
            summaries.append(hit)
            if stat is not None:
                fresh[log_id] = {"stat": stat, "row": hit.row, "problems": hit.problems}
        if fresh != cached:
            self._write(fresh)
        return Listed(summaries, unreadable, folded)

    # -- internals ----------------------------------------------------------------------------

    def _cached(self, entry: object) -> Summary | None:
        """The cached summary in `entry`, or None when it is not the shape this code writes."""
        if not isinstance(entry, Mapping):
            return None
        row, problems = entry.get("row"), entry.get("problems")
        if not isinstance(row, dict) or not isinstance(problems, list):
            return None
        if not all(isinstance(p, str) for p in problems) or not self.valid_row(row):
            return None
        return Summary(row, problems)

    def _stat(self, log_id: str) -> list[int] | None:
        try:
            info = os.stat(self.store.path(f"{self.folder}/{log_id}{self.suffix}"))
        except (OSError, ValueError):
            return None  # the summarizer will say what is wrong with it
        return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns]

    def _read(self) -> dict[str, Any]:
        try:
            doc = self.store.read(self.name, schema_version=SCHEMA_VERSION)
        except (StoreError, OSError):
            return {}  # corrupt, newer, a symlink, unreadable: rebuilt from the logs
        if not doc or doc.get("version") != self.version:
            return {}
        logs = doc.get("logs")
        return dict(logs) if isinstance(logs, Mapping) else {}

    def _write(self, logs: dict[str, Any]) -> None:
        doc = {"version": self.version, "logs": logs}
        try:
            try:
                self.store.write(self.name, doc, schema_version=SCHEMA_VERSION)
            except DocumentError:  # the old copy is corrupt: a cache is replaced, not kept
                self.store.remove(self.name)
                self.store.write(self.name, doc, schema_version=SCHEMA_VERSION)
        except (StoreError, OSError):
            pass  # read-only or full data dir, a held lock: the listing does not need it


def _stat_of(entry: object) -> list[int] | None:
    if not isinstance(entry, Mapping):
        return None
    stat = entry.get("stat")
    if isinstance(stat, list) and len(stat) == 4 and all(type(n) is int for n in stat):
        return stat
    return None
