"""One service across its worker processes: an admin reload reaches every worker, and drift adds
up what every worker scored.

Uvicorn's workers (`umkm serve --workers N`) are separate processes, each with its own model
and counts; what they share is the program store (`UMKM_DATABASE_URL`), and so do replicas on
the same store. Every `UMKM_WORKER_SYNC_SECONDS` each worker saves the drift tally of the model
it serves (only when it counted something new: scoring itself never writes to the database) and
acts on the reload requests recorded since its last check (`data.store.workers`). The worker
that receives POST /v1/admin/reload records the request and reloads at once; the others follow
at their next check. Database calls run in a thread; a store that cannot be reached is logged
and leaves each worker on its own until it can be.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from data.store.errors import StoreError
from data.store.repository import ProgramStore
from data.store.workers import (
    PendingReload,
    latest_reload,
    reloads_after,
    request_reload,
    save_tally,
    tallies,
)
from models.drift import BinCounts, DriftReport, drift_report
from service.model_store import LoadedModel, ModelStore, RefreshOutcome

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


class WorkerSync:
    """What this worker shares with the others through the program store (`enabled` False:
    nothing, each worker on its own)."""

    def __init__(self, models: ModelStore, program: ProgramStore, *, enabled: bool) -> None:
        self.models = models
        self.program = program
        self.enabled = enabled
        self.seen: int | None = None  # the newest reload request acted on; None: not read yet
        self._reloading = asyncio.Lock()
        self._saving = asyncio.Lock()  # one save at a time: a tally's first save inserts it
        self._saved: dict[str, int] = {}  # tally id -> rows saved, to skip unchanged tallies
        self._last: LoadedModel | None = None  # the model whose tally was saved last

    async def start(self) -> None:
        """Take note of the newest reload request: older ones were for the workers before."""
        if self.enabled:
            self.seen = await self._in_store(latest_reload, self.program)

    async def run(self, every: float) -> None:
        """Save drift and act on reload requests every `every` seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.tick()
            except Exception:  # the loop outlives any one failure; store errors are caught below
                logger.exception("sharing state with the other workers failed; trying again")

    async def tick(self) -> None:
        """One check: save this worker's drift tally, then reload if another worker was asked."""
        await self.save_drift()
        async with self._reloading:
            pending = await self._take_pending()
            if pending is not None:
                logger.info("a reload was requested (force=%s); reloading", pending.force)
                outcome = await self.models.refresh(force=pending.force)
                if outcome.changed:
                    await self.save_drift()  # the outgoing model's last counts

    async def reload(self, *, force: bool, requested_by: str) -> RefreshOutcome:
        """POST /v1/admin/reload: ask every worker to reload, and reload here now."""
        async with self._reloading:
            # Recorded under the lock: this worker's own check (`tick`) cannot take the request
            # and swap before this call does, which would then answer "unchanged".
            if self.enabled:
                await self._in_store(
                    lambda: request_reload(self.program, force=force, requested_by=requested_by)
                )
            pending = await self._take_pending()  # this request, and any not acted on yet
            await self.save_drift()
            outcome = await self.models.refresh(
                force=force or (pending is not None and pending.force)
            )
            if outcome.changed:
                await self.save_drift()  # the outgoing model's last counts
            return outcome

    async def drift_report(self, loaded: LoadedModel) -> DriftReport | None:
        """The drift of everything `loaded`'s version scored: this worker's live counts and the
        saved tallies of the same version and bins from every other worker and earlier load."""
        if loaded.drift is None:
            return None
        reference = loaded.drift.reference
        total = loaded.drift.snapshot()
        if not self.enabled:
            return drift_report(reference, total)
        stored = await self._in_store(
            lambda: tallies(
                self.program,
                model_name=loaded.name,
                model_version=loaded.version,
                reference_digest=reference.digest,
                excluding=loaded.tally_id,
            )
        )
        for tally in stored or ():
            try:
                total = total + BinCounts.from_json(reference, tally.rows_seen, tally.counts)
            except ValueError as error:  # a tally written by other code: left out, with a warning
                logger.warning("a stored drift tally was left out: %s", error)
        return drift_report(reference, total)

    async def save_drift(self) -> None:
        """Save the served model's tally (and, after a swap, the previous one's last counts:
        requests still in flight on it after that are not counted)."""
        if not self.enabled:
            return
        async with self._saving:
            current = self.models.current
            previous, self._last = self._last, current
            if previous is not None and previous is not current:
                await self._save(previous)
                self._saved.pop(previous.tally_id, None)
            if current is not None:
                await self._save(current)

    async def _save(self, loaded: LoadedModel) -> None:
        drift = loaded.drift
        if drift is None:
            return
        counts = drift.snapshot()
        if counts.rows == self._saved.get(loaded.tally_id, 0):
            return  # nothing new was scored: no write

        def write() -> bool:
            save_tally(
                self.program,
                loaded.tally_id,
                model_name=loaded.name,
                model_version=loaded.version,
                reference_digest=drift.reference.digest,
                rows_seen=counts.rows,
                counts=counts.as_json(),
            )
            return True

        if await self._in_store(write):
            self._saved[loaded.tally_id] = counts.rows

    async def _take_pending(self) -> PendingReload | None:
        """The reload requests since the last one acted on, now marked as acted on."""
        if not self.enabled:
            return None
        if self.seen is None:  # the store was out of reach at start: older requests are old
            self.seen = await self._in_store(latest_reload, self.program)
            return None
        pending = await self._in_store(reloads_after, self.program, self.seen)
        if pending is not None:
            self.seen = pending.latest
        return pending

    async def _in_store(self, call: Callable[..., _T], *args: object) -> _T | None:
        """`call(*args)` in a thread; None (and a warning) when the store cannot be used."""
        try:
            return await asyncio.to_thread(call, *args)
        except (SQLAlchemyError, StoreError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()
            logger.warning(
                "the program store is out of reach; this worker is on its own for now: %s",
                reason[0] if reason else type(error).__name__,
            )
            return None
