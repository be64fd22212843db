"""Status-update drafts and the postmortem for one incident: edit, copy (to tmux inside tmux,
else OSC 52: works over SSH), save to a file, and record what was sent (which resets the
check-in timer). Reads and appends run in threads; edited text is never dropped unasked."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Static, TextArea

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
from sretui.domain.text import safe_text
from sretui.keys import screen_bindings
from sretui.screens.base import SreScreen
from sretui.screens.incident_forms import Confirm, confirmed
from sretui.services.exports import export_incident_text
from sretui.services.incidents import SAVE_ERRORS, IncidentService
from sretui.widgets.key_footer import KeyFooter

FILL_IN = "[fill in:"

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

    class Loaded(Message):
        """The incident, read in a thread, and the draft to show for it."""

        def __init__(self, incident: Incident, kind: str) -> None:
            super().__init__()
            self.incident = incident
            self.kind = kind

    def __init__(self, incident_id: str, kind: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.kind = kind
        self.current: Incident | None = None
        self.loaded_body = ""  # the text as drafted or last saved: anything else is an edit

    @property
    def service(self) -> IncidentService:
        return self.runtime.incident_service()

    def compose(self) -> ComposeResult:
        header = self.status_header("Incident text")
        yield header
        yield Static(Text("Reading the incident…", style="dim"), id="text-title")
        yield TextArea("", id="text-body", soft_wrap=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load(self.kind)

    @work(thread=True, exclusive=True, group="incident-text-load", exit_on_error=False)
    def load(self, kind: str) -> None:
        try:
            incident = self.service.load(self.incident_id).incident
        except IncidentError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.post_message(self.Loaded(incident, kind))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.current = message.incident
        self.show(message.kind)

    def show(self, kind: str) -> None:
        incident = self.current
        if incident is None:
            return
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
        self.loaded_body = body
        area.focus()

    @property
    def body(self) -> str:
        return self.query_one("#text-body", TextArea).text

    @property
    def edited(self) -> bool:
        return self.body != self.loaded_body

    async def _may_discard(self) -> bool:
        """True when nothing was edited, or the engineer agrees to drop the edits."""
        if not self.edited:
            return True
        answer = await self.app.push_screen_wait(
            Confirm(
                "Discard your edits?",
                f"The {TITLES[self.kind].lower()} was edited and not saved or sent "
                "(ctrl+s saves, ctrl+r marks it sent).",
                yes="Discard",
            )
        )
        return confirmed(answer)

    @work(exclusive=True, group="incident-text", exit_on_error=False)
    async def action_next_draft(self) -> None:
        if self.kind == "postmortem" or self.current is None:
            return
        if not await self._may_discard():
            return
        resolved = self.current.resolved_at is not None
        kinds = [k for k in DRAFTS if k != "resolution" or resolved]
        index = kinds.index(self.kind) if self.kind in kinds else -1
        self.show(kinds[(index + 1) % len(kinds)])

    def action_copy(self) -> None:
        # The app's copy says where the text went (tmux's buffer or the terminal).
        self.app.copy_to_clipboard(self.body)

    @work(exclusive=True, group="incident-text", exit_on_error=False)
    async def action_save(self) -> None:
        body = self.body
        try:
            path = await asyncio.to_thread(
                export_incident_text, self.service, self.incident_id, self.kind, body
            )
        except (IncidentError, *SAVE_ERRORS) as exc:
            # The text stays in the editor: fix the disk and press ctrl+s again.
            self.notify(f"Could not save: {safe_text(str(exc))}", severity="error", markup=False)
            return
        self.loaded_body = body
        self.notify(f"Saved {path}", markup=False)

    @work(exclusive=True, group="incident-text", exit_on_error=False)
    async def action_sent(self) -> None:
        """Record the message as sent; an update also counts as the check-in."""
        if self.kind == "postmortem":
            self.action_save()
            return
        body = self.body
        if FILL_IN in body:
            answer = await self.app.push_screen_wait(
                Confirm(
                    "Mark it sent with parts to fill in?",
                    f"{body.count(FILL_IN)} [fill in: ...] part(s) are still in the text.",
                    yes="Yes, it was sent like this",
                    no="No, keep editing",
                )
            )
            if not confirmed(answer):
                return
        try:
            await asyncio.to_thread(self._record_sent, self.kind, body)
        except IncidentError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        except SAVE_ERRORS as exc:
            # The text stays in the editor, unsaved, so ctrl+r can be pressed again.
            said = safe_text(str(exc))
            self.notify(f"Not recorded as sent: {said}", severity="error", markup=False)
            return
        self.loaded_body = body
        self.notify("Recorded as sent; the check-in timer starts again.")

    def _record_sent(self, kind: str, body: str) -> None:
        self.service.apply(self.incident_id, record_comms, kind, body)
        if kind != "resolution":
            first = next((line for line in body.splitlines() if line.strip()), "")
            self.service.apply(self.incident_id, post_check_in, first or kind)

    @work(exclusive=True, group="incident-text", exit_on_error=False)
    async def action_back(self) -> None:
        if await self._may_discard():
            self.dismiss()
