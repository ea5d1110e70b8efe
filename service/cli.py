"""Commands of this package for the `umkm` CLI (registered by `umkm.cli`)."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from data import console
from data.cli import LangArg
from models.settings import MODEL_OPTION_HELP, model_uri_or_setting

# What `umkm prioritize` says around its table (data.messages code -> parameters); the table's
# own labels are `service.prioritize_file.SUMMARY_CODES`.
PRIORITIZE_CODES: dict[str, tuple[str, ...]] = {
    "prioritize_scoring": (),
    "prioritize_rows": ("path", "read", "valid", "rejected"),
    "prioritize_quarantine": ("path",),
    "prioritize_stale_quarantine_removed": ("path",),
    "prioritize_recomputed": ("columns",),
    "prioritize_list": ("path",),
    "prioritize_not_selected": ("path",),
    "prioritize_not_selected_sheet": ("path",),
    "prioritize_infeasible": (),
    "prioritize_not_contract": ("problems",),
    "prioritize_too_many_for_sheet": ("count",),
    # its own options' refusals (`service.prioritize_file.parse_quotas`, `parse_min_shares`)
    **dict.fromkeys(
        (
            "prioritize_quota_form",
            "prioritize_quota_not_whole",
            "prioritize_share_form",
            "prioritize_share_not_number",
        ),
        ("option", "position"),
    ),
    "prioritize_share_column": ("option", "position", "allowed"),
    "prioritize_quota_twice": ("option", "position", "first"),
    "prioritize_quota_file_unreadable": ("option",),
    "prioritize_quota_file_too_large": ("option", "path", "limit"),
    "prioritize_quota_file_invalid": ("option", "line", "column"),
    "prioritize_quota_file_not_object": ("option",),
    "prioritize_cost_column_missing": ("column", "option"),
    # a row's unreadable cost, in the quarantine file
    "prioritize_cost_missing": (),
    "prioritize_cost_invalid": (),
}


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; about one per CPU core.")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (Prometheus /metrics counts them anyway).")
    ] = True,
) -> None:
    """Run the scoring API under uvicorn; settings come from UMKM_* variables (see .env.example).

    API keys: UMKM_API_KEYS, comma-separated (each 16+ characters, or name:scopes:key), and
    UMKM_API_KEYS_FILE, a file of them one per line, read again while serving when it changes;
    neither, the API is open (demo only). The model: UMKM_MODEL_URI (default
    models:/umkm-uplift@champion) in the MLflow store of MLFLOW_TRACKING_URI. The program store
    (UMKM_DATABASE_URL, default sqlite:///umkm.db) is created or migrated to the newest schema
    first; a PostgreSQL server that is not up yet is waited for (UMKM_DATABASE_WAIT_SECONDS,
    default 60).
    """
    import uvicorn

    from data.store import migrate
    from data.store.engine import wait_for_store
    from data.store.errors import StoreError, StoreUrlError
    from service.metrics import MULTIPROC_ENV
    from service.settings import SettingsError, get_settings, unknown_variables

    try:  # checked here once, before any worker starts, so a bad setting is one line
        settings = get_settings()
    except SettingsError as error:
        console.error(str(error))
        raise typer.Exit(2) from None
    for line in unknown_variables(os.environ, Path(".env")):
        console.warning(line)
    wait = settings.database_wait_seconds

    def waiting(attempt: int, reason: str) -> None:
        console.warning(
            f"program store: the database server takes no connection yet ({reason}); "
            f"trying again (attempt {attempt}, for up to {wait:g} s, UMKM_DATABASE_WAIT_SECONDS)"
        )

    try:
        wait_for_store(settings.database_url, wait, waiting)
        migrate.upgrade(settings.database_url)
    except StoreError as error:
        console.error(f"program store: {error}")
        # A URL the store cannot use is a setting's mistake (2); a store that fails, 1.
        raise typer.Exit(2 if isinstance(error, StoreUrlError) else 1) from None

    own_metrics_dir = None
    if workers > 1 and not os.environ.get(MULTIPROC_ENV):
        # Workers add up their Prometheus numbers through files in a shared folder.
        own_metrics_dir = tempfile.mkdtemp(prefix="umkm-metrics-")
        os.environ[MULTIPROC_ENV] = own_metrics_dir
    try:
        uvicorn.run(
            "service.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            proxy_headers=False,
            log_config=log_config(),
        )
    finally:
        if own_metrics_dir is not None:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus this service's own loggers at INFO on the same handler: which
    model each worker serves (and every swap), failed reloads, refused keys."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["service"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def prioritize(
    *,
    data: Annotated[
        Path,
        typer.Option(
            help="Candidate MSME profiles: CSV, Parquet or XLSX with the contract's columns "
            "(plus a cost column when a budget is set)."
        ),
    ],
    # Ranges are checked by the allocation request, so that a refusal is worded in --lang.
    capacity: Annotated[int, typer.Option(help="Mentoring slots to fill (at least 1).")],
    output: Annotated[
        Path,
        typer.Option(
            help="The list (.csv, .parquet or .xlsx). Everyone else, with a reason, goes to "
            "<stem>_not_selected.<ext> (in .xlsx: a second sheet); rejected rows to "
            "<stem>.quarantine.csv."
        ),
    ],
    model: Annotated[str | None, typer.Option(help=MODEL_OPTION_HELP)] = None,
    quotas: Annotated[
        str | None,
        typer.Option(help='Maximum slots per province: "31=40,32=60" or a .json file.'),
    ] = None,
    min_share: Annotated[
        list[str] | None,
        typer.Option(
            "--min-share",
            help='At least this share of the slots, like "owner_gender=female:0.5" (or 50%); '
            "columns owner_gender, province_code, area_type, sector, island_group. "
            "Repeat the option or separate with commas.",
        ),
    ] = None,
    budget: Annotated[
        float | None, typer.Option(help="Total cost the list may reach (needs --cost-column).")
    ] = None,
    cost_column: Annotated[
        str, typer.Option(help="Column holding each MSME's mentoring cost (used with --budget).")
    ] = "cost",
    include_digital: Annotated[
        bool,
        typer.Option(
            "--include-digital",
            help="Keep already-digital MSMEs in the running (by default they are the stimulus "
            "group). The model does not score them, so they are listed as unscored.",
        ),
    ] = False,
    only_beneficial: Annotated[
        bool,
        typer.Option(
            "--only-beneficial",
            help="Leave slots free rather than give them to MSMEs with uplift <= 0.",
        ),
    ] = False,
    time_limit: Annotated[
        float, typer.Option(help="Seconds the solver may take at most (over 0, up to 600).")
    ] = 60.0,
    lang: LangArg = "en",
) -> None:
    """Build a mentoring list from a file, under capacity, quotas, minimum shares and budget.

    Maximises the expected extra digitalizations (the sum of uplift): greedy with capacity alone,
    exact (HiGHS mixed-integer programming) under constraints.

    Files of millions of MSMEs work: scoring runs in chunks of 200,000 rows with a progress bar.

    A model trained on weak evidence (tagged weak_evidence = true) adds a warning, on stderr and
    in an .xlsx list's summary sheet: the list is not shown to beat a random choice.

    Exit code 1 when the constraints cannot all hold (each is named), 2 for bad input or options.
    """
    from rich.progress import Progress
    from rich.table import Table

    from allocation import AllocationError, CandidateError, InfeasibleConstraints
    from data.messages import render
    from service.errors import allocation_refusal
    from service.prioritize_file import (
        PrioritizeFileError,
        build_request,
        command_line_option,
        parse_min_shares,
        parse_quotas,
        prioritize_file,
        summary_rows,
    )

    out, err = console.stdout(), console.stderr()
    try:
        request = build_request(
            capacity=capacity,
            quotas=parse_quotas(quotas),
            min_share=parse_min_shares(min_share or []),
            budget=budget,
            exclude_digital=not include_digital,
            only_beneficial=only_beneficial,
            time_limit_seconds=time_limit,
            language=lang,
        )
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task(render("prioritize_scoring", {}, lang), total=None)
            files = prioritize_file(
                data,
                output,
                request,
                model_uri=model_uri_or_setting(model),
                cost_column=cost_column,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                language=lang,
            )
    except PrioritizeFileError as error:
        console.error(error.worded(lang), err, lang)
        raise typer.Exit(2) from None
    except AllocationError as error:
        # an option named as this command takes it: --time-limit, not time_limit_seconds
        refusal = allocation_refusal(error, lang, spell_option=command_line_option)
        if isinstance(error, InfeasibleConstraints):
            console.error(render("prioritize_infeasible", {}, lang), err, lang)
            for problem in refusal.problems:
                console.detail(f"- {problem}", err)
        elif isinstance(error, CandidateError):
            words = [str(error)] if lang == "en" else [refusal.message, *refusal.problems]
            console.error("; ".join(words), err, lang)
        else:  # the solver's: its message names the option to change
            console.error(refusal.message, err, lang)
        raise typer.Exit(refusal.exit_code) from None

    def say(code: str, **params: object) -> str:
        return render(code, params, lang)

    valid = files.rows_read - files.rows_rejected
    counts = {"read": files.rows_read, "valid": valid, "rejected": files.rows_rejected}
    console.line(say("prioritize_rows", path=data, **counts), out)
    if files.quarantine_path is not None:
        console.line(say("prioritize_quarantine", path=files.quarantine_path), out)
    if files.stale_quarantine_removed is not None:
        removed = files.stale_quarantine_removed
        console.line(say("prioritize_stale_quarantine_removed", path=removed), out)
    if files.replaced_columns:
        console.note(say("prioritize_recomputed", columns=files.replaced_columns), err, lang)
    table = Table(title=say("summary_title"), show_header=False)
    for label, value in summary_rows(files.result, lang):
        table.add_row(label, str(value))
    out.print(table)
    console.line(say("prioritize_list", path=files.selected_path), out)
    if files.not_selected_path == files.selected_path:
        console.line(say("prioritize_not_selected_sheet", path=output), out)
    else:
        console.line(say("prioritize_not_selected", path=files.not_selected_path), out)
    if files.evidence_warning is not None:  # as every list of the API and the page says it
        code, params = files.evidence_warning
        console.warning(say(code, **params), err, lang)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `umkm` app."""
    app.command("serve")(serve)
    app.command("prioritize")(prioritize)
