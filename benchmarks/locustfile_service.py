"""Locust users for `benchmarks/load_service.py` (run by it; not a script of its own).

Each user sends at a fixed rate: mostly one-MSME score requests, some 50-MSME score requests and
some 300-MSME mentoring lists, with profiles from the file named by UMKM_LOAD_PROFILES.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant_throughput, task

PROFILES = json.loads(Path(os.environ["UMKM_LOAD_PROFILES"]).read_text())
HEADERS = {"X-API-Key": os.environ["UMKM_LOAD_KEY"], "Accept-Language": "en"}
PER_USER_RATE = float(os.environ.get("UMKM_LOAD_USER_RATE", "1"))


class ProgramManager(HttpUser):
    wait_time = constant_throughput(PER_USER_RATE)

    @task(8)
    def score_one(self) -> None:
        body = {"msmes": [random.choice(PROFILES)]}
        self.client.post("/v1/scores", json=body, headers=HEADERS, name="/v1/scores (1)")

    @task(1)
    def score_fifty(self) -> None:
        body = {"msmes": random.sample(PROFILES, 50)}
        self.client.post("/v1/scores", json=body, headers=HEADERS, name="/v1/scores (50)")

    @task(1)
    def prioritize(self) -> None:
        body = {"msmes": random.sample(PROFILES, 300), "capacity": 30, "quotas": {"32": 10}}
        self.client.post("/v1/prioritize", json=body, headers=HEADERS, name="/v1/prioritize (300)")
