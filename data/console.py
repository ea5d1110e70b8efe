"""How every `umkm` command speaks: data on stdout, everything else on stderr.

Stdout carries what a script would pipe (paths of outputs, run ids, tables of results); stderr
carries progress, notes, warnings and errors, each message one line led by `error:` (red),
`warning:` or `note:` (yellow). It lives in `data`, the package every other one may import, so
each package's command module speaks alike. Domain code never calls it: it returns results or
emits events, and the command modules render them.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text


def stdout() -> Console:
    """The console for data. A new one per command: it follows `sys.stdout` as tests swap it."""
    return Console(highlight=False, soft_wrap=True, emoji=False)


def stderr() -> Console:
    """The console for progress and messages."""
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def _message(label: str, style: str, text: str, console: Console | None) -> None:
    # Text, not markup: messages hold paths and intervals such as [0.01, 0.05].
    (console or stderr()).print(Text.assemble((label, style), " ", text))


def error(text: str, console: Console | None = None) -> None:
    """`error: text` in red on stderr."""
    _message("error:", "bold red", text, console)


def warning(text: str, console: Console | None = None) -> None:
    """`warning: text` in yellow on stderr."""
    _message("warning:", "bold yellow", text, console)


def note(text: str, console: Console | None = None) -> None:
    """`note: text` in yellow on stderr."""
    _message("note:", "yellow", text, console)


def detail(text: str, console: Console | None = None) -> None:
    """An indented line under a message (a reason, an example row) on stderr."""
    (console or stderr()).print(Text("  " + text))


def line(text: str, console: Console | None = None) -> None:
    """One line of data on stdout, printed as it is."""
    (console or stdout()).print(Text(text))
