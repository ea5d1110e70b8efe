"""What reading a recorded list back through the API costs (`GET /v1/lists/{id}`): medians of
repeated requests, in process (Starlette's TestClient), on a SQLite program store in a temporary
folder, for a list issued through `POST /v1/lists`.

    uv run python benchmarks/bench_read_list.py \
        --model "sqlite:////tmp/a/mlflow.db|models:/umkm-uplift/1" \
        --candidates work/sim/candidates.parquet --rows 100000 --capacity 3000 --repeats 3

Besides the request, it times the parts in the same process: reading the list from the store
(`ProgramStore.get_list`), building the answer (`service.program.list_detail`) and writing it as
JSON.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from in_process import (
    BENCH_KEY,
    list_arguments,
    print_timings,
    ready_service,
    repeated_candidates,
)


def _timed(repeats: int, work: Callable[[], Any]) -> list[float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    args = list_arguments(__doc__.splitlines()[0], rows=100_000, capacity=3_000)

    import pandas as pd

    from data.contract import PROFILE_COLUMNS
    from service.program import list_detail

    rows = repeated_candidates(args.candidates, args.rows, "G")
    columns = [spec.name for spec in PROFILE_COLUMNS if spec.name in rows.columns]
    msmes = [
        {key: value for key, value in record.items() if not pd.isna(value)}  # blank: not sent
        for record in rows[columns].to_dict("records")
    ]
    headers = {"X-API-Key": BENCH_KEY}
    timings: dict[str, list[float]] = {}
    with ready_service(args.model) as (client, app):
        made = client.post(
            "/v1/lists", json={"msmes": msmes, "capacity": args.capacity}, headers=headers
        )
        assert made.status_code == 201, made.text[:300]
        list_id = made.json()["list_id"]
        path = f"/v1/lists/{list_id}"
        store = app.state.program_store
        answer = client.get(path, headers=headers)  # warm-up
        assert answer.status_code == 200, answer.text[:300]
        size = len(answer.content)
        timings["GET /v1/lists/{id}"] = _timed(
            args.repeats, lambda: client.get(path, headers=headers)
        )
        timings["store.get_list"] = _timed(args.repeats, lambda: store.get_list(list_id))
        timings["list_detail (store + answer)"] = _timed(
            args.repeats, lambda: list_detail(store, list_id)
        )
        detail = list_detail(store, list_id)
        timings["answer as JSON"] = _timed(args.repeats, detail.model_dump_json)

    print_timings(
        f"a list of {args.rows:,} candidates, {args.capacity:,} slots, answer {size / 1e6:.1f} MB",
        args.repeats,
        timings,
        "step",
    )


if __name__ == "__main__":
    main()
