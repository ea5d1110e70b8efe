"""How long the program store takes to record an issued list: `ProgramStore.record_list` with
100,000 candidates (the simulator's profiles, validated as the service holds them, with scores,
ranks and reasons), on SQLite in a temporary folder (and PostgreSQL with `--postgres URL`).
Medians of repeated runs after a warm-up; each run records a new list in the same store.

    uv run python benchmarks/bench_record_list.py --rows 100000 --repeats 3
    uv run python benchmarks/bench_record_list.py --postgres "$(.ci/postgres.sh start /tmp/pg)"
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from data.simulate import simulate
from data.store.migrate import upgrade
from data.store.records import ListedMsmeIn
from data.store.repository import ProgramStore
from data.validation import validate_frame


def members(rows: int) -> list[ListedMsmeIn]:
    """`rows` candidates as a list of 3,000 slots records them."""
    simulated = simulate(rows, seed=5, candidates=rows).candidates
    valid = validate_frame(simulated, "profile").valid
    listed = []
    for index, profile in enumerate(valid.to_dict(orient="records")):
        selected = index < 3_000
        listed.append(
            ListedMsmeIn(
                msme_id=str(profile["msme_id"]),
                profile={str(k): v for k, v in profile.items()},
                selected=selected,
                selected_by="model" if selected else None,
                selection_probability=1.0 if selected else 0.0,
                rank=index + 1 if selected else None,
                p_if_mentored=0.3,
                p_if_not=0.1,
                uplift=0.2 - index / 1e6,
                segment="persuadable",
                reason_code=None if selected else "below_rank_cutoff",
                extra={"nama_usaha": f"Usaha {index}"},
            )
        )
    return listed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", help="A PostgreSQL server URL (a database is made on it).")
    args = parser.parse_args()

    listed = members(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'umkm.db'}"
        if args.postgres:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            name = f"umkm_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        store = ProgramStore.from_url(url)
        times = []
        for run in range(args.repeats + 1):
            started = time.perf_counter()
            store.record_list(
                created_by="bench",
                model_name="umkm-uplift",
                model_version="1",
                members=listed,
                exploration_share=0.0,
                input_columns=[*listed[0].profile, "nama_usaha"],
            )
            if run:  # the first is the warm-up
                times.append(time.perf_counter() - started)
        store.close()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"record_list, {args.rows:,} candidates, {backend}: "
        f"median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}; {args.repeats} runs); "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
