"""The demo's one open incident, written into its throw-away data dir, so that every key of the
incidents screen has something to act on: search is failing for many users (the demo backend's
ongoing burn), declared 25 minutes ago, with an IC, a comms lead, notes and a check-in.

It is written before the first frame, so it costs no domain import: the events are the JSON
lines the domain commands write (tests fold them through `IncidentService` to prove it), laid
down in one atomic write."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sretui.store import Store

TITLE = "Search results failing for many users"
SLUG = "search-results-failing-for-many-users"
REASON = "matrix: degraded performance, over 25% of users -> SEV2"


def _events(
    incident_id: str, channel: str, user: str
) -> list[tuple[int, str, str, dict[str, Any]]]:
    """(minutes after declaring, kind, timeline text, data) of each event."""
    classification = {
        "severity": "SEV2",
        "matrix_severity": "SEV2",
        "broken": "degraded",
        "reach": "many",
        "triggers": [],
        "reasons": [REASON],
    }
    note_1 = "5xx from search-api started with the index rollout"
    note_2 = "rolling the index back to yesterday's build"
    update = "Investigating elevated search errors; next update in 30 minutes"
    return [
        (
            0,
            "declared",
            f'Declared SEV2 incident "{TITLE}"; channel {channel}',
            {
                "incident_id": incident_id,
                "title": TITLE,
                "services": ["search"],
                "severity": "SEV2",
                "severity_reason": REASON,
                "classification": classification,
                "commander": user,
                "channel": channel,
                "impact": "about 1 in 10 searches return an error page",
            },
        ),
        (
            2,
            "role_assigned",
            "grace is Communications Lead",
            {"role": "communications_lead", "person": "grace", "previous": [], "handover": False},
        ),
        (
            3,
            "role_assigned",
            "linus is Operations Lead",
            {"role": "operations_lead", "person": "linus", "previous": [], "handover": False},
        ),
        (6, "note", note_1, {"note": note_1, "tag": None}),
        (
            9,
            "status_changed",
            "Status: detected -> responding",
            {
                "status": "responding",
                "previous": "detected",
                "reopen": False,
                "root_cause": None,
                "note": "",
            },
        ),
        (14, "note", note_2, {"note": note_2, "tag": None}),
        (18, "check_in", f"Status update posted: {update}", {"message": update}),
    ]


def seed_demo(
    data_dir: Path, user: str, *, now: Callable[[], datetime] | None = None
) -> str | None:
    """Write the demo incident into `data_dir` unless an incident is there already; returns
    its id. Its events are placed before `now()`, as if the team had been on it a while."""
    store = Store(data_dir)
    if store.list("incidents", suffix=".jsonl"):
        return None
    declared = ((now or (lambda: datetime.now(UTC)))() - timedelta(minutes=25)).astimezone(UTC)
    declared = declared.replace(second=0, microsecond=0)
    incident_id = f"INC-{declared:%Y%m%d-%H%M}-demo"
    channel = f"#inc-{declared:%Y-%m-%d}-{SLUG}"
    lines = []
    for minutes, kind, text, data in _events(incident_id, channel, user):
        record = {
            "schema_version": 1,
            "id": os.urandom(16).hex(),
            "at": (declared + timedelta(minutes=minutes)).isoformat(),
            "author": user,
            "kind": kind,
            "text": text,
            "data": data,
        }
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    store.write_text(f"incidents/{incident_id}.jsonl", "".join(lines))
    return incident_id
