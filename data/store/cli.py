"""`umkm db`: migrate the program store (messages on stderr, the revision on stdout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

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
    """Print the store's revision ("none" when it was never migrated)."""
    from data.store import migrate

    _report(lambda: migrate.current(url), None)


def _report(step: Callable[[], str | None], done: str | None) -> None:
    """Run a migration step: the revision on stdout, what happened (or the error) on stderr."""
    from rich.console import Console
    from rich.text import Text

    from data.store.errors import StoreError

    console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    try:
        revision = step()
    except StoreError as error:
        # Text, not markup: a message may hold brackets.
        console.print(Text.assemble(("error:", "bold red"), " ", str(error)))
        raise typer.Exit(1) from None
    if done is not None:
        console.print(f"program store {done} to revision {revision or 'none'}")
    typer.echo(revision or "none")
