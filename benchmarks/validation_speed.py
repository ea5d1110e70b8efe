"""How long validation takes on simulated histories: median of repeated runs.

    uv run python benchmarks/validation_speed.py [--rows 1000000] [--repeats 3]

Simulates the rows once (Parquet and CSV), reads each file once, then times `validate_frame`
`repeats` times and reports the median (and the read time, which `umkm validate` adds).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from data.io import read_table
from data.simulate import simulate_to_dir
from data.validation import validate_frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("parquet", "csv"):
            paths = simulate_to_dir(
                rows=args.rows, seed=args.seed, output=Path(tmp) / fmt, fmt=fmt, candidates=1
            )
            started = time.perf_counter()
            frame = read_table(paths["history"])
            read_seconds = time.perf_counter() - started
            runs, cpu = [], []
            for _ in range(args.repeats):
                started, cpu_started = time.perf_counter(), time.process_time()
                result = validate_frame(frame, "auto")
                runs.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            # CPU time is shown too: on a shared machine wall time depends on the other load.
            print(
                f"{fmt:8s} {args.rows} rows: read {read_seconds:.2f} s, validate median "
                f"{statistics.median(runs):.2f} s wall / {statistics.median(cpu):.2f} s CPU "
                f"(wall runs {', '.join(f'{r:.2f}' for r in runs)}); {result.summary()}"
            )


if __name__ == "__main__":
    main()
