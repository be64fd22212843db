"""The incidents as `sretui incident list` prints them: one row each, from the summary cache
(`services/summaries.py`) where a log has not changed, so a listing imports neither the
incident domain nor msgspec unless some log changed since the last one.

The rows say what the full fold says (`IncidentService.list`): the same incidents, order,
warnings and unreadable logs; tests compare the two on the same data dir.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sretui.services.eventlog import SUFFIX, scan_logs
from sretui.services.summaries import Row, Summary, SummaryIndex, Unreadable

if TYPE_CHECKING:
    from sretui.domain.incident import Incident
    from sretui.store import Store

FOLDER = "incidents"
# The shape of a row and the fold behind it: change this when either changes (a new field, a
# fix in the fold that changes what a row says), and every cached row is made again.
ROW_VERSION = "incident-row-1"


class IncidentRow(NamedTuple):
    id: str
    title: str
    severity: str  # "SEV1".."SEV4"
    rank: int  # 1 is most severe
    status: str
    open: bool
    declared_at: datetime
    commander: str


class IncidentRows(NamedTuple):
    rows: list[IncidentRow]  # most severe, then newest first
    problems: list[str]  # lines of listed logs that were skipped, each `path:line: message`
    unreadable: list[str]  # logs left out, each one line naming the file
    folded: int  # logs that were read and folded for this listing


def row_of(incident: "Incident") -> Row:
    """An incident's cached row (JSON)."""
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value,
        "rank": incident.severity.rank,
        "status": incident.status.value,
        "open": incident.is_open,
        "declared_at": incident.declared_at.isoformat(),
        "commander": incident.commander,
    }


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "title": str,
    "severity": str,
    "rank": int,
    "status": str,
    "open": bool,
    "declared_at": str,
    "commander": str,
}


def valid_row(row: Row) -> bool:
    """Whether a cached row has every field with its type, and a time that parses."""
    if any(not isinstance(row.get(key), kind) for key, kind in _FIELDS.items()):
        return False
    try:
        return datetime.fromisoformat(row["declared_at"]).tzinfo is not None
    except ValueError:
        return False


def list_rows(store: "Store", user: str, *, include_closed: bool = False) -> IncidentRows:
    """Every incident's row (open ones only unless `include_closed`), after one scan of the
    folder; a log is folded only when it changed since the last listing."""
    ids, unreadable = scan_logs(store, FOLDER)
    index = SummaryIndex(store, FOLDER, suffix=SUFFIX, version=ROW_VERSION, valid_row=valid_row)
    listed = index.read(ids, _summarizer(store, user))
    unreadable.extend(listed.unreadable)
    rows: list[IncidentRow] = []
    problems: list[str] = []
    for summary in listed.summaries:
        row = _row(summary.row)
        if include_closed or row.open:
            rows.append(row)
            problems.extend(summary.problems)
    rows.sort(key=lambda r: (r.rank, -r.declared_at.timestamp()))
    return IncidentRows(rows, problems, unreadable, listed.folded)


def _row(row: Row) -> IncidentRow:
    values: dict[str, Any] = dict(row)
    values["declared_at"] = datetime.fromisoformat(row["declared_at"])
    return IncidentRow(**{key: values[key] for key in _FIELDS})


def _summarizer(store: "Store", user: str) -> Callable[[str], Summary | Unreadable]:
    """Fold one log with the incident service: imported only when some log changed."""
    service = None

    def summarize(log_id: str) -> Summary | Unreadable:
        nonlocal service
        from sretui.domain.incident import IncidentError
        from sretui.services.incidents import IncidentService

        if service is None:
            service = IncidentService(store, user)
        try:
            item = service.load_exact(log_id)
        except IncidentError as error:  # a store refusal is an IncidentStoreError
            return Unreadable(str(error))
        return Summary(row_of(item.incident), [str(p) for p in item.problems])

    return summarize
