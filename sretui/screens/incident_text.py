"""Status-update drafts and the postmortem for one incident: edit, copy (OSC 52, works over
SSH and in tmux), save to a file, and record what was sent (which resets the check-in timer)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Static, TextArea

from sretui.domain.comms import (
    customer_status,
    internal_notification,
    resolution_notice,
    tactical_update,
)
from sretui.domain.incident import (
    Incident,
    IncidentError,
    Severity,
    post_check_in,
    record_comms,
)
from sretui.domain.postmortem import draft_postmortem
from sretui.keys import screen_bindings
from sretui.screens.base import SreScreen
from sretui.services.incidents import IncidentService

DRAFTS = ("internal", "customer", "tactical", "resolution")
TITLES = {
    "internal": "Internal notification",
    "customer": "Customer-facing status",
    "tactical": "Tactical update (conditions / actions / needs)",
    "resolution": "Resolution notice",
    "postmortem": "Blameless postmortem (Markdown)",
}


def draft(
    incident: Incident, kind: str, now: datetime, cadence: Mapping[Severity, timedelta]
) -> str:
    """The text of one kind of message (or the postmortem) for the incident as it is now."""
    if kind == "internal":
        return internal_notification(incident, now, cadence=cadence)
    if kind == "customer":
        return customer_status(incident, now, cadence=cadence)
    if kind == "tactical":
        return tactical_update(incident, now, cadence=cadence)
    if kind == "resolution":
        return resolution_notice(incident)
    return draft_postmortem(incident, now)


class IncidentTextScreen(SreScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("incident_text")

    DEFAULT_CSS = """
    IncidentTextScreen #text-title { padding: 0 1; height: auto; }
    IncidentTextScreen #text-body { height: 1fr; }
    """

    def __init__(self, incident_id: str, kind: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.kind = kind

    @property
    def service(self) -> IncidentService:
        return self.runtime.incident_service()

    def compose(self) -> ComposeResult:
        header = self.status_header("Incident text")
        yield header
        yield Static("", id="text-title")
        yield TextArea("", id="text-body", soft_wrap=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.show(self.kind)

    def incident(self) -> Incident:
        return self.service.load(self.incident_id).incident

    def show(self, kind: str) -> None:
        incident = self.incident()
        now = self.runtime.now()
        cadence = self.runtime.workspace.check_in_cadence
        try:
            body = draft(incident, kind, now, cadence)
        except IncidentError as exc:  # e.g. a resolution notice before it is resolved
            self.notify(str(exc), severity="warning", markup=False)
            kind = "internal"
            body = draft(incident, kind, now, cadence)
        self.kind = kind
        title = Text(f"{TITLES[kind]} · {incident.id} · ", style="bold")
        title.append("ctrl+n next draft · edit [fill in: ...] parts before sending", style="dim")
        self.query_one("#text-title", Static).update(title)
        area = self.query_one("#text-body", TextArea)
        area.load_text(body)
        area.focus()

    @property
    def body(self) -> str:
        return self.query_one("#text-body", TextArea).text

    def action_next_draft(self) -> None:
        if self.kind == "postmortem":
            return
        resolved = self.incident().resolved_at is not None
        kinds = [k for k in DRAFTS if k != "resolution" or resolved]
        index = kinds.index(self.kind) if self.kind in kinds else -1
        self.show(kinds[(index + 1) % len(kinds)])

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.body)
        self.notify("Copied to your terminal's clipboard (OSC 52).", timeout=3)

    def action_save(self) -> None:
        try:
            path = self.service.export(self.incident_id, self.kind, self.body)
        except (OSError, IncidentError) as exc:
            self.notify(f"Could not save: {exc}", severity="error", markup=False)
            return
        self.notify(f"Saved {path}", markup=False)

    def action_sent(self) -> None:
        """Record the message as sent; an update also counts as the check-in."""
        if self.kind == "postmortem":
            self.action_save()
            return
        try:
            self.service.apply(self.incident_id, record_comms, self.kind, self.body)
            if self.kind != "resolution":
                first = next((line for line in self.body.splitlines() if line.strip()), "")
                self.service.apply(self.incident_id, post_check_in, first or self.kind)
        except IncidentError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Recorded as sent; the check-in timer starts again.")

    def action_back(self) -> None:
        self.dismiss()
