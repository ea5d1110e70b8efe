"""What reopening a list made on the page costs (`GET /v1/lists/{id}/view` and its XLSX export),
with the factors its selected MSMEs were shown with kept in the store (revision 0007) and
without them (a list recorded before, explained again by the model that made it): medians of
repeated requests, in process (Starlette's TestClient), on a SQLite program store in a temporary
folder.

    uv run python benchmarks/bench_reopen_list.py \
        --model "sqlite:////tmp/a/mlflow.db|models:/umkm-uplift/1" \
        --candidates work/sim/candidates.parquet --rows 20000 --capacity 2000 --repeats 3

The list is made once from a CSV of `--rows` candidates through `POST /v1/lists/upload` (the
page's route, which keeps the factors); "without" clears them with one UPDATE, as a list of
revision 0006 reads.
"""

from __future__ import annotations

import json
import time

from in_process import (
    BENCH_KEY,
    list_arguments,
    print_timings,
    ready_service,
    repeated_candidates,
)


def main() -> None:
    args = list_arguments(__doc__.splitlines()[0], rows=20_000, capacity=2_000)

    from sqlalchemy import text

    from data.contract import PROFILE_COLUMNS

    rows = repeated_candidates(args.candidates, args.rows, "R")
    columns = [spec.name for spec in PROFILE_COLUMNS if spec.name in rows.columns]
    content = rows[columns].to_csv(index=False).encode()
    options = json.dumps({"capacity": args.capacity, "exploration_seed": 7})
    headers = {"X-API-Key": BENCH_KEY, "Accept-Language": "id"}

    timings: dict[str, list[float]] = {}
    with ready_service(args.model) as (client, app):
        made = client.post(
            "/v1/lists/upload",
            files={"file": ("kandidat.csv", content)},
            data={"options": options},
            headers=headers,
        )
        assert made.status_code == 200, made.text[:300]
        list_id = made.json()["list_id"]
        reads = {
            "view": f"/v1/lists/{list_id}/view",
            "XLSX export": f"/v1/lists/{list_id}/export?format=xlsx",
        }
        for kept in ("kept", "without"):
            if kept == "without":
                with app.state.program_store.engine.begin() as connection:
                    connection.execute(
                        text("UPDATE listed_msmes SET factors = NULL WHERE list_id = :id"),
                        {"id": list_id},
                    )
            for name, path in reads.items():
                client.get(path, headers=headers)  # warm-up
                found = timings.setdefault(f"{name}, factors {kept}", [])
                for _ in range(args.repeats):
                    started = time.perf_counter()
                    answer = client.get(path, headers=headers)
                    found.append(time.perf_counter() - started)
                    assert answer.status_code == 200, answer.text[:300]

    print_timings(
        f"a page list of {args.rows:,} candidates, {args.capacity:,} slots",
        args.repeats,
        timings,
        "request",
    )


if __name__ == "__main__":
    main()
