"""Commands of the data package: `umkm simulate`, `umkm validate`, `umkm db` and
`umkm export-history`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from data import console

if TYPE_CHECKING:
    from data.messages import Language
    from data.validation import KindArg

# `umkm validate` lists at most this many problems; the count covers them all.
MAX_PRINTED_PROBLEMS = 200

# The framing of `umkm validate --lang id` lines (data.messages codes -> parameters).
CLI_CODES: dict[str, tuple[str, ...]] = {
    "cli_where_header": (),
    "cli_where_header_column": ("column",),
    "cli_where_row": ("row",),
    "cli_where_row_column": ("row", "column"),
    "cli_where_column": ("column",),
    "cli_value": ("reason",),
    "cli_value_cell": ("cell", "reason"),
    "cli_more_problems": ("count",),
    "cli_checked_profile": ("path", "count"),
    "cli_checked_history": ("path", "count"),
    "cli_rows": ("rows", "valid", "rejected"),
}
# Where a command's --lang is kept for `umkm`'s own answer to a configuration error, which runs
# outside the command (click shares `meta` between a command's context and its group's).
LANGUAGE_META_KEY = "umkm.language"


def _remember_language(ctx: typer.Context, value: str) -> str:
    ctx.meta[LANGUAGE_META_KEY] = value
    return value


def command_language(ctx: typer.Context) -> Language:
    """The --lang of the command `ctx` (or its group) runs; English for a command without one."""
    language: Language = ctx.meta.get(LANGUAGE_META_KEY, "en")
    return language


LangArg = Annotated[
    Literal["id", "en"],
    typer.Option(
        "--lang",
        help="Language of the messages: id (Bahasa Indonesia) or en.",
        callback=_remember_language,
    ),
]


def simulate(
    rows: Annotated[int, typer.Option(min=1, help="History rows (mentoring records) to simulate.")],
    output: Annotated[Path, typer.Option(help="Folder for history, candidates and truth.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 0,
    candidates: Annotated[
        int | None, typer.Option(min=1, help="Candidate MSMEs to simulate (default: rows / 10).")
    ] = None,
    fmt: Annotated[
        Literal["parquet", "csv"], typer.Option("--format", help="File format.")
    ] = "parquet",
) -> None:
    """Simulate mentoring histories, candidates and true effects, calibrated to public data.

    Files of an earlier simulation in the output folder are replaced, in the other format
    removed (a note names them); other files stay."""
    from data.io import DataFileError
    from data.population import province_weighting
    from data.simulate import candidate_count, other_format, simulate_to_dir, simulation_paths

    earlier = [path.name for path in simulation_paths(output, fmt).values() if path.exists()]
    other = [p for p in simulation_paths(output, other_format(fmt)).values() if p.is_file()]
    try:
        paths = simulate_to_dir(rows=rows, seed=seed, output=output, fmt=fmt, candidates=candidates)
    except DataFileError as error:
        console.error(str(error))
        raise typer.Exit(2) from None
    if earlier:
        console.note(f"replaced {', '.join(earlier)} in {output} (files of an earlier simulation)")
    if removed := [path.name for path in other if not path.exists()]:
        console.note(
            f"removed {', '.join(removed)} from {output} (files of an earlier simulation, "
            f"in {other_format(fmt)})"
        )
    shown = candidate_count(rows, candidates)
    records = console.counted(rows, "mentoring record")
    console.line(f"history: {paths['history']} ({records}, seed {seed})")
    console.line(f"candidates: {paths['candidates']} ({console.counted(shown, 'MSME')} to rank)")
    console.line(f"truth: {paths['truth']} (the true effects, for evaluation only)")
    console.line(f"provinces: weighted {province_weighting()}")


def validate(
    data: Annotated[
        Path, typer.Option(help="CSV, Parquet or XLSX file of MSME profiles or histories.")
    ],
    kind: Annotated[
        Literal["auto", "profile", "history"],
        typer.Option(
            help="Contract to check against; auto: history when a history column (mentored, "
            "digitalized, cohort) exists."
        ),
    ] = "auto",
    lang: LangArg = "en",
) -> None:
    """Check a file against the data contract; print every problem with row and column."""
    raise typer.Exit(validate_file_command(data, kind, lang))


def validate_file_command(path: Path, kind: KindArg = "auto", language: Language = "en") -> int:
    """`umkm validate`: every problem on its own line, then the counts (stdout); the exit code.

    A history is also checked for what training needs of its usable rows together (both arms,
    both outcomes in each: `ValidationResult.arm_problems`), so a file that passes can be trained.
    0 when the file has no problem, 1 when it has problems, 2 when it cannot be read (stderr).
    """
    from data.io import DataFileError
    from data.validation import problem_line, validate_file

    try:
        result = validate_file(path, kind)
    except DataFileError as error:
        worded = str(error)
        if language != "en":
            from data.messages import render

            worded = f"{path}: {render(error.code, error.params, language)}"
        console.error(worded, language=language)
        return 2
    problems = [*result.problems, *result.arm_problems()]
    out = console.stdout()
    if language != "en":
        from data.messages import render

        for problem in problems[:MAX_PRINTED_PROBLEMS]:
            console.line(problem_line(problem, language), out)
        hidden = len(problems) - MAX_PRINTED_PROBLEMS
        if hidden > 0:
            console.line(render("cli_more_problems", {"count": hidden}, language), out)
        checked = {"path": str(path), "count": len(problems)}
        console.line(render(f"cli_checked_{result.kind}", checked, language), out)
        counts = {"rows": result.n_rows, "valid": result.n_valid, "rejected": result.n_rejected}
        console.line(render("cli_rows", counts, language), out)
        return 1 if problems else 0
    for problem in problems[:MAX_PRINTED_PROBLEMS]:
        console.line(str(problem), out)
    hidden = len(problems) - MAX_PRINTED_PROBLEMS
    if hidden > 0:
        console.line(f"... and {hidden} more problems", out)
    noun = "problem" if len(problems) == 1 else "problems"
    console.line(f"{path}: checked as a {result.kind} file, {len(problems)} {noun}", out)
    console.line(result.summary(), out)
    return 1 if problems else 0


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    from data.store.cli import db_app, export_history

    app.command("simulate")(simulate)
    app.command("validate")(validate)
    app.command("export-history")(export_history)
    app.add_typer(db_app, name="db")
