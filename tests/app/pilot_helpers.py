"""Waiting for the app's workers in Pilot and snapshot tests, instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.screen import ModalScreen

# Workers that wait on an open dialog: never waited for while a dialog is up.
DIALOG_GROUPS = {"incident-form", "incident-text", "declare-cancel", "silences-expire"}


async def settle(pilot: Pilot[object]) -> None:
    """Wait until the reads and appends the last keys started are done and shown."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        dialog = isinstance(app.screen, ModalScreen)
        busy = [
            w
            for w in app.workers
            if not w.is_finished and not (dialog and w.group in DIALOG_GROUPS)
        ]
        if not busy:
            await pilot.pause()
            return
        await asyncio.wait_for(app.workers.wait_for_complete(busy), 10)
    raise AssertionError("workers never settled")


async def press(pilot: Pilot[object], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def pressing(*keys: str, then: Callable[[Any], Awaitable[None]] | None = None) -> Any:
    """A `run_before` for snap_compare: each key pressed and its work waited for, then `then`."""

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            await then(pilot)
            await settle(pilot)

    return run_before


def border_title(app: Any) -> str:
    """The open dialog's border title as plain text (a `Text`, or markup Textual escaped)."""
    from textual.containers import Vertical
    from textual.content import Content

    title = app.screen.query_one(Vertical).border_title
    return title.plain if hasattr(title, "plain") else Content.from_markup(title or "").plain
