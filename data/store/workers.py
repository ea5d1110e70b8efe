"""What the service's worker processes share through the program store: admin reload requests
and drift tallies.

Uvicorn's workers are separate processes, and replicas separate machines; the program store is
the one state they all reach. A reload request is a row every worker sees on its next check
(`reloads_after`); a drift tally is one loaded model's bin counts, saved now and then by the
worker that holds it and added up with the others of the same version (`tallies`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import case, func, select

from data.store.repository import ProgramStore
from data.store.schema import DriftTally, ModelReload, utc_now


@dataclass(frozen=True)
class PendingReload:
    """Reload requests a worker has not acted on yet."""

    latest: int  # the newest request's id: the worker has seen up to here once it acts
    force: bool  # whether any of them asked to reload an unchanged version


@dataclass(frozen=True)
class StoredTally:
    """A tally as stored: the rows counted and their bins (`models.drift.BinCounts.as_json`)."""

    rows_seen: int
    counts: Mapping[str, Any]


def latest_reload(store: ProgramStore) -> int:
    """The id of the newest reload request (0: none yet)."""
    with store.session() as session:
        return int(session.scalar(select(func.max(ModelReload.id))) or 0)


def request_reload(store: ProgramStore, *, force: bool, requested_by: str) -> int:
    """Record a reload request for every worker; return its id."""
    row = ModelReload(requested_at=utc_now(), requested_by=requested_by, force=force)
    with store.session() as session:
        session.add(row)
        session.flush()
        return int(row.id)


def reloads_after(store: ProgramStore, seen: int) -> PendingReload | None:
    """The requests newer than `seen`, summed up (None: there are none)."""
    newest = func.max(ModelReload.id)
    forced = func.max(case((ModelReload.force, 1), else_=0))
    with store.session() as session:
        latest, force = session.execute(select(newest, forced).where(ModelReload.id > seen)).one()
    if latest is None:
        return None
    return PendingReload(latest=int(cast(Any, latest)), force=bool(force))


def save_tally(
    store: ProgramStore,
    tally_id: str,
    *,
    model_name: str,
    model_version: str | None,
    reference_digest: str,
    rows_seen: int,
    counts: Mapping[str, Any],
) -> None:
    """Store a tally's counts so far (only the worker holding the tally writes it)."""
    with store.session() as session:
        row = session.get(DriftTally, tally_id)
        if row is None:
            row = DriftTally(
                id=tally_id,
                model_name=model_name,
                model_version=model_version,
                reference_digest=reference_digest,
            )
            session.add(row)
        row.rows_seen = rows_seen
        row.counts = dict(counts)
        row.updated_at = utc_now()


def tallies(
    store: ProgramStore,
    *,
    model_name: str,
    model_version: str | None,
    reference_digest: str,
    excluding: str | None = None,
) -> list[StoredTally]:
    """The stored tallies of one model version counted in the bins of `reference_digest`, but
    `excluding` (the caller's own, which it holds live)."""
    version = (
        DriftTally.model_version.is_(None)
        if model_version is None
        else DriftTally.model_version == model_version
    )
    query = select(DriftTally).where(
        DriftTally.reference_digest == reference_digest,
        DriftTally.model_name == model_name,
        version,
        DriftTally.rows_seen > 0,
    )
    if excluding is not None:
        query = query.where(DriftTally.id != excluding)
    with store.session() as session:
        return [StoredTally(row.rows_seen, row.counts) for row in session.scalars(query)]
