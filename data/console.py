"""How every `umkm` command speaks: data on stdout, everything else on stderr.

Stdout carries what a script would pipe (paths of outputs, run ids, tables of results); stderr
carries progress, notes, warnings and errors, each message one line led by `error:` (red),
`warning:` or `note:` (yellow), worded in the command's `--lang` where it has one (English
otherwise). It lives in `data`, the package every other one may import, so each package's command
module speaks alike. Domain code never calls it: it returns results or emits events, and the
command modules render them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from data.messages import Language

# The labels that lead a message (data.messages code -> parameters).
CONSOLE_CODES: dict[str, tuple[str, ...]] = {
    "console_error": (),
    "console_warning": (),
    "console_note": (),
}


def stdout() -> Console:
    """The console for data. A new one per command: it follows `sys.stdout` as tests swap it."""
    return Console(highlight=False, soft_wrap=True, emoji=False)


def stderr() -> Console:
    """The console for progress and messages."""
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def _message(code: str, style: str, text: str, console: Console | None, language: Language) -> None:
    from data.messages import render  # babel loads only when a message is printed

    # Text, not markup: messages hold paths and intervals such as [0.01, 0.05].
    label = render(code, {}, language)
    (console or stderr()).print(Text.assemble((label, style), " ", text))


def error(text: str, console: Console | None = None, language: Language = "en") -> None:
    """`error: text` in red on stderr (`galat:` in Bahasa)."""
    _message("console_error", "bold red", text, console, language)


def warning(text: str, console: Console | None = None, language: Language = "en") -> None:
    """`warning: text` in yellow on stderr (`peringatan:` in Bahasa)."""
    _message("console_warning", "bold yellow", text, console, language)


def note(text: str, console: Console | None = None, language: Language = "en") -> None:
    """`note: text` in yellow on stderr (`catatan:` in Bahasa)."""
    _message("console_note", "yellow", text, console, language)


def detail(text: str, console: Console | None = None) -> None:
    """An indented line under a message (a reason, an example row) on stderr."""
    (console or stderr()).print(Text("  " + text))


def line(text: str, console: Console | None = None) -> None:
    """One line of data on stdout, printed as it is."""
    (console or stdout()).print(Text(text))


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """`count` with its noun in English, grouped by thousands: `1 row`, `40 rows`,
    `1,000,000 mentoring records` (`plural` where adding an s is wrong)."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count:,} {noun}"
