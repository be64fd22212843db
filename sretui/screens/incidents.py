"""`2`: open incidents, who holds each role, the timeline, and the next check-in.

Every change goes through `IncidentService` (one event appended under the log's lock); the app's
state watcher tells this screen when another process changed an incident. Reads and appends run
off the event loop (a thread worker, or a thread from an action's worker) and their results
come back as Messages; alerts and silences go through `services.alerts`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Static

from sretui.domain.durations import humanize_duration, parse_duration
from sretui.domain.incident import (
    DEFAULT_CHECK_IN_CADENCE,
    ActionItemStatus,
    ActionItemType,
    IcsRole,
    Incident,
    IncidentError,
    IncidentStatus,
    Priority,
    Severity,
    add_action_item,
    add_note,
    assign_role,
    change_severity,
    change_status,
    ics_warnings,
    link_alert,
    next_check_in,
    pin,
    record_silence,
    unpin,
    update_action_item,
)
from sretui.domain.text import safe_text
from sretui.keys import screen_bindings
from sretui.screens.base import AreaScreen
from sretui.screens.incident_forms import (
    ChoicePrompt,
    Confirm,
    DeclareForm,
    TextPrompt,
    classification_of,
    confirmed,
)
from sretui.services.alerts import (
    NOT_CONFIGURED,
    AlertBoard,
    AlertError,
    AlertService,
    alert_services,
    alert_title,
    duration_choices,
    labels_text,
)
from sretui.services.incidents import (
    SAVE_ERRORS,
    IncidentList,
    IncidentNotFound,
    IncidentService,
    IncidentStoreError,
    describe,
)
from sretui.widgets.incident_cells import SEVERITY_STYLES, check_in_text

if TYPE_CHECKING:
    from sretui.services.alerts import Alert

STATUS_ORDER = list(IncidentStatus)


def status_choices(current: IncidentStatus) -> tuple[list[tuple[str, str]], str | None]:
    """The moves from `current`: forward ones first (the next one is where the cursor starts),
    then the backward ones, marked as reopening. Returns (choices, initial value)."""
    forward = [s for s in IncidentStatus if s.rank > current.rank]
    backward = [s for s in IncidentStatus if s.rank < current.rank][::-1]
    choices = [(s.value, s.value) for s in forward]
    choices += [(f"{s.value} (reopen)", s.value) for s in backward]
    return choices, forward[0].value if forward else None


SHOWN_MAX = 2_000  # characters of one text in the detail pane; more would stall every redraw


def shown(text: str, limit: int = SHOWN_MAX) -> str:
    """Outside text as the incidents screen shows it: made safe (`safe_text`, one line) and,
    past `limit` characters, cut with a word on how to read the rest."""
    if len(text) > limit:
        rest = len(text) - limit
        return f"{safe_text(text[:limit])}… ({rest:,} more characters: press t for all)"
    return safe_text(text)


def incident_detail(
    incident: Incident,
    now: datetime,
    cadence: Mapping[Severity, timedelta] = DEFAULT_CHECK_IN_CADENCE,
) -> Text:
    """Everything about one incident, the whole timeline last (the pane scrolls)."""
    text = Text()
    text.append(f"{incident.severity.value}", style=SEVERITY_STYLES[incident.severity.value])
    text.append(" ")
    text.append(f"{incident.status.value.upper()}  ", style="bold")
    text.append(shown(incident.title), style="bold")
    text.append(f"\n{incident.id} · {shown(incident.channel)}")
    if incident.services:
        text.append(f" · {shown(', '.join(incident.services))}")
    text.append(f"\nSeverity: {shown(incident.severity_reason)}", style="dim")
    text.append("\nNext update: ")
    text.append_text(check_in_text(incident, now, cadence))
    text.append("\n")
    for role in IcsRole:
        holders = incident.holders(role)
        text.append(f"\n{role.label:<22}")
        if holders:
            text.append(shown(", ".join(holders)))
        else:
            text.append("(empty)", style="yellow")
    for warning in ics_warnings(incident):
        text.append(f"\n! {shown(warning)}", style="yellow")
    if incident.root_cause:
        text.append(f"\nRoot cause: {shown(incident.root_cause)}")
    if incident.action_items:
        text.append("\n\nAction items", style="bold underline")
        for item in incident.action_items:
            done = item.status is ActionItemStatus.DONE
            text.append(f"\n{item.label} ", style="dim" if done else "bold")
            text.append(f"[{item.status.value}] {item.priority.value} {item.type.value}: ")
            text.append(shown(item.description))
            text.append(f" ({shown(item.owner) or 'no owner yet'})", style="dim")
    text.append("\n\nTimeline", style="bold underline")
    text.append(f"  ({len(incident.timeline)} events; Tab here and scroll)", style="dim")
    for event in incident.timeline:
        mark = "*" if event.id in incident.pinned else " "
        text.append(f"\n{mark}{event.at.astimezone():%H:%M} ", style="dim")
        text.append(f"{shown(event.author)}: ", style="bold")
        text.append(shown(event.text))
    return text


class IncidentsScreen(AreaScreen):
    AREA = "incidents"
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("incidents")

    DEFAULT_CSS = """
    IncidentsScreen #incidents-table { height: auto; max-height: 8; }
    IncidentsScreen #incidents-empty { padding: 0 1; color: $text-muted; height: auto; }
    IncidentsScreen #incident-detail-scroll { height: 1fr; padding: 0 1; }
    IncidentsScreen #incident-detail-scroll:focus { background: $boost; }
    IncidentsScreen #alerts-status { height: auto; padding: 0 1; background: $panel; }
    IncidentsScreen #alerts-table { height: auto; max-height: 6; }
    """

    class Loaded(Message):
        """The incidents read from disk (in a thread)."""

        def __init__(self, loaded: IncidentList) -> None:
            super().__init__()
            self.loaded = loaded

    class Changed(Message):
        """An event was appended to an incident (in a thread); the list is read again."""

        def __init__(self, incident: Incident) -> None:
            super().__init__()
            self.incident = incident

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.incidents: dict[str, Incident] = {}
        self.alerts: dict[str, Alert] = {}
        self._select_next: str | None = None  # select this incident once it is listed
        self._bell_rung: set[tuple[str, datetime]] = set()
        self._typed: dict[str, str] = {}  # prompt title -> text, for the write under way
        self._kept_text: dict[str, str] = {}  # what was typed for a write that was refused
        self._kept_declare: dict[str, Any] | None = None  # a declare form the disk refused

    @property
    def cadence(self) -> dict[Severity, timedelta]:
        return self.runtime.workspace.check_in_cadence

    @property
    def service(self) -> IncidentService:
        return self.runtime.incident_service()

    def compose_body(self) -> ComposeResult:
        yield Static("", id="incidents-empty")
        table: DataTable[Text | str] = DataTable(id="incidents-table", cursor_type="row")
        for column in ("Sev", "Status", "Next update", "Age", "IC", "Title", "Id"):
            table.add_column(column, key=column)
        yield table
        with VerticalScroll(id="incident-detail-scroll"):
            yield Static("", id="incident-detail")
        if self.runtime.workspace.has_alertmanager:
            yield Static(Text("Alertmanager: reading…", style="dim"), id="alerts-status")
            alerts: DataTable[Text | str] = DataTable(id="alerts-table", cursor_type="row")
            for column in ("Alert", "Firing for", "State", "Labels"):
                alerts.add_column(column, key=column)
            yield alerts

    def on_mount(self) -> None:
        self.sre.incidents_signal.subscribe(self, self.reload)
        self.sre.alerts_signal.subscribe(self, self.show_alerts)
        self.reload()
        if self.query("#alerts-table"):
            self.show_alerts(self.runtime.alert_board)
        self.set_interval(1.0, self.tick)

    def on_screen_resume(self) -> None:
        # Back from a dialog or the drafts screen, which may have appended events.
        if self.is_mounted:
            self.reload()

    # -- reading (in a thread) ---------------------------------------------------------------

    def reload(self, _changed: object = None) -> None:
        """Read the incidents again, off the event loop; `Loaded` shows them."""
        self._load(self.show_all)

    @work(thread=True, exclusive=True, group="incidents-load", exit_on_error=False)
    def _load(self, include_closed: bool) -> None:
        self.post_message(self.Loaded(self.service.list(include_closed=include_closed)))

    @on(Loaded)
    def show_loaded(self, message: Loaded) -> None:
        self.incidents = {item.incident.id: item.incident for item in message.loaded}
        table = self.query_one("#incidents-table", DataTable)
        selected = self._select_next or self.selected_id()
        self._select_next = None
        table.clear()
        now = self.runtime.now()
        for incident in self.incidents.values():
            table.add_row(*self._cells(incident, now), key=incident.id)
        if selected in self.incidents:
            table.move_cursor(row=table.get_row_index(selected))
        empty = self.query_one("#incidents-empty", Static)
        unreadable = message.loaded.unreadable
        empty.display = not self.incidents or bool(unreadable)
        which = "incidents" if self.show_all else "open incidents"
        text = Text() if self.incidents else Text(f"No {which}. Press n to declare one.")
        if unreadable:
            logs = "log" if len(unreadable) == 1 else "logs"
            text.append("\n" if text else "")
            text.append(f"! {len(unreadable)} incident {logs} unreadable: ", style="bold yellow")
            text.append(safe_text(unreadable[0]))
            text.append(" (sretui incident list names them all)" if len(unreadable) > 1 else "")
        empty.update(text)
        self.tick()  # an update already due rings now, not a second later

    @on(Changed)
    def changed(self, message: Changed) -> None:
        self.reload()

    def _cells(self, incident: Incident, now: datetime) -> list[Text]:
        sev = incident.severity.value
        return [
            Text(sev, style=SEVERITY_STYLES[sev]),
            Text(incident.status.value),
            check_in_text(incident, now, self.cadence),
            self._age(incident, now),
            Text(shown(incident.commander)),
            Text(shown(incident.title)),
            Text(incident.id[-4:], style="dim"),
        ]

    @staticmethod
    def _age(incident: Incident, now: datetime) -> Text:
        return Text(humanize_duration(now - incident.declared_at, parts=1))

    def selected_id(self) -> str | None:
        table = self.query_one("#incidents-table", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

    def selected(self) -> Incident | None:
        chosen = self.selected_id()
        return self.incidents.get(chosen) if chosen else None

    @on(DataTable.RowHighlighted, "#incidents-table")
    def show_detail(self) -> None:
        incident = self.selected()
        detail = self.query_one("#incident-detail", Static)
        if incident is None:
            detail.update("")
            return
        now = self.runtime.now()
        detail.update(incident_detail(incident, now, self.cadence))

    def tick(self) -> None:
        """Count down the check-ins and the ages; ring the bell once when an update falls due."""
        now = self.runtime.now()
        table = self.query_one("#incidents-table", DataTable)
        for incident in self.incidents.values():
            if incident.id not in table.rows:
                continue
            cell = check_in_text(incident, now, self.cadence)
            table.update_cell(incident.id, "Next update", cell)
            table.update_cell(incident.id, "Age", self._age(incident, now))
            due = next_check_in(incident, self.cadence)
            if due is not None and incident.is_open and due <= now:
                key = (incident.id, due)
                if key not in self._bell_rung:
                    self._bell_rung.add(key)
                    self.app.bell()
                    self.notify(
                        f"{incident.severity.value} {shown(incident.title, 200)}: "
                        "a status update is due (press u)",
                        severity="warning",
                        markup=False,
                        timeout=10,
                    )
        self.show_detail()

    # -- acting (appends in a thread) --------------------------------------------------------

    async def _apply(
        self, command: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Incident | None:
        incident = self.selected()
        if incident is None:
            self.notify("No incident selected: press n to declare one.", severity="warning")
            return None
        return await self._apply_to(incident.id, command, *args, **kwargs)

    async def _apply_to(
        self, incident_id: str, command: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Incident | None:
        """Append one event off the event loop; `Changed` reads the list again."""
        try:
            updated = await asyncio.to_thread(
                self.service.apply, incident_id, command, *args, **kwargs
            )
        except (IncidentError, *SAVE_ERRORS) as exc:
            self._refused(exc)
            return None
        self._saved()
        self.post_message(self.Changed(updated))
        return updated

    # -- what was typed survives a failed write -------------------------------------------------

    async def _ask(self, title: str, *, placeholder: str = "", value: str = "") -> str | None:
        """A TextPrompt that offers again what was typed for a write that failed."""
        kept = self._kept_text.get(title, value)
        text = await self.app.push_screen_wait(
            TextPrompt(title, placeholder=placeholder, value=kept)
        )
        if text:
            self._typed[title] = text
        return text

    def _refused(self, error: Exception, *, kept: bool = False) -> None:
        """One toast saying why (a refused command, or the file and the reason the disk gave);
        what was typed is offered again when the key is pressed again."""
        said = str(error)
        if isinstance(error, IncidentNotFound):  # removed from the data dir since it was listed
            self._typed.clear()
            self.reload()
            self.notify(
                f"{shown(said)}: it is no longer in the data dir", severity="error", markup=False
            )
            return
        kept = kept or bool(self._typed)
        self._kept_text.update(self._typed)
        self._typed.clear()
        if isinstance(error, (IncidentStoreError, *SAVE_ERRORS)):
            said = f"Not saved: {said}"
        if kept:
            said += " (what you typed is kept: press the key again to retry)"
        self.notify(shown(said), severity="error", markup=False, timeout=15)

    def _saved(self) -> None:
        for title in self._typed:
            self._kept_text.pop(title, None)
        self._typed.clear()

    async def declare_with_form(self, form: DeclareForm) -> Incident | None:
        """Show the declare form; declare what it returns, select it and say so."""
        values = await self.app.push_screen_wait(form)
        if values is None:
            return None
        try:
            incident = await asyncio.to_thread(
                self.service.declare,
                values["title"],
                services=values["services"],
                classification=classification_of(values),
                severity=values["severity"],
                reason=values["reason"],
                commander=values["commander"],
            )
        except (IncidentError, *SAVE_ERRORS) as exc:
            self._kept_declare = values
            self._refused(exc, kept=True)
            return None
        self._kept_declare = None
        self._select_next = incident.id
        self.post_message(self.Changed(incident))
        self.notify(
            f"Declared {incident.severity.value} {incident.id}; channel {shown(incident.channel)}; "
            f"IC {shown(incident.commander)}",
            markup=False,
        )
        return incident

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_declare(self) -> None:
        await self.declare_with_form(DeclareForm(answers=self._kept_declare))

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_note(self) -> None:
        if self.selected() is None:
            return
        text = await self._ask("Note for the timeline")
        if text:
            await self._apply(add_note, text)

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_role(self) -> None:
        incident = self.selected()
        if incident is None:
            return
        choices = [
            (f"{r.label}: {', '.join(incident.holders(r)) or '(empty)'}", r.value) for r in IcsRole
        ]
        role = await self.app.push_screen_wait(ChoicePrompt("Assign which role?", choices))
        if role is None:
            return
        label = IcsRole(role).label
        name = await self._ask(f"Who is {label}?")
        if name:
            await self._apply(assign_role, role, name)

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_status(self) -> None:
        incident = self.selected()
        if incident is None:
            return
        choices, initial = status_choices(incident.status)
        status = await self.app.push_screen_wait(
            ChoicePrompt(f"Move from {incident.status.value} to", choices, initial=initial)
        )
        if status is None:
            return
        target = IncidentStatus(status)
        note: str | None = ""
        if target.rank < incident.status.rank:
            answer = await self.app.push_screen_wait(
                Confirm(
                    f"Reopen {incident.id}?",
                    f"It goes back from {incident.status.value} to {target.value}; the "
                    "timeline records the reopen.",
                    yes="Reopen",
                )
            )
            if not confirmed(answer):
                return
            note = await self._ask(
                "Why reopen? (goes on the timeline)", placeholder="what came back"
            )
            if not note:
                return
        root_cause = None
        closing = target.rank >= IncidentStatus.RESOLVED.rank
        if closing and not incident.root_cause:
            root_cause = await self._ask(
                "Root cause, in one line", placeholder="what broke and why"
            )
            if not root_cause:
                return
        updated = await self._apply(change_status, status, root_cause=root_cause, note=note or "")
        if updated is not None and updated.status is IncidentStatus.RESOLVED:
            self.open_text(updated.id, "resolution")

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_pin(self) -> None:
        incident = self.selected()
        if incident is None:
            return
        recent = list(incident.timeline[-15:])[::-1]
        choices = [
            (
                f"{'unpin' if e.id in incident.pinned else 'pin'}  "
                f"{e.at.astimezone():%H:%M} {e.text[:60]}",
                e.id,
            )
            for e in recent
        ]
        event_id = await self.app.push_screen_wait(ChoicePrompt("Pin an event", choices))
        if event_id:
            await self._apply(unpin if event_id in incident.pinned else pin, event_id)

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_severity(self) -> None:
        incident = self.selected()
        if incident is None:
            return
        choices = [(s.value, s.value) for s in Severity if s is not incident.severity]
        severity = await self.app.push_screen_wait(
            ChoicePrompt(f"Change severity from {incident.severity.value} to", choices)
        )
        if severity is None:
            return
        reason = await self._ask("Why? (goes on the timeline)")
        if reason:
            await self._apply(change_severity, severity=severity, reason=reason)

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_action_item(self) -> None:
        """A postmortem action item: what, which kind, who, how urgent."""
        if self.selected() is None:
            return
        description = await self._ask("Action item: what will be done")
        if not description:
            return
        kind = await self.app.push_screen_wait(
            ChoicePrompt("Kind", [(t.value, t.value) for t in ActionItemType])
        )
        if kind is None:
            return
        priority = await self.app.push_screen_wait(
            ChoicePrompt("Priority", [(p.value, p.value) for p in Priority])
        )
        if priority is None:
            return
        owner = await self._ask("Owner (Esc: decide later, with I)", placeholder="name or team")
        await self._apply(
            add_action_item, description, type=kind, priority=priority, owner=owner or ""
        )

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_action_status(self) -> None:
        """I: change an action item's status, owner or priority."""
        incident = self.selected()
        if incident is None or not incident.action_items:
            self.notify("No action items yet: press i to add one.", severity="warning")
            return
        items = [
            (f"{i.label} [{i.status.value}] {i.description[:50]}", i.key)
            for i in incident.action_items
        ]
        key = await self.app.push_screen_wait(ChoicePrompt("Which action item?", items))
        if key is None:
            return
        item = next(i for i in incident.action_items if i.key == key)
        what = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Change {item.label}",
                [
                    (f"status ({item.status.value})", "status"),
                    (f"owner ({item.owner or 'no owner yet'})", "owner"),
                    (f"priority ({item.priority.value})", "priority"),
                ],
            )
        )
        if what == "status":
            status = await self.app.push_screen_wait(
                ChoicePrompt(
                    "New status",
                    [(s.value, s.value) for s in ActionItemStatus],
                    initial=item.status.value,
                )
            )
            if status is not None:
                await self._apply(update_action_item, key, status=status)
        elif what == "owner":
            owner = await self._ask(
                f"Owner of {item.label}", placeholder="name or team", value=item.owner
            )
            if owner:
                await self._apply(update_action_item, key, owner=owner)
        elif what == "priority":
            priority = await self.app.push_screen_wait(
                ChoicePrompt(
                    "New priority",
                    [(p.value, p.value) for p in Priority],
                    initial=item.priority.value,
                )
            )
            if priority is not None:
                await self._apply(update_action_item, key, priority=priority)

    def action_comms(self) -> None:
        incident = self.selected()
        if incident is not None:
            kind = "resolution" if incident.status is IncidentStatus.RESOLVED else "internal"
            self.open_text(incident.id, kind)

    def action_postmortem(self) -> None:
        incident = self.selected()
        if incident is not None:
            self.open_text(incident.id, "postmortem")

    def open_text(self, incident_id: str, kind: str) -> None:
        from sretui.screens.incident_text import IncidentTextScreen

        self.app.push_screen(IncidentTextScreen(incident_id, kind))

    # -- alerts -----------------------------------------------------------------------------

    def show_alerts(self, board: AlertBoard) -> None:
        if not self.query("#alerts-table"):
            return
        now = self.runtime.now()
        status = Text("Alertmanager: ", style="bold")
        if board.read_at is None and board.error is None:
            status.append("reading…", style="dim")
        else:
            status.append(f"{len(board.alerts)} alerts")
            if board.read_at is not None:
                status.append(f", read {board.read_at.astimezone():%H:%M:%S}", style="dim")
            status.append("  d declare · x silence · S silences", style="dim")
        if board.error:
            status.append(f"\nfailed: {safe_text(board.error)}", style="bold red")
        self.query_one("#alerts-status", Static).update(status)
        table = self.query_one("#alerts-table", DataTable)
        table.clear()
        self.alerts = {alert.fingerprint: alert for alert in board.alerts}
        for alert in board.alerts:
            state = "silenced" if alert.silenced_by else alert.state
            table.add_row(
                Text(safe_text(alert.name), style="bold"),
                Text(humanize_duration(alert.firing_for(now), parts=1)),
                Text(state, style="dim" if state != "active" else "bold red"),
                Text(labels_text(alert)),
                key=alert.fingerprint,
            )

    def selected_alert(self) -> Alert | None:
        if not self.query("#alerts-table"):
            self.notify(NOT_CONFIGURED, markup=False)
            return None
        table = self.query_one("#alerts-table", DataTable)
        if not table.row_count:
            self.notify("No firing alerts.", severity="warning")
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return self.alerts.get(key) if key else None

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_declare_from_alert(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            return
        form = DeclareForm(title=alert_title(alert), services=", ".join(alert_services(alert)))
        incident = await self.declare_with_form(form)
        if incident is None:
            return
        await self._apply_to(
            incident.id,
            link_alert,
            fingerprint=alert.fingerprint,
            alertname=safe_text(alert.name) or "alert",
            starts_at=alert.starts_at,
            labels={safe_text(k): safe_text(v) for k, v in alert.labels.items()},
            summary=alert_title(alert),
        )

    @work(exclusive=True, group="incident-form", exit_on_error=False)
    async def action_silence(self) -> None:
        alert = self.selected_alert()
        if alert is None:
            return
        name = safe_text(alert.name)
        duration = await self.app.push_screen_wait(
            ChoicePrompt(f"Silence {name} for", duration_choices())
        )
        if duration is None:
            return
        comment = await self._ask(
            "Why silence it? (goes on the silence)", placeholder="e.g. INC-... mitigation"
        )
        if not comment:
            return
        incident = self.incident_for(alert)
        body = f"Silence {labels_text(alert, skip=())} for {duration}.\nComment: {comment}\n" + (
            f"Recorded on {incident.id}." if incident else "No incident selected to record it on."
        )
        answer = await self.app.push_screen_wait(
            Confirm("Create this silence?", body, yes="Yes, silence it")
        )
        if not confirmed(answer):
            return
        alerts = AlertService(await self.runtime.alertmanager())
        try:
            made = await alerts.silence(
                alert,
                duration=parse_duration(duration),
                comment=comment,
                created_by=self.runtime.workspace.user,
                now=self.runtime.now(),
            )
        except AlertError as exc:  # Alertmanager down or refusing: the comment is kept
            self._refused(exc)
            return
        if incident is None:
            self._saved()
        else:
            await self._apply_to(
                incident.id,
                record_silence,
                silence_id=made.silence_id,
                matchers=list(made.matchers),
                ends_at=made.ends_at,
                comment=comment,
            )
        self.notify(f"Silenced {name} until {made.ends_at.astimezone():%H:%M}", markup=False)
        self.sre.refresh_now("alerts")

    def incident_for(self, alert: Alert) -> Incident | None:
        """The incident this alert is linked to, else the selected one."""
        for incident in self.incidents.values():
            if any(a.fingerprint == alert.fingerprint for a in incident.alerts):
                return incident
        return self.selected()

    def action_full_text(self) -> None:
        """The selected incident with every text in full (the detail cuts long ones)."""
        incident = self.selected()
        if incident is None:
            return
        from sretui.screens.full_text import FullTextScreen

        self.app.push_screen(FullTextScreen(f"{incident.id} {incident.title}", describe(incident)))

    def action_silences(self) -> None:
        if not self.query("#alerts-table"):
            self.notify(NOT_CONFIGURED, markup=False)
            return
        from sretui.screens.silences import SilencesScreen

        self.app.push_screen(SilencesScreen())

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()


SCREEN = IncidentsScreen
