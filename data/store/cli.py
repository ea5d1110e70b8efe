"""`umkm db`: migrate the program store (messages on stderr, the revision on stdout); and
`umkm export-history`: the store's lists and outcomes as a training history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from data.contract import MIN_EVENTS_PER_ARM

db_app = typer.Typer(
    name="db",
    help="Program store (lists and outcomes): migrate the database schema.",
    no_args_is_help=True,
)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--url",
        help="SQLAlchemy URL of the store; default: UMKM_DATABASE_URL, else sqlite:///umkm.db.",
        show_default=False,
    ),
]


@db_app.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Argument(help="Revision to reach.")] = "head",
    url: UrlOption = None,
) -> None:
    """Create or migrate the store's tables to the newest revision (or REVISION)."""
    from data.store import migrate

    _report(lambda: migrate.upgrade(url, revision), "upgraded")


@db_app.command("downgrade")
def downgrade(
    revision: Annotated[str, typer.Argument(help='Revision to go back to; "base": no tables.')],
    url: UrlOption = None,
) -> None:
    """Migrate the store back to REVISION (data in dropped tables is lost)."""
    from data.store import migrate

    _report(lambda: migrate.downgrade(url, revision), "downgraded")


@db_app.command("current")
def current(url: UrlOption = None) -> None:
    """Print the store's revision ("none" when it was never migrated); a SQLite file that does
    not exist is an error, and is not created."""
    from data.store import migrate
    from data.store.engine import make_engine
    from data.store.settings import database_url

    def read() -> str | None:
        make_engine(database_url(url), existing=True).dispose()  # refuses a missing file
        return migrate.current(url)

    _report(read, None)


def _report(step: Callable[[], str | None], done: str | None) -> None:
    """Run a migration step: the revision on stdout, what happened (or the error) on stderr."""
    from rich.console import Console
    from rich.text import Text

    from data.store.errors import StoreError, StoreUrlError

    console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    try:
        revision = step()
    except StoreError as error:
        # Text, not markup: a message may hold brackets.
        console.print(Text.assemble(("error:", "bold red"), " ", str(error)))
        # A URL the store cannot use is a setting's mistake (2); a store that fails, 1.
        raise typer.Exit(2 if isinstance(error, StoreUrlError) else 1) from None
    if done is not None:
        console.print(f"program store {done} to revision {revision or 'none'}")
    typer.echo(revision or "none")


def export_history(
    output: Annotated[
        Path, typer.Option(help="History file to write (.csv, .parquet or .xlsx), atomically.")
    ],
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only lists issued on or after this UTC date."),
    ] = None,
    url: UrlOption = None,
) -> None:
    """Write the store's outcomes as a mentoring history in the data contract, one row per listed
    MSME with an outcome, with its recorded chance of selection (`umkm train --data FILE`).

    Warns when an arm has fewer outcome events than training needs (50 by default)."""
    from data import console
    from data.io import DataFileError
    from data.store.errors import StoreError

    try:
        exported = write_history(output, since.date() if since is not None else None, url)
    except (StoreError, DataFileError) as error:
        console.error(str(error))
        raise typer.Exit(2) from None
    if exported.rows == 0:
        console.error(
            "no outcomes recorded" + (f" for lists since {since:%Y-%m-%d}" if since else "")
        )
        raise typer.Exit(1)
    console.note(f"{console.counted(exported.rows, 'row')} exported from the program store")
    if exported.earlier_left_out:
        left_out = console.counted(exported.earlier_left_out, "earlier outcome")
        verb = "was" if exported.earlier_left_out == 1 else "were"
        console.note(
            f"{left_out} of MSMEs listed again {verb} left out: each MSME keeps its latest "
            "list's outcome (one row per msme_id)"
        )
    if exported.thin:
        console.warning(
            f"too few outcome events to train on: {exported.events_mentored} successes among "
            f"mentored and {exported.events_not_mentored} among not mentored MSMEs (training "
            f"needs at least {MIN_EVENTS_PER_ARM} per arm, `min_events_per_arm`; with fewer "
            "the model is weak evidence and never promoted); train on it together with the "
            "earlier history: `umkm train` reads one --data file, so put both histories in one "
            "file (the same columns, one row per msme_id: keep the newest) and train on that "
            "(the data scientists' guide shows how)"
        )
    console.line(str(output))


@dataclass(frozen=True)
class ExportedHistory:
    """What `write_history` wrote: rows, and outcome events (digitalized) per arm."""

    rows: int
    events_mentored: int
    events_not_mentored: int
    earlier_left_out: int = 0  # outcomes of MSMEs with a later list's outcome (one row each)

    @property
    def thin(self) -> bool:
        """Fewer events in an arm than training's default `min_events_per_arm`."""
        return min(self.events_mentored, self.events_not_mentored) < MIN_EVENTS_PER_ARM


def write_history(
    output: Path, since: date | None = None, url: str | None = None
) -> ExportedHistory:
    """Export the store's history to `output` (nothing written when it has no row).

    Only reads: a SQLite store that does not exist is a `StoreError`, and is not created.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from data.contract import OUTCOME_COLUMN, TREATMENT_COLUMN
    from data.store.engine import make_engine
    from data.store.errors import StoreError
    from data.store.export import EARLIER_OUTCOMES
    from data.store.repository import ProgramStore
    from data.store.settings import database_url
    from data.writing import write_table

    store = ProgramStore(make_engine(database_url(url), existing=True))
    try:
        history = store.export_history(since)
    except SQLAlchemyError as error:
        first = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise StoreError(
            f"cannot read the program store (run `umkm db upgrade`?): {first}"
        ) from None
    finally:
        store.close()
    if len(history):
        write_table(history, output)
    mentored = history[TREATMENT_COLUMN].fillna(False).astype(bool)
    events = history[OUTCOME_COLUMN].fillna(False).astype(bool)
    return ExportedHistory(
        rows=len(history),
        events_mentored=int((events & mentored).sum()),
        events_not_mentored=int((events & ~mentored).sum()),
        earlier_left_out=int(history.attrs.get(EARLIER_OUTCOMES, 0)),
    )
