"""Every key binding sretui offers: its id (for `[keymap]` in sretui.toml), default key(s) and
description. The app builds its `Binding`s from here and the settings loader validates `[keymap]`
against it, so a binding id has one source of truth. Plain data: no Textual import."""

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from textual.binding import BindingType


class KeySpec(NamedTuple):
    id: str
    key: str
    action: str
    description: str
    show: bool = True
    key_display: str | None = None
    priority: bool = False  # checked before the focused widget's own keys (e.g. an Input's)


# The app-wide bindings. Screen bindings add their own specs to SCREEN_KEYS when areas land.
# The area keys stay out of the footer: at 80 columns they pushed out the screen's own keys and
# ? and quit. The overview's panels, ? and ctrl+p all name them.
APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("overview", "0", "app.switch_area('overview')", "Overview", show=False),
    KeySpec("budgets", "1", "app.switch_area('budgets')", "Budgets", show=False),
    KeySpec("incidents", "2", "app.switch_area('incidents')", "Incidents", show=False),
    KeySpec("runbooks", "3", "app.switch_area('runbooks')", "Runbooks", show=False),
    KeySpec("handoff", "4", "app.switch_area('handoff')", "Handoff", show=False),
    KeySpec("toil", "5", "app.switch_area('toil')", "Toil", show=False),
    KeySpec("gameday", "6", "app.switch_area('gameday')", "Game day", show=False),
    KeySpec("help", "question_mark", "app.help", "Help", key_display="?"),
    KeySpec(
        "command_palette", "ctrl+p", "app.command_palette", "Commands", show=False, priority=True
    ),
    KeySpec("quit", "ctrl+q", "app.quit", "Quit", key_display="^q", priority=True),
)

# Screen-level bindings, by screen; each area adds its own as it is built.
SCREEN_KEYS: dict[str, tuple[KeySpec, ...]] = {
    "help": (KeySpec("help.close", "escape,q,question_mark", "dismiss_help", "Close"),),
    "budgets": (
        KeySpec("budgets.refresh", "r", "refresh", "Refresh"),
        KeySpec("budgets.details", "enter", "details", "Details"),
    ),
    "incidents": (
        KeySpec("incidents.declare", "n", "declare", "Declare"),
        KeySpec("incidents.note", "a", "note", "Note"),
        KeySpec("incidents.role", "o", "role", "Roles"),
        KeySpec("incidents.status", "s", "status", "Status"),
        KeySpec("incidents.comms", "u", "comms", "Update"),
        KeySpec("incidents.severity", "v", "severity", "Severity", show=False),
        KeySpec("incidents.action_item", "i", "action_item", "Action item", show=False),
        KeySpec("incidents.action_status", "I", "action_status", "Change item", show=False),
        KeySpec("incidents.pin", "p", "pin", "Pin", show=False),
        KeySpec("incidents.postmortem", "P", "postmortem", "Postmortem", show=False),
        KeySpec("incidents.all", "A", "toggle_all", "All/open", show=False),
        KeySpec(
            "incidents.from_alert", "d", "declare_from_alert", "Declare from alert", show=False
        ),
        KeySpec("incidents.silence", "x", "silence", "Silence alert", show=False),
        KeySpec("incidents.silences", "S", "silences", "Silences", show=False),
        KeySpec("incidents.full_text", "t", "full_text", "Full text", show=False),
    ),
    "full_text": (
        KeySpec("full_text.back", "escape", "back", "Back"),
        # priority: before the Log's own home/end, which animate the scroll for a second
        KeySpec("full_text.top", "home", "top", "Top", priority=True),
        KeySpec("full_text.bottom", "end", "bottom", "End", priority=True),
    ),
    "incident_text": (
        KeySpec("incident_text.back", "escape", "back", "Back"),
        KeySpec("incident_text.copy", "ctrl+o", "copy", "Copy"),
        KeySpec("incident_text.save", "ctrl+s", "save", "Save"),
        KeySpec("incident_text.sent", "ctrl+r", "sent", "Mark sent"),
        KeySpec("incident_text.next", "ctrl+n", "next_draft", "Next draft"),
    ),
    "silences": (
        KeySpec("silences.back", "escape", "back", "Back"),
        KeySpec("silences.expire", "e", "expire", "Expire"),
        KeySpec("silences.refresh", "r", "refresh", "Refresh"),
    ),
    "budget_detail": (
        KeySpec("budget_detail.back", "escape", "back", "Back"),
        KeySpec("budget_detail.refresh", "r", "refresh", "Refresh"),
    ),
    # Dialogs of the incidents area: remappable like the rest.
    "declare": (
        KeySpec("declare.cancel", "escape", "cancel", "Cancel"),
        KeySpec("declare.submit", "ctrl+s", "submit", "Declare", priority=True),
    ),
    "prompt": (KeySpec("prompt.cancel", "escape", "cancel", "Cancel"),),
    "choice": (KeySpec("choice.cancel", "escape", "cancel", "Cancel"),),
}

# Keys Textual itself gives meaning to, whatever the keymap says.
RESERVED_KEYS: dict[str, str] = {"ctrl+q": "quit", "ctrl+c": "the quit hint"}

# Textual's long names for the keys people write as characters in a keymap.
_KEY_NAMES = {
    "?": "question_mark",
    " ": "space",
    "!": "exclamation_mark",
    "/": "slash",
    ".": "full_stop",
    ",": "comma",
    "-": "minus",
    "+": "plus",
    "=": "equals_sign",
    ":": "colon",
    ";": "semicolon",
    "#": "number_sign",
    "*": "asterisk",
}


def bindings(specs: tuple[KeySpec, ...]) -> "list[BindingType]":
    """Textual bindings for specs (Textual imported lazily: this module stays light)."""
    from textual.binding import Binding

    return [
        Binding(
            s.key,
            s.action,
            s.description,
            show=s.show,
            id=s.id,
            key_display=s.key_display,
            priority=s.priority,
        )
        for s in specs
    ]


def screen_bindings(screen: str) -> "list[BindingType]":
    return bindings(SCREEN_KEYS[screen])


def all_binding_ids() -> set[str]:
    ids = {spec.id for spec in APP_KEYS}
    for specs in SCREEN_KEYS.values():
        ids |= {spec.id for spec in specs}
    return ids


def _keys(text: str) -> list[str]:
    """The keys of a binding string ("escape,q,?"), in Textual's long names."""
    keys = []
    for raw in text.split(","):
        key = raw.strip()
        if key:
            keys.append(_KEY_NAMES.get(key, key))
    return keys


_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_NAMED_KEYS = frozenset(
    [
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
    ]
    + [f"f{number}" for number in range(1, 25)]
)


def invalid_key(key: str) -> str | None:
    """Why `key` (one key of a binding string) names no key Textual can deliver, or None.

    A key is a single character, a named key (escape, f5, pageup...), or the Unicode name of a
    character as Textual writes it (question_mark), after any ctrl+/shift+/alt+ modifiers."""
    *modifiers, name = key.split("+") if key != "+" else [key]
    if any(modifier not in _MODIFIERS for modifier in modifiers):
        return f"{key!r} is not a key: modifiers are {', '.join(_MODIFIERS)}"
    if len(name) == 1 and name.isprintable():
        return None
    if name in _NAMED_KEYS:
        return None
    if name and name == name.lower() and name.replace("_", "").isalnum():
        try:
            unicodedata.lookup(name.replace("_", " "))
        except KeyError:
            pass
        else:
            return None
    return f"{key!r} is not a key name (e.g. 'q', 'ctrl+r', 'f5', 'escape')"


def binding_keys(text: str) -> list[str]:
    """The keys of a binding string, for validation."""
    return _keys(text)


def keymap_clashes(keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """What `keymap` (binding id -> keys) breaks, by the id whose key is at fault: a key that
    two ids answer on one screen (app-wide keys count on every screen), or a binding on a key
    Textual reserves (ctrl+q quits). Only clashes the keymap causes are reported: the default
    keys never clash by design (help's `?` also closes help)."""
    found: dict[str, list[str]] = {}

    def keys_of(spec: KeySpec) -> list[str]:
        return _keys(keymap.get(spec.id, spec.key))

    for binding_id, keys in keymap.items():
        for key in _keys(keys):
            owner = RESERVED_KEYS.get(key)
            if owner and not (key == "ctrl+q" and binding_id == "quit"):
                found.setdefault(binding_id, []).append(
                    f"{key} is reserved for {owner}: pick another key"
                )
    scopes = [("everywhere", APP_KEYS)] + [
        (screen, APP_KEYS + specs) for screen, specs in SCREEN_KEYS.items()
    ]
    for screen, specs in scopes:
        by_key: dict[str, list[KeySpec]] = {}
        for spec in specs:
            for key in keys_of(spec):
                by_key.setdefault(key, []).append(spec)
        for key, holders in by_key.items():
            if key in RESERVED_KEYS or len(holders) < 2 or not any(h.id in keymap for h in holders):
                continue
            for spec in holders:
                if spec.id not in keymap:
                    continue
                others = ", ".join(h.id for h in holders if h is not spec)
                where = "" if screen == "everywhere" else f" on the {screen} screen"
                message = f"{key} is also bound to {others}{where}"
                if message not in found.get(spec.id, []):
                    found.setdefault(spec.id, []).append(message)
    return found


def keymap_warnings(keymap: Mapping[str, str]) -> list[str]:
    """One line per problem `keymap_clashes` finds, for a notification when the app starts."""
    return [
        f"[keymap] {binding_id}: {message}"
        for binding_id, messages in keymap_clashes(keymap).items()
        for message in messages
    ]
