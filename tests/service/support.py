"""Shared pieces of the service tests: keys, the test client class, profile records."""

from __future__ import annotations

import math
import warnings
from typing import Any

import pandas as pd
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x asks for `httpx2` in its test client; httpx is what the project locks.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["ADMIN", "ADMIN_KEY", "API_KEY", "AUTH", "OTHER_API_KEY", "TestClient", "records"]

API_KEY = "test-api-key-0123456789"
OTHER_API_KEY = "test-api-key-abcdefghij"
ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"X-API-Key": API_KEY}
ADMIN = {"X-API-Key": ADMIN_KEY}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Profile rows as a JSON client sends them (NaN -> null, numpy scalars -> Python)."""
    out = []
    for row in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for key, raw in row.items():
            value = raw.item() if hasattr(raw, "item") else raw
            clean[str(key)] = None if isinstance(value, float) and math.isnan(value) else value
        out.append(clean)
    return out
