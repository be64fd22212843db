"""The key footer of every area screen, rebuilt only when the keys it shows change.

Textual's Footer mounts all its keys again whenever the screen's bindings may have changed,
and that includes every time the screen is shown again (focus comes back): 10-40 ms of mounting
and styling a dozen widgets per screen switch, to show the same keys.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

ShownKeys = tuple[tuple[Any, bool, str], ...]


def shown_keys(screen: Screen[Any]) -> ShownKeys:
    """What the footer draws from: each shown binding, whether it is enabled, its tooltip."""
    return tuple(
        (binding, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


class KeyFooter(Footer):
    """A Footer that skips the rebuild when the screen's keys are the ones it shows."""

    _shown: ShownKeys | None = None

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = shown_keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._shown is not None and screen is self.screen and shown_keys(screen) == self._shown:
            return
        super().bindings_changed(screen)
