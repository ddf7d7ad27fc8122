"""Progress of long work, one interface for the command line and for background jobs.

A long operation (an import, synth, a rebuild, a backup) takes a `Progress` and calls `start(total)`,
`update(done)` as it goes (cheap: implementations throttle themselves), `stage(label)` when it moves
to a phase it cannot count, and `finish()`. `ConsoleBar` draws a bar with rows done and time left on a
terminal (a line every few seconds when the output is a file); `ops.jobs.JobProgress` stores the same
figures for the page's progress bar; `Progress()` itself does nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def duration_zh(seconds: float) -> str:
    """"1小时05分", "3分20秒", "12秒": a duration as people read it."""
    s = max(0, int(round(seconds)))
    if s >= 3600:
        return f"{s // 3600}小时{s % 3600 // 60:02d}分"
    if s >= 60:
        return f"{s // 60}分{s % 60:02d}秒"
    return f"{s}秒"


def seconds_left(done: int, total: int | None, elapsed: float) -> float | None:
    """Time left at the rate so far; None until there is a rate to go by."""
    if not total or done <= 0 or elapsed < 0.5:
        return None
    if done >= total:
        return 0.0
    return elapsed * (total - done) / done


class Progress:
    """Does nothing; the base of the real ones. `unit` names what is counted (行, 条, 个结对…)."""

    def __init__(self, label: str = "", unit: str = "行") -> None:
        self.label = label
        self.unit = unit
        self.total: int | None = None
        self.done = 0
        self.stage_label = ""
        self.started = time.monotonic()

    def start(self, total: int | None, label: str | None = None) -> None:
        self.total = total if total and total > 0 else None
        self.done = 0
        self.started = time.monotonic()
        if label is not None:
            self.label = label
        self.stage_label = ""
        self.changed(force=True)

    def update(self, done: int) -> None:
        self.done = done
        self.changed()

    def advance(self, step: int = 1) -> None:
        self.update(self.done + step)

    def stage(self, label: str) -> None:
        self.stage_label = label
        self.changed(force=True)

    def finish(self) -> None:
        if self.total is not None:
            self.done = max(self.done, self.total)
        self.stage_label = ""  # done: the last line says how much and how long, not the last phase
        self.changed(force=True, final=True)

    def changed(self, *, force: bool = False, final: bool = False) -> None:
        """Called on every change; subclasses draw or store, throttled unless `force`."""

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def text(self) -> str:
        """"导入 45,000/100,000 行（45%）· 剩余约 1分05秒" — the same words on a terminal and in a log."""
        parts = [self.label] if self.label else []
        if self.total:
            pct = min(100, int(self.done * 100 / self.total))
            parts.append(f"{self.done:,}/{self.total:,} {self.unit}（{pct}%）")
        elif self.done:
            parts.append(f"{self.done:,} {self.unit}")
        if self.stage_label:
            parts.append(self.stage_label)
        else:
            left = seconds_left(self.done, self.total, self.elapsed)
            if left:
                parts.append(f"剩余约 {duration_zh(left)}")
        parts.append(f"已用 {duration_zh(self.elapsed)}")
        return " · ".join(parts)


class ConsoleBar(Progress):
    """A bar on a terminal, redrawn at most 5 times a second; a plain line every 10 s on a file or pipe."""

    WIDTH = 24

    def __init__(self, label: str = "", unit: str = "行", stream: TextIO | None = None) -> None:
        super().__init__(label, unit)
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = 0.0
        self._open_line = False

    def changed(self, *, force: bool = False, final: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < (0.2 if self.tty else 10.0):
            return
        self._drawn = now
        if self.tty:
            bar = ""
            if self.total:
                filled = min(self.WIDTH, self.done * self.WIDTH // self.total)
                bar = "[" + "█" * filled + "░" * (self.WIDTH - filled) + "] "
            self.stream.write("\r\x1b[2K" + bar + self.text())
            self._open_line = not final
            if final:
                self.stream.write("\n")
        elif final or self.done or self.stage_label:
            self.stream.write(self.text() + "\n")
        self.stream.flush()

    def stage(self, label: str) -> None:
        if self.tty and self._open_line and label != self.stage_label:
            self.stream.write("\n")  # keep the finished counting line; the stage gets its own
        super().stage(label)
