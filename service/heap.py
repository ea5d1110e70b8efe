"""The cyclic garbage collector around the service's work.

Two things keep it from stalling requests:

- `gc_paused`: a long list is parsed and scored with the collector paused. Its hundreds of
  thousands of short-lived objects otherwise trigger collection after collection (2-3 times the
  work, measured on 100,000 MSMEs); reference counting still frees them.
- `set_aside_long_lived`: once a model is in service, every object alive then (the model, the
  imported libraries: about 400,000 objects in a worker) is moved out of the collector's reach
  (`gc.freeze`). Otherwise each full collection walks all of them while the worker answers
  nothing: 100-700 ms every few seconds under load, measured on 2026-12-07, which made the p99
  of single scores.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from fastapi import Request

# Lists longer than this are parsed and scored with the cyclic garbage collector paused.
GC_PAUSE_BYTES = 1_000_000
GC_PAUSE_ROWS = 2_000

_pause_lock = threading.Lock()
_pauses = 0


@contextmanager
def gc_paused(active: bool = True) -> Iterator[None]:
    """Pause the cyclic GC while `active` work runs (nested and threaded uses are counted)."""
    global _pauses  # noqa: PLW0603  (one counter per process, like the GC itself)
    if not active:
        yield
        return
    with _pause_lock:
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                gc.enable()


def gc_paused_for(request: Request) -> AbstractContextManager[None]:
    """`gc_paused` for a request whose declared body is long (see GC_PAUSE_BYTES)."""
    declared = request.headers.get("content-length", "")
    return gc_paused(declared.isdigit() and int(declared) > GC_PAUSE_BYTES)


def set_aside_long_lived() -> int:
    """Collect once, then freeze what is alive: later collections skip it. Returns how many
    objects are frozen.

    Called after each model swap. What an earlier call froze is released first, so a replaced
    model's objects are collected now (one pause per swap) instead of being kept for good.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
