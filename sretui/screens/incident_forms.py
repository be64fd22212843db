"""Small keyboard-first dialogs for the incidents area: declare, one line of text, a choice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static

from sretui.domain.incident import (
    Broken,
    Reach,
    Severity,
    Trigger,
    classify,
)

BROKEN_LABELS = {
    Broken.CORE: "core function down",
    Broken.DEGRADED: "degraded performance",
    Broken.NON_CORE: "non-core feature down",
    Broken.COSMETIC: "cosmetic / minor",
}
REACH_LABELS = {
    Reach.ONE: "one user",
    Reach.SOME: "under 25% of users",
    Reach.MANY: "over 25% of users",
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


class DeclareForm(ModalScreen[dict[str, Any] | None]):
    """n: title, the two matrix questions, triggers, optional override, services, IC."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="declare.cancel"),
        Binding("ctrl+s", "submit", "Declare", id="declare.submit", priority=True),
    ]
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

    def __init__(self, *, title: str = "", services: str = "", commander: str = "") -> None:
        super().__init__()
        self.initial = {"title": title, "services": services, "commander": commander}

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Declare an incident"
            with Vertical(id="declare-fields"):
                yield Input(
                    self.initial["title"],
                    placeholder="Title: what users see",
                    id="title",
                    compact=True,
                )
                with Horizontal():
                    yield Select(
                        [(label, b.value) for b, label in BROKEN_LABELS.items()],
                        prompt="What is broken?",
                        id="broken",
                        compact=True,
                    )
                    yield Select(
                        [(label, r.value) for r, label in REACH_LABELS.items()],
                        prompt="How many users?",
                        id="reach",
                        compact=True,
                    )
                with Horizontal(id="triggers"):
                    for trigger, label in TRIGGER_LABELS.items():
                        yield Tick(label, id=f"trigger-{trigger.value}", compact=True)
                yield Static(
                    Text("Answer both questions to get the severity.", style="dim"), id="severity"
                )
                with Horizontal():
                    yield Select(
                        [(s.value, s.value) for s in Severity],
                        prompt="Override severity (optional)",
                        id="override",
                        compact=True,
                    )
                    yield Input(
                        placeholder="Why override? (needed if you do)", id="reason", compact=True
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
                Text("Tab moves, Enter picks, ctrl+s declares, Esc cancels."), classes="hint"
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
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(message))


class TextPrompt(ModalScreen[str | None]):
    """One line of text: a note, a name, a root cause."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]
    AUTO_FOCUS = "#prompt-input"
    DEFAULT_CSS = FORM_CSS.format(cls="TextPrompt")

    def __init__(self, title: str, *, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.prompt_title
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
    """Pick one of a few values with the arrows and Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel")
    ]
    DEFAULT_CSS = (
        FORM_CSS.format(cls="ChoicePrompt")
        + """
    ChoicePrompt OptionList { height: auto; max-height: 12; }
    """
    )

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], *, body: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.choices = list(choices)
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.prompt_title
            if self.body:
                yield Static(Text(self.body), id="choice-body")
            yield OptionList(
                *(Text(label) for label, _ in self.choices), id="choices", compact=True
            )
            yield Label(Text("Enter picks, Esc cancels."), classes="hint")

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
