"""A small line-of-blocks chart for budget remaining over time, with a 0% line and labels."""

from __future__ import annotations

import math

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

BLOCKS = " ▁▂▃▄▅▆▇█"


class BlockChart:
    """Renders values in [low, high] as columns of eighth-blocks, resampled to the width."""

    def __init__(
        self,
        values: list[float | None],
        *,
        height: int = 6,
        high: float = 1.0,
        left_label: str = "",
        right_label: str = "",
    ) -> None:
        self.values = values
        self.height = height
        known = [v for v in values if v is not None]
        # Zoom to the data (in 10% steps) so a drop from 79% to 65% is visible; keep 0% in view
        # once the data comes near it, because that line is what matters then.
        lowest = min(known, default=0.0)
        self.low = math.floor(lowest * 10) / 10 - 0.1 if lowest > 0.3 else min(0.0, lowest)
        self.high = max([high, *known])
        self.left_label = left_label
        self.right_label = right_label

    def _resample(self, width: int) -> list[float | None]:
        if not self.values or width <= 0:
            return []
        if len(self.values) <= width:
            return list(self.values)
        out: list[float | None] = []
        for column in range(width):
            start = column * len(self.values) // width
            end = max(start + 1, (column + 1) * len(self.values) // width)
            bucket = [v for v in self.values[start:end] if v is not None]
            out.append(min(bucket) if bucket else None)  # the worst point in the bucket
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = 6
        # Two cells spare: a vertical scrollbar may appear after the width was measured.
        width = max(1, options.max_width - label_width - 2)
        columns = self._resample(width)
        span = (self.high - self.low) or 1.0
        cells = self.height * 8
        middle = (self.high + self.low) / 2
        labels = {
            0: f"{self.high * 100:4.0f}% ",
            self.height // 2: f"{middle * 100:4.0f}% ",
            self.height - 1: f"{self.low * 100:4.0f}% ",
        }
        bar_style = Style(color="cyan")
        missing = Style(dim=True)
        for row in range(self.height):
            yield Segment(labels.get(row, " " * label_width).rjust(label_width), Style(dim=True))
            floor = (self.height - 1 - row) * 8
            for value in columns:
                if value is None:
                    yield Segment("·", missing)
                    continue
                level = round((value - self.low) / span * cells)
                yield Segment(BLOCKS[max(0, min(8, level - floor))], bar_style)
            yield Segment.line()
        if self.left_label or self.right_label:
            gap = max(1, len(columns) - len(self.left_label) - len(self.right_label))
            axis = " " * label_width + self.left_label + " " * gap + self.right_label
            yield Segment(axis, Style(dim=True))
            yield Segment.line()
