"""What an `Idempotency-Key` costs `POST /v1/lists`, and what a retry costs: medians of repeated
requests on one registered model, in process (Starlette's TestClient: no network, no JSON
client cost beyond building the body once), on a SQLite program store in a temporary folder.

    uv run python benchmarks/bench_list_retries.py \
        --model "sqlite:////tmp/a/mlflow.db|models:/umkm-uplift/1" \
        --candidates work/sim/candidates.parquet --rows 100000 --repeats 3

Per repeat: a list issued without the header; one issued with a fresh key (claim, build, record
with its answer kept gzip-compressed); the same request sent again (the answer read back, no
list built). Also printed: the answer's size and the size kept in the store.
"""

from __future__ import annotations

import json
import time
import uuid

from in_process import (
    BENCH_KEY,
    list_arguments,
    print_timings,
    ready_service,
    repeated_candidates,
)


def main() -> None:
    args = list_arguments(__doc__.splitlines()[0], rows=100_000, capacity=3_000)

    from sqlalchemy import func, select

    from data.store.schema import RequestClaim

    rows = repeated_candidates(args.candidates, args.rows, "B")
    msmes = json.loads(rows.to_json(orient="records"))
    body = json.dumps({"msmes": msmes, "capacity": args.capacity, "exploration_seed": 7})
    headers = {"X-API-Key": BENCH_KEY, "Content-Type": "application/json", "Accept-Language": "en"}

    timings: dict[str, list[float]] = {"no key": [], "new key": [], "retry": []}
    sizes: tuple[int, int] = (0, 0)
    with ready_service(args.model) as (client, app):
        client.post("/v1/lists", content=body, headers=headers)  # warm-up
        for _ in range(args.repeats):
            started = time.perf_counter()
            plain = client.post("/v1/lists", content=body, headers=headers)
            timings["no key"].append(time.perf_counter() - started)
            assert plain.status_code == 201, plain.text[:300]
            keyed = headers | {"Idempotency-Key": str(uuid.uuid4())}
            started = time.perf_counter()
            first = client.post("/v1/lists", content=body, headers=keyed)
            timings["new key"].append(time.perf_counter() - started)
            started = time.perf_counter()
            again = client.post("/v1/lists", content=body, headers=keyed)
            timings["retry"].append(time.perf_counter() - started)
            assert first.status_code == again.status_code == 201
            assert again.content == first.content
            assert again.headers["idempotent-replayed"] == "true"
        store = app.state.program_store
        with store.session() as session:
            kept = session.scalar(select(func.max(func.length(RequestClaim.reply))))
        sizes = (len(first.content), int(kept or 0))

    print_timings(
        f"POST /v1/lists, {args.rows:,} MSMEs, {args.capacity:,} slots",
        args.repeats,
        timings,
        "request",
    )
    print(f"answer {sizes[0] / 1e6:.1f} MB; kept in the store {sizes[1] / 1e6:.2f} MB (gzip)")


if __name__ == "__main__":
    main()
