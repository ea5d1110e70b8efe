"""Lists known by the file and settings they were issued from (table `list_sources`).

The page's upload sends a digest of its file and settings (`source_digest`) with the list it
records. The same file and settings issued again within a day is a repeat: the manager is told
which list was issued, unless they ask for another. The check made before a list is built
(`issued_from`) cannot see an upload of the same file being built at the same moment; the claim
made in the recording's own transaction (`claim_source`) can. Its row's primary key is the
digest: of two such uploads, the second to write waits for the first's transaction, then finds
its row and is refused (`ListAlreadyIssuedError`), its list rolled back with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from data.store.errors import ListAlreadyIssuedError
from data.store.records import EarlierList
from data.store.schema import IssuedList, ListSource


def claim_source(
    session: Session,
    source_digest: str,
    list_id: str,
    now: datetime,
    refuse_within: timedelta | None,
) -> None:
    """In the transaction recording list `list_id` (flushed): make it the latest list issued
    from `source_digest`. With `refuse_within`, a list issued from it since `now -
    refuse_within` is kept instead and `ListAlreadyIssuedError` names it; without, the new list
    replaces it (a repeat asked for) unless that one is later still."""
    values = {"source_digest": source_digest, "list_id": list_id, "issued_at": now}
    table = ListSource.__table__
    since = None if refuse_within is None else now - refuse_within
    # A list recorded with an earlier time than the latest (a backfill) does not replace it.
    replaces = table.c.issued_at <= now if since is None else table.c.issued_at < since
    claimed = session.execute(
        _insert(session)
        .values(values)
        .on_conflict_do_update(
            index_elements=[table.c.source_digest],
            set_={"list_id": list_id, "issued_at": now},
            where=replaces,
        )
        .returning(table.c.list_id)  # a row when written (rowcount is -1 on psycopg)
    ).first()
    if claimed is not None or since is None:
        return
    earlier = issued_from(session, source_digest, since)
    if earlier is None:  # unreachable: the row that refused the claim is there
        raise RuntimeError(f"list source {source_digest} refused a claim but cannot be read")
    raise ListAlreadyIssuedError(earlier)


def issued_from(session: Session, source_digest: str, since: datetime) -> EarlierList | None:
    """The latest list issued at or after `since` from the file and settings `source_digest`
    names (any issuer), or None."""
    found = session.execute(
        select(IssuedList.id, IssuedList.created_at, IssuedList.created_by)
        .join(ListSource, ListSource.list_id == IssuedList.id)
        .where(ListSource.source_digest == source_digest, ListSource.issued_at >= since)
    ).first()
    if found is None:
        return None
    list_id, created_at, created_by = found
    return EarlierList(id=list_id, created_at=created_at, created_by=created_by)


def _insert(session: Session) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, for its ON CONFLICT clause (the store runs on these two)."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert(ListSource) if dialect == "postgresql" else sqlite.insert(ListSource)
