"""One area's append-only event logs under the data dir, folded into their current state.

Every area whose state changes over time (incidents today; runbook runs, game-day runs, toil and
handoffs next) keeps one JSONL log per subject in one folder, e.g. `incidents/<id>.jsonl`.
`EventLog` is what they share: list the folder once, resolve an id from its last characters,
read and fold a log with every bad line reported (file, line, field), append one event under
the log's lock, and a change watcher on the folder. An area gives a folder name, a record type
(with `to_json()` and a `from_json(value)` classmethod that raises ValueError naming the field)
and a fold function. See docs/incidents.md, "The shared event log".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, Self, TypeVar

from sretui.store.errors import IRREGULAR, DocumentError, StoreError

if TYPE_CHECKING:
    from sretui.store import ChangeWatcher, Store

SUFFIX = ".jsonl"


class Record(Protocol):
    """An event as an area defines it: one line of its log."""

    def to_json(self) -> dict[str, Any]: ...

    @classmethod
    def from_json(cls, record: object) -> Self: ...


R = TypeVar("R", bound=Record)
S = TypeVar("S")


class LogNotFound(LookupError):
    """No log matches the id that was given, or more than one does."""


class FoldError(ValueError):
    """The records of a log cannot be folded (e.g. the first one does not open it). The
    message starts with the log's path."""


class LogRead(NamedTuple, Generic[R]):
    """The records of one log that could be read, and one problem per line that could not."""

    name: str
    records: list[R]
    problems: list[DocumentError]


class Folded(NamedTuple, Generic[S]):
    """A log folded into its state, with the problems of the lines that were skipped."""

    id: str
    state: S
    problems: list[DocumentError]


def scan_logs(store: Store, folder: str) -> tuple[list[str], list[str]]:
    """`EventLog.scan` without an EventLog (whose record type and fold a listing from the
    summary cache does not import): the ids in `folder`, and the entries never opened."""
    listing = store.scan(folder, suffix=SUFFIX)
    skipped = [f"{path}: {IRREGULAR}" for path in listing.irregular]
    prefix = f"{folder}/"
    return [name.removeprefix(prefix).removesuffix(SUFFIX) for name in listing.names], skipped


class EventLog(Generic[R, S]):
    """The logs of one area: `<folder>/<id>.jsonl`, each a sequence of `record_type` lines that
    `fold` turns into a state. `what` names one subject in messages ("incident")."""

    def __init__(
        self,
        store: Store,
        folder: str,
        record_type: type[R],
        fold: Callable[[Sequence[R]], S],
        *,
        what: str = "log",
        list_hint: str = "",
    ) -> None:
        store.path(folder)  # reject a bad folder name now
        self.store = store
        self.folder = folder
        self.record_type = record_type
        self.fold_records = fold
        self.what = what
        self.list_hint = list_hint

    # -- names and ids ------------------------------------------------------------------------

    def name(self, log_id: str) -> str:
        """The store name of a log: `<folder>/<id>.jsonl`."""
        return f"{self.folder}/{log_id}{SUFFIX}"

    def id_of(self, name: str) -> str:
        """The id in a store name (the inverse of `name`)."""
        return name.removeprefix(f"{self.folder}/").removesuffix(SUFFIX)

    def names(self) -> list[str]:
        """Store names of every log, sorted: one scan of the folder."""
        return self.store.list(self.folder, suffix=SUFFIX)

    def ids(self) -> list[str]:
        """Ids of every log, sorted: one scan of the folder."""
        return [self.id_of(name) for name in self.names()]

    def scan(self) -> tuple[list[str], list[str]]:
        """Ids of every log, and one line for each entry named like a log that is not a
        regular file (a planted symlink, a folder): those are never opened, but said."""
        return scan_logs(self.store, self.folder)

    def resolve(self, given: str, ids: Iterable[str] | None = None) -> str:
        """The full id for `given`: a full id, or a unique tail of one (any case), e.g. its last
        four characters. Pass `ids` when the folder has just been listed, to skip a scan."""
        given = given.strip()
        known = list(self.ids() if ids is None else ids)
        if given in known:
            return given
        matches = [i for i in known if given and i.lower().endswith(given.lower())]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            self._refuse_irregular(given)
            hint = f"; {self.list_hint}" if self.list_hint else ""
            raise LogNotFound(f"no {self.what} {given!r}{hint}")
        raise LogNotFound(f"{given!r} matches {len(matches)} {self.what}s: {', '.join(matches)}")

    # -- reading ------------------------------------------------------------------------------

    def read(self, log_id: str) -> LogRead[R]:
        """The records of the log `log_id` (a full id; none if it is missing). A line that is
        not JSON, or not a valid record, is skipped and reported with its file, line and the
        field at fault."""
        name = self.name(log_id)
        log = self.store.read_log(name)
        records: list[R] = []
        problems = list(log.problems)
        bad: list[tuple[int, str]] = []  # (index among the store's records, message)
        for index, value in enumerate(log.records):
            try:
                records.append(self.record_type.from_json(value))
            except ValueError as error:
                bad.append((index, str(error)))
        if bad:
            lines = self._record_lines(name, {p.line for p in log.problems})
            for index, message in bad:
                line = lines[index] if index < len(lines) else None
                problems.append(
                    DocumentError(
                        self.store.path(name), line, f"event {index + 1}: {message}; skipped"
                    )
                )
            problems.sort(key=lambda p: p.line or 0)
        return LogRead(name, records, problems)

    def _refuse_irregular(self, given: str) -> None:
        """A full id whose log is a symlink or not a regular file is left out of listings and
        never followed: say so, naming the path, rather than "no such log"."""
        try:
            path = self.store.path(self.name(given))
        except ValueError:
            return
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise StoreError(f"{path}: {IRREGULAR}")

    def load(self, log_id: str) -> Folded[S]:
        """The log `log_id` (a full id) read and folded. Bad lines are skipped and reported;
        FoldError (naming the file) when what is left cannot be folded."""
        read = self.read(log_id)
        try:
            state = self.fold_records(read.records)
        except ValueError as error:
            # The fold's complaint is often a consequence ("must start with a 'declared'
            # event") of a line skipped above: say that line's own reason too.
            cause = (
                f" (line {read.problems[0].line}: {read.problems[0].message})"
                if read.problems
                else ""
            )
            raise FoldError(f"{self.store.path(read.name)}: {error}{cause}") from error
        return Folded(log_id, state, read.problems)

    def load_all(self) -> tuple[list[Folded[S]], list[FoldError]]:
        """Every log, folded, after one scan of the folder; logs that cannot be folded are
        returned as errors, so one broken log never hides the others."""
        folded: list[Folded[S]] = []
        errors: list[FoldError] = []
        for log_id in self.ids():
            try:
                folded.append(self.load(log_id))
            except FoldError as error:
                errors.append(error)
        return folded, errors

    # -- writing ------------------------------------------------------------------------------

    def append(self, log_id: str, record: R) -> None:
        """Append one record to the log `log_id`, as one line, under the log's lock."""
        self.store.append(self.name(log_id), record.to_json())

    def exists(self, log_id: str) -> bool:
        return self.store.exists(self.name(log_id))

    # -- watching -----------------------------------------------------------------------------

    def watcher(self) -> ChangeWatcher:
        """A ChangeWatcher on the folder: `poll()` gives the store names that changed since the
        previous poll (the first poll takes stock); `changed_ids` turns them into ids."""
        from sretui.store import ChangeWatcher

        return ChangeWatcher(self.store, self.folder)

    def changed_ids(self, names: Iterable[str]) -> set[str]:
        """The ids among store names a watcher reported (other files are left out)."""
        prefix = f"{self.folder}/"
        return {
            self.id_of(name)
            for name in names
            if name.startswith(prefix) and name.endswith(SUFFIX) and "/" not in name[len(prefix) :]
        }

    # -- internals ----------------------------------------------------------------------------

    def _record_lines(self, name: str, problem_lines: set[int | None]) -> list[int]:
        """The line number of each record `Store.read_log` returned, in order: the non-blank
        lines that were not reported as problems (the rule `read_log` itself follows). Read
        only when a record is bad, to say where it is."""
        try:
            raw = self.store.path(name).read_bytes()
        except OSError:
            return []
        return [
            number
            for number, line in enumerate(raw.split(b"\n"), start=1)
            if line.strip() and number not in problem_lines
        ]
