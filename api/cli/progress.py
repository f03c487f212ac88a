"""A progress bar for commands that work through many items and print a line for each.

On a terminal the lines scroll above a bar that counts the items done; anywhere else
(a pipe, a log file, a test runner) only the lines are printed. `rich` is imported when a
bar is shown, never before, so the commands stay quick to start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


class Tracker:
    """Prints an item's line and moves the bar on; a plain printer when there is no bar."""

    def __init__(self, bar: Progress | None = None, task: Any = None) -> None:
        self._bar = bar
        self._task = task

    def line(self, text: str) -> None:
        if self._bar is None:
            typer.echo(text)
        else:
            self._bar.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def advance(self, done: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, done)


@contextmanager
def progress(total: int, label: str, *, console: Console | None = None) -> Iterator[Tracker]:
    """A tracker over `total` items; the bar shows for two items or more, on a terminal
    (or on `console`, which tests pass to force one)."""
    if total < 2:
        yield Tracker()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = console or Console()
    if not console.is_terminal:
        yield Tracker()
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        yield Tracker(bar, bar.add_task(label, total=total))
