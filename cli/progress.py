"""A progress bar on stderr when stderr is a terminal; silent otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from text.names import printable


class ProgressBar:
    """Callable ``(done, total, what)`` that draws a one-line bar on a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int, what: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = int(self.width * done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        name = printable(what)[-40:]
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {name:<40}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
