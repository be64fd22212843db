"""Small keyboard-first dialogs for the incidents area: declare, one line of text, a choice,
and yes/no. Titles and bodies may carry outside text (alert names, incident titles): they go in
as `Text`, never as markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static

from sretui.domain.incident import (
    Broken,
    IncidentError,
    Reach,
    Severity,
    Trigger,
    classify,
    declare,
)
from sretui.domain.text import safe_text
from sretui.keys import screen_bindings

# Each answer starts with its own letter, so one key picks it: c d n m, o s m a.
BROKEN_LABELS = {
    Broken.CORE: "core function down",
    Broken.DEGRADED: "degraded performance",
    Broken.NON_CORE: "non-core feature down",
    Broken.COSMETIC: "minor or cosmetic",
}
REACH_LABELS = {
    Reach.ONE: "one user",
    Reach.SOME: "some: under 25% of users",
    Reach.MANY: "many: over 25% of users",
    Reach.ALL: "all users",
}
TRIGGER_LABELS = {
    Trigger.DATA_LOSS: "data loss",
    Trigger.SECURITY_BREACH_PII: "security breach with PII",
    Trigger.REVENUE_IMPACT: "revenue impact",
    Trigger.SLA_BREACH_IMMINENT: "SLA breach imminent",
}

FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{
    width: 90%;
    max-width: 84;
    height: auto;
    max-height: 95%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}}
{cls} .hint {{ color: $text-muted; }}
{cls} .error {{ color: $error; text-style: bold; }}
{cls} Input, {cls} Select {{ margin-bottom: 0; }}
"""


class Tick(Checkbox):
    """A checkbox whose state is a character (X or blank), not only a colour: with NO_COLOR
    Textual's own draws X either way."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class LetterSelect(Select[str]):
    """A Select that picks an option by its first letter while closed: `c` is "core function
    down", pressing it again moves to the next option with that letter."""

    def __init__(self, options: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self.letter_options = list(options)

    def _matches(self, character: str | None) -> list[str]:
        if not character or not character.isalnum():
            return []
        return [v for label, v in self.letter_options if label[:1].lower() == character.lower()]

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return bool(self._matches(character)) or super().check_consume_key(key, character)

    def on_key(self, event: events.Key) -> None:
        if self.expanded:
            return
        matches = self._matches(event.character)
        if not matches:
            return
        event.stop()
        event.prevent_default()
        current = self.value if self.value in matches else None
        self.value = matches[(matches.index(current) + 1) % len(matches)] if current else matches[0]


class DeclareForm(ModalScreen[dict[str, Any] | None]):
    """n: title, the two matrix questions, triggers, optional override, services, IC.

    The common case is n, the title, Tab, a letter, Tab, a letter, ctrl+s. Whatever the
    domain refuses (a title over 200 characters, an override without a reason) is shown here,
    with every answer kept."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("declare")
    AUTO_FOCUS = "#title"
    DEFAULT_CSS = (
        FORM_CSS.format(cls="DeclareForm")
        + """
    DeclareForm #declare-fields { height: auto; border: none; padding: 0; }
    DeclareForm #declare-fields > * { margin-bottom: 1; }
    DeclareForm Horizontal { height: auto; }
    DeclareForm Horizontal > Select { width: 1fr; margin-right: 1; }
    DeclareForm Horizontal > Input { width: 1fr; }
    DeclareForm #triggers { height: auto; layout: grid; grid-size: 2; grid-rows: 1; }
    DeclareForm #triggers Checkbox { width: auto; }
    """
    )

    def __init__(
        self,
        *,
        title: str = "",
        services: str = "",
        commander: str = "",
        answers: dict[str, Any] | None = None,
    ) -> None:
        """`answers` (what `dismiss` gave for a declare the data dir refused) fills every
        field again, so a retry is ctrl+s, not the whole form."""
        super().__init__()
        self.initial = {"title": title, "services": services, "commander": commander}
        self.answers: dict[str, Any] = {}
        if answers:
            self.answers = answers
            self.initial = {
                "title": answers["title"],
                "services": ", ".join(answers["services"]),
                "commander": answers["commander"] or "",
            }

    def _kept(self, key: str) -> Any:
        value = self.answers.get(key)
        return Select.NULL if value is None else value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text("Declare an incident")
            with Vertical(id="declare-fields"):
                yield Input(
                    self.initial["title"],
                    placeholder="Title: what users see",
                    id="title",
                    compact=True,
                )
                with Horizontal():
                    yield LetterSelect(
                        [(label, b.value) for b, label in BROKEN_LABELS.items()],
                        prompt="What is broken? (c d n m)",
                        value=self._kept("broken"),
                        id="broken",
                        compact=True,
                    )
                    yield LetterSelect(
                        [(label, r.value) for r, label in REACH_LABELS.items()],
                        prompt="How many users? (o s m a)",
                        value=self._kept("reach"),
                        id="reach",
                        compact=True,
                    )
                with Horizontal(id="triggers"):
                    for trigger, label in TRIGGER_LABELS.items():
                        yield Tick(
                            label,
                            trigger in self.answers.get("triggers", ()),
                            id=f"trigger-{trigger.value}",
                            compact=True,
                        )
                yield Static(
                    Text("Answer both questions to get the severity.", style="dim"), id="severity"
                )
                with Horizontal():
                    yield LetterSelect(
                        [(s.value, s.value) for s in Severity],
                        prompt="Override severity (optional)",
                        value=self._kept("severity"),
                        id="override",
                        compact=True,
                    )
                    yield Input(
                        self.answers.get("reason", ""),
                        placeholder="Why override? (needed if you do)",
                        id="reason",
                        compact=True,
                    )
                yield Input(
                    self.initial["services"],
                    placeholder="Services, comma separated",
                    id="services",
                    compact=True,
                )
                yield Input(
                    self.initial["commander"],
                    placeholder="Incident commander (empty: you)",
                    id="commander",
                    compact=True,
                )
            yield Static("", id="form-error", classes="error")
            yield Static(
                Text("Tab moves, a letter picks an answer, ctrl+s declares, Esc cancels."),
                classes="hint",
            )

    def _values(self) -> dict[str, Any]:
        def select(widget_id: str) -> str | None:
            value = self.query_one(f"#{widget_id}", Select).value
            return None if value is Select.NULL else str(value)

        triggers = [t for t in Trigger if self.query_one(f"#trigger-{t.value}", Checkbox).value]
        services = [
            s.strip() for s in self.query_one("#services", Input).value.split(",") if s.strip()
        ]
        return {
            "title": self.query_one("#title", Input).value.strip(),
            "broken": select("broken"),
            "reach": select("reach"),
            "triggers": triggers,
            "severity": select("override"),
            "reason": self.query_one("#reason", Input).value.strip(),
            "services": services,
            "commander": self.query_one("#commander", Input).value.strip() or None,
        }

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def show_severity(self) -> None:
        values = self._values()
        label = self.query_one("#severity", Static)
        if values["broken"] and values["reach"]:
            result = classify(values["broken"], values["reach"], values["triggers"])
            label.update(Text(f"Severity {result.severity.value}: {'; '.join(result.reasons)}"))
        else:
            label.update(Text("Answer both questions to get the severity.", style="dim"))

    @on(Input.Submitted)
    def action_submit(self) -> None:
        values = self._values()
        error = self.query_one("#form-error", Static)
        if not values["title"]:
            error.update(Text("A title is needed."))
            self.query_one("#title", Input).focus()
            return
        if not (values["broken"] and values["reach"]) and not values["severity"]:
            error.update(Text("Answer both matrix questions, or pick a severity."))
            return
        if values["triggers"] and not (values["broken"] and values["reach"]):
            error.update(Text("Triggers raise the matrix severity: answer both questions."))
            return
        problem = declare_problem(values)
        if problem:
            error.update(Text(problem))
            return
        self.dismiss(values)

    def _edited(self) -> bool:
        values = self._values()
        return (
            values["title"] != self.initial["title"].strip()
            or ", ".join(values["services"]) != self.initial["services"].strip()
            or (values["commander"] or "") != self.initial["commander"].strip()
            or any(values[k] for k in ("broken", "reach", "triggers", "severity", "reason"))
        )

    @work(exclusive=True, group="declare-cancel", exit_on_error=False)
    async def action_cancel(self) -> None:
        if self._edited():
            answer = await self.app.push_screen_wait(
                Confirm("Discard this incident?", "What you typed is not kept.", yes="Discard")
            )
            if not confirmed(answer):
                return
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))


def classification_of(values: dict[str, Any]) -> Any:
    if values["broken"] and values["reach"]:
        return classify(values["broken"], values["reach"], values["triggers"])
    return None


def declare_problem(values: dict[str, Any]) -> str | None:
    """What the domain would refuse in these answers (it is pure: nothing is written)."""
    try:
        declare(
            values["title"],
            by="someone",
            at=datetime.now(UTC),
            services=values["services"],
            classification=classification_of(values),
            severity=values["severity"],
            reason=values["reason"],
            commander=values["commander"],
        )
    except IncidentError as exc:
        message = str(exc)
        return message[:1].upper() + message[1:]
    return None


class TextPrompt(ModalScreen[str | None]):
    """One line of text: a note, a name, a root cause."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("prompt")
    AUTO_FOCUS = "#prompt-input"
    DEFAULT_CSS = FORM_CSS.format(cls="TextPrompt")

    def __init__(self, title: str, *, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(safe_text(self.prompt_title))
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", compact=True)
            yield Static(Text("Enter saves, Esc cancels."), classes="hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one of a few values with the arrows and Enter; the cursor starts on `initial`."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("choice")
    DEFAULT_CSS = (
        FORM_CSS.format(cls="ChoicePrompt")
        + """
    ChoicePrompt OptionList { height: auto; max-height: 12; }
    """
    )

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        *,
        body: str = "",
        initial: str | None = None,
    ) -> None:
        super().__init__()
        self.prompt_title = title
        self.choices = list(choices)
        self.body = body
        values = [value for _, value in self.choices]
        self.initial = values.index(initial) if initial in values else 0

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Text(safe_text(self.prompt_title))
            if self.body:
                yield Static(Text(safe_text(self.body, keep_newlines=True)), id="choice-body")
            yield OptionList(
                *(Text(safe_text(label)) for label, _ in self.choices), id="choices", compact=True
            )
            yield Label(Text("Enter picks, Esc cancels."), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).highlighted = self.initial

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ChoicePrompt):
    """Yes or no, with y and n as well as the arrows and Enter. Dismisses "yes" or None;
    `confirmed(answer)` reads it."""

    def __init__(self, title: str, body: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(title, [(f"y  {yes}", "yes"), (f"n  {no}", "no")], body=body)

    def on_key(self, event: events.Key) -> None:
        if event.character in ("y", "n"):
            event.stop()
            self.dismiss("yes" if event.character == "y" else None)


def confirmed(answer: str | None) -> bool:
    return answer == "yes"
