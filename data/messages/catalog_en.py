"""The English catalog: code -> message with `{parameter}` placeholders (see `data.messages`).

Row-level validation reasons read after "value <cell>", as `data.validation.Problem` prints them.
"""

from __future__ import annotations

# Month names, January first, for a `month` parameter (`data.messages.format_param`).
MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

MESSAGES: dict[str, str] = {
    # --- data.validation: cells (after "value") -------------------------------------------------
    "value_missing": "is missing (this column needs a value)",
    "value_not_integer": "is not an integer",
    "value_too_large": "is too large for an integer",
    "value_not_number": "is not a number (use a dot for decimals and no thousands separators)",
    "value_not_number_decimal_comma": (
        "is not a number (use a comma for decimals and a dot or nothing between thousands, digits "
        "only, like 1.500.000 or 2,5)"
    ),
    "value_not_number_thousands_comma": (
        "is not a number (use a dot for decimals and a comma or nothing between thousands, digits "
        "only, like 1,500,000 or 2.5)"
    ),
    "value_boolean_ambiguous_t": (
        "is T, which this column does not explain: T is read as yes beside F (T/F) and as no "
        "(tidak) beside Y (Y/T); write yes/no, ya/tidak or true/false"
    ),
    "value_not_boolean": "is not a boolean (accepted, any case: {accepted})",
    "value_not_province": (
        "is neither one of the 38 province codes (2 digits, like 33) nor a province name (like "
        "Jawa Tengah; see data/reference/provinces.csv)"
    ),
    "value_not_province_suggestion": (
        "is neither one of the 38 province codes (2 digits, like 33) nor a province name; did you "
        "mean {province} ({code})?"
    ),
    "value_control_character": (
        "holds a control character (tab, line break or another invisible character); remove it"
    ),
    "value_spreadsheet_error": (
        "is the spreadsheet error {error} (a formula that failed, or a value the spreadsheet "
        "cannot show); correct it or clear the cell"
    ),
    "value_wrong_form": "does not match the expected form ({form})",
    # data.outcomes_file: a date in an accepted form that names no day of the calendar
    "value_date_not_a_day": "names {date}, a day that does not exist: {why}",
    "value_date_not_a_day.date": "{day} {month} {year}",
    "value_date_not_a_day.date_month_number": "day {day} of month {month_number} of {year}",
    "value_date_not_a_day.month_days": "{month} {year} has {days} days",
    "value_date_not_a_day.day_zero": "the days of a month are counted from 1",
    "value_date_not_a_day.year_months": "a year has 12 months",
    "value_date_not_a_day_fix": (
        "Write a day that exists on the calendar, like 27/02/2026 or 2026-02-27."
    ),
    "value_not_allowed": "is not an allowed value (allowed: {allowed})",
    "value_out_of_range": "is out of range {minimum}–{maximum}",
    "file_problems_more": "and {count} more problems of the whole file",
    "value_below_minimum": "is out of range (minimum {minimum})",
    "value_above_maximum": "is out of range (maximum {maximum})",
    "value_duplicate": "is a duplicate {column}",
    "value_duplicate_of_row": "is a duplicate {column} (also in row {row})",
    "value_duplicate_of_rows": "is a duplicate {column} (also in rows {rows})",
    "value_duplicate_of_rows_and_more": (
        "is a duplicate {column} (also in rows {rows} and {more} more)"
    ),
    "value_check_failed": "fails the check {check}",
    "value_mentored_already_digital": (
        "is not possible: an already-digital MSME (digital_status digital) is never mentored in "
        "the programme; correct mentored or digital_status"
    ),
    "value_province_name_disagrees": (
        "names {name_province}, but {code_column} {code} is {province}: correct one of the two "
        "so they agree, or delete the {name_column} column (the province is read from "
        "{code_column})"
    ),
    "cell_value": "value {reason}",
    # --- data.validation: the whole file ---------------------------------------------------------
    "column_missing": "required column is missing",
    "column_not_in_contract": "column is not in the contract",
    "column_repeated": "column appears {count} times in the header (columns {positions}); keep one",
    "column_check_failed": "fails the check {check}",
    "header_not_found": (
        "no row among the first {searched_rows} names enough of the contract's columns: row "
        "{header_row} was read as the header and names {header_columns}"
    ),
    "header_not_found_elsewhere": (
        "no row among the first {searched_rows} names enough of the contract's columns: row "
        "{header_row} was read as the header and names {header_columns}; row {best_row} names "
        "{best_columns}"
    ),
    # --- data.validation: a history's usable rows taken together (validate and train) ---------
    "arm_too_few_treated": (
        "too few usable treated (mentored) rows to learn an uplift: {count}, at least {minimum} "
        "needed"
    ),
    "arm_too_few_control": (
        "too few usable control (not mentored) rows to learn an uplift: {count}, at least "
        "{minimum} needed"
    ),
    "arm_one_outcome_treated": (
        "the usable treated (mentored) rows all have the same outcome: no uplift can be learnt"
    ),
    "arm_one_outcome_control": (
        "the usable control (not mentored) rows all have the same outcome: no uplift can be learnt"
    ),
    # --- data.io, data.xlsx: reading past a limit ----------------------------------------------
    # `found` is only where reading stopped (limit + 1 for a CSV): never said as the count.
    "too_many_rows": (
        "the file has more than {limit} data rows, the most that are read here (split the file)"
    ),
    "too_many_columns": (
        "the table is {found} columns wide; at most {limit} are read here (delete the columns the "
        "contract does not need)"
    ),
    "too_many_cells": (
        "the table spans {found} cells (rows × columns); at most {limit} are read here (delete "
        "empty rows and columns around the data, or split the file)"
    ),
    "too_many_strings": (
        "the workbook holds {found} distinct texts; at most {limit} are read here (split the file)"
    ),
    "unzipped_too_large": (
        "the file unpacks to more than {limit} bytes; save it again as CSV UTF-8, or as an "
        "Excel workbook without pictures"
    ),
    "text_too_long": "a cell holds a text longer than {limit} bytes; shorten it",
    # --- data.io, data.xlsx: a file that cannot be read or written as a table ------------------
    "file_unknown_type": "unknown file type {suffix}; use one of {allowed}",
    "file_not_found": "the file is not found",
    "file_empty": "the file is empty",
    "file_no_data_rows": "the file has a header but no data rows",
    "file_duplicate_columns": "the header names these columns more than once: {columns}",
    "file_not_text": (
        "the file is neither UTF-8 nor Windows-1252 text (an unreadable byte at {byte}); save "
        "it as 'CSV UTF-8'"
    ),
    "file_not_csv": "the file is not a readable CSV file",
    "file_csv_extra_fields": (
        "row {row} has {found} fields where the header has {expected}: a separator too many, "
        "or a cell holding the separator without quotes around the cell"
    ),
    "file_csv_unclosed_quote": (
        "a quoted cell from line {line} is never closed, so the rest of the file reads as one "
        'cell: add the closing quote (") or remove the opening one'
    ),
    "file_not_parquet": "the file is not a readable Parquet file",
    "file_nested_columns": (
        "columns holding lists, structs or maps cannot be read: {columns}; store one plain "
        "value per cell"
    ),
    "file_not_xlsx": "the file is not an Excel .xlsx workbook (it is not a zip archive)",
    "file_not_workbook": "the file is not a readable Excel .xlsx workbook",
    "file_too_many_parts": (
        "the workbook's zip archive holds at least {found} files, where a workbook has tens; at "
        "most {limit} are read here"
    ),
    "file_too_many_pages": (
        "the Parquet file is cut into more than {limit} pages, where a file of the allowed rows "
        "has at most a few thousand (its pages are written too small)"
    ),
    "file_parquet_footer_too_large": (
        "the Parquet file's metadata takes {found} bytes, where a file of the allowed rows needs "
        "under one million; at most {limit} are read here (it is cut into too many row groups)"
    ),
    "file_no_worksheet": "the workbook has no worksheet",
    "file_cannot_write": "the table cannot be written as {format}",
    "write_no_space": "no space left on the device; free some space or write elsewhere",
    "write_quota": "disk quota exceeded; free some space or write elsewhere",
    "write_read_only": "the folder is on a read-only file system; write elsewhere",
    "write_permission": "permission denied; write to a folder you may write to",
    "write_failed": "the output cannot be written (nothing was written)",
    # --- service.web: the page's options (pydantic's error types) -------------------------------
    "option_too_large": "{field} is above the maximum {limit}",
    "option_too_small": "{field} is below the minimum {limit}",
    "option_not_integer": "{field} must be a whole number",
    "option_not_number": "{field} must be a number",
    "option_not_boolean": "{field} must be yes or no",
    "option_missing": "{field} is missing",
    "option_unknown": "{field} is not an option of the list",
    "option_too_many": "{field} has too many entries",
    "option_invalid": "{field} is not valid",
    "field_repeated": "{field} is given more than once; give it once",
    "field_cost_column_needed": (
        "a budget needs the cost column: give the name of the file's column that holds each "
        "MSME's mentoring cost (Cost column in the file)"
    ),
    # --- service.request_problems: a request body that fails validation (422) -----------------
    "invalid_request": (
        "The request has {count} problems; nothing was processed. Fix each field listed."
    ),
    "invalid_request_one": (
        "The request has {count} problem; nothing was processed. Fix each field listed."
    ),
    "invalid_request_grouped": (
        "The request has {count} problems; nothing was processed. A problem repeated in several "
        "rows is listed once, naming its rows: fix each one listed."
    ),
    "invalid_request_cut": (
        "The request has {count} problems; nothing was processed. Only the first {listed} are "
        "listed (a problem repeated in several rows once, naming its rows) and {left_out} are "
        "left out: fix those listed and send the request again to see the rest."
    ),
    "problem_in_every_row": "{problem}: in every row from {first} to {last} ({count} rows)",
    "problem_in_rows": "{problem}: in {count} rows, the first {first}, the last {last}",
    "field_body": "the request body",
    "field_missing": "{field} is required",
    "field_unknown": "{field} is not a field of this request; remove it",
    "field_not_text": "{field} must be text (a JSON string)",
    "field_not_integer": "{field} must be a whole number",
    "field_not_number": "{field} must be a number",
    "field_not_boolean": "{field} must be true or false",
    "field_not_above": "{field} must be greater than {limit}",
    "field_below_minimum": "{field} must be at least {limit}",
    "field_not_below": "{field} must be less than {limit}",
    "field_above_maximum": "{field} must be at most {limit}",
    "field_empty": "{field} must not be empty",
    "field_text_too_short": "{field} must have at least {limit} characters",
    "field_text_too_long": "{field} must have at most {limit} characters",
    "field_text_too_long_one": "{field} must have at most {limit} character",
    "field_list_too_short": "{field} must list at least {limit} items",
    "field_list_too_long": "{field} must list at most {limit} items",
    "field_list_too_long_one": "{field} must list at most {limit} item",
    "field_too_many_msmes": "{field} must list at most {limit} MSMEs on this service",
    "field_too_many_msmes_one": "{field} must list at most {limit} MSME on this service",
    "field_wrong_form": "{field} does not match the pattern {pattern}",
    "field_not_allowed": "{field} must be one of: {expected}",
    "field_json_invalid": "{field} is not valid JSON",
    "field_json_invalid_at": "{field} is not valid JSON (line {line}, column {column})",
    "field_json_number_too_long_at": "{field} holds a number too long to read (line {line}, "
    "column {column}): send at most 4,300 digits",
    "field_not_object": "{field} must be a JSON object",
    "field_not_list": "{field} must be a list (a JSON array)",
    "field_not_date": "{field} must be a date written YYYY-MM-DD, like 2025-03-01",
    "field_invalid": "{field} is not valid",
    "field_not_province": "{field} is not one of the 38 province codes (11 to 96)",
    "field_not_contract_boolean": (
        "{field} must be yes or no: yes/no, ya/tidak or 1/0 as text, or true/false"
    ),
    "field_share_value": (
        "{field}: value is not one of the {column} values; use one of: {expected}"
    ),
    "field_share_value_not_province": (
        "{field}: value is not a province code; use one of the 38 province codes (11 to 96)"
    ),
    "field_share_twice": "min_share names the same column and value twice",
    "field_duplicate": "{field} repeats {first}; each msme_id must be unique",
    "field_cost_needed": "{field} is required when the request sets a budget",
    "field_control_character": (
        "{field} holds a control character (tab, line break or another invisible character)"
    ),
    "field_not_cell": "{field} must be text, a number, true/false or null (one cell)",
    "field_own_column_profile_name": (
        "{field}: an own column (extra) may not take a profile field's name; rename it"
    ),
    # --- data.numbers: a number typed in a form --------------------------------------------------
    "number_empty": "no number given",
    "number_too_long": "a number has at most {limit} characters",
    "number_invalid": "{text} is not a number",
    "number_ambiguous": (
        "{text} is ambiguous: {readings}? Write it without the comma, or with a decimal comma and "
        "fewer decimals"
    ),
    "number_not_integer": "{text} is not a whole number",
    "share_out_of_range": "{text} is not a share between 0 and 1 (or 0% and 100%)",
    # --- data.store: the program store -----------------------------------------------------------
    "store_url_not_url": "UMKM_DATABASE_URL is not a database URL",
    "store_url_other_database": (
        "UMKM_DATABASE_URL names {driver}: the program store runs on SQLite (sqlite:///umkm.db) "
        "or PostgreSQL (postgresql+psycopg://user:password@host/database)"
    ),
    "store_url_unencoded_at": (
        "UMKM_DATABASE_URL: its host holds an @, so the password's own @ was not percent-encoded: "
        "write @ as %40 (and : as %3A, / as %2F, % as %25)"
    ),
    "store_driver_missing": (
        "UMKM_DATABASE_URL: the PostgreSQL driver (psycopg) is not installed: install the "
        "project's postgres extra"
    ),
    "store_error": "the program store failed",
    "list_not_found": "no mentoring list with id {list_id}",
    "invalid_list": "list not recorded: {reason}",
    "invalid_list_no_msmes": "a list needs at least one MSME",
    "invalid_list_exploration_share": "exploration_share must be within 0..1",
    "invalid_list_msme_id_too_long": (
        "msme_id longer than {limit} characters ({count}): {msme_ids}"
    ),
    "invalid_list_msmes_twice": "MSMEs listed twice ({count}): {msme_ids}",
    "invalid_list_selection_probability": ("selection_probability of {msme_id} is not within 0..1"),
    "invalid_list_selected_by": (
        "{msme_id}: a selected MSME says how (model or exploration), and one left off says nothing"
    ),
    "invalid_list_extra_columns": (
        "the MSMEs have {count} columns of their own (extra) together; a list keeps at most "
        "{limit}: leave out the ones it does not need"
    ),
    "invalid_list_extra_column_name": (
        "a column of the MSMEs' own (extra) needs a name of 1 to {limit} characters that is not "
        "a profile field: {column}"
    ),
    "invalid_list_extra_cell_too_long": (
        "texts in the MSMEs' own columns (extra) longer than {limit} characters ({count}): "
        "{msme_ids}"
    ),
    "invalid_list_input_columns": (
        "input_columns must name each column once, at most as many as a list keeps, its own "
        "columns (extra) among them"
    ),
    "unknown_ids": (
        "outcomes not recorded: unknown list ids ({unknown_lists}) or MSMEs not on their list "
        "({unknown_msmes})"
    ),
    "conflicting_outcomes": (
        "outcomes not recorded: two different outcomes in one batch for the same MSME ({pairs})"
    ),
    "invalid_outcome_dates": (
        "outcomes not recorded, {count} dates that cannot be right: {problems}"
    ),
    "invalid_outcome_dates.problems": "{msme_id} (list {list_id}) {field}: {reason}",
    "outcome_date_in_future": (
        "{date} is in the future (the latest date accepted is {latest}: today in UTC plus a day "
        "for time zones)"
    ),
    "outcome_observed_before_mentored": (
        "observed on {observed_on} (before the mentoring on {mentored_on})"
    ),
    "outcome_date_before_list": (
        "{date} is before the list was issued on {issued} (the earliest date accepted is "
        "{earliest})"
    ),
    "outcome_date_in_future_fix": (
        "Enter the day it happened, no later than {latest}; a date in the future is often a slip "
        "in the year, or the day and month swapped."
    ),
    "outcome_observed_before_mentored_fix": (
        "Check both dates: an outcome is observed on or after the day of mentoring ({mentored_on})."
    ),
    "outcome_date_before_list_fix": (
        "Check the date, or choose the list these outcomes belong to: this list was issued on "
        "{issued}, and mentoring and its outcome follow the list."
    ),
    "migration_failed": "the program store's schema could not be migrated",
    "store_unavailable": (
        "the database server took no connection within {seconds} s ({reason}); start it, or "
        "wait longer with UMKM_DATABASE_WAIT_SECONDS"
    ),
    "store_missing": (
        "no program store at {path}; check --url / UMKM_DATABASE_URL, or run `umkm serve` / "
        "`umkm db upgrade` to create one"
    ),
    # --- service.errors: the store's refusals as the API and page word them ---------------------
    "refusal_list_not_found": "No mentoring list has id {list_id}.",
    "refusal_unknown_list": "no mentoring list {list_id}",
    "refusal_not_on_list": "MSME {msme_id} is not on list {list_id}",
    "refusal_unknown_id": "{count} unknown id, each named below; no outcome was recorded.",
    "refusal_unknown_ids": "{count} unknown ids, each named below; no outcome was recorded.",
    "refusal_conflicting_outcome": "two different outcomes for MSME {msme_id} on list {list_id}",
    "refusal_conflicting_outcomes": (
        "One request gives two different outcomes for the same MSME on the same list; no outcome "
        "was recorded."
    ),
    "refusal_outcome_date": "MSME {msme_id} on list {list_id}: {reason}",
    "refusal_impossible_date": (
        "{count} date cannot be right, named below; no outcome was recorded."
    ),
    "refusal_impossible_dates": (
        "{count} dates cannot be right, each named below; no outcome was recorded."
    ),
    "refusal_invalid_list": "The list cannot be recorded.",
    "refusal_store_unavailable": "The program store cannot be used now; nothing was written.",
    "idempotency_key_invalid": (
        "Idempotency-Key must be 1 to {limit} printable ASCII characters without spaces or "
        "quotes inside (a UUID, say)"
    ),
    "idempotency_key_reused": (
        "this Idempotency-Key came with another request in the last 24 hours; send a new key "
        "with each new request"
    ),
    "refusal_idempotency_key_reused": (
        "The Idempotency-Key was already used for a different request; nothing was recorded."
    ),
    "request_in_progress": (
        "the first request with this Idempotency-Key is still being answered; send it again in "
        "a few seconds to get its answer"
    ),
    "refusal_request_in_progress": (
        "This request is already being answered; nothing was recorded twice."
    ),
    # --- service.body: a JSON body the service cannot read as sent (415) ------------------------
    "body_not_json": "Send the body as JSON (Content-Type: application/json).",
    "body_encoded": (
        "The body came compressed (Content-Encoding); send it as plain JSON, without "
        "Content-Encoding."
    ),
    # --- service.limits: a body over its route's limit (413), with the way out per route ------
    "body_limit_default": (
        "The request body is larger than this route's limit of {limit} bytes ({megabytes} MB); "
        "send a smaller body."
    ),
    "body_limit_scores": (
        "The request body is larger than this route's limit of {limit} bytes ({megabytes} MB); "
        "send fewer MSMEs per request (split the list into several requests, or score a file "
        "with `umkm score`)."
    ),
    "body_limit_lists": (
        "The request body is larger than this route's limit of {limit} bytes ({megabytes} MB); "
        "send fewer MSMEs per request (or use `umkm prioritize` with files for very long lists)."
    ),
    "body_limit_outcomes": (
        "The request body is larger than this route's limit of {limit} bytes ({megabytes} MB); "
        "send fewer outcomes per batch (at most {maximum}), splitting a long batch into several "
        "requests: each is idempotent, so one that failed can be sent again."
    ),
    "body_limit_file": (
        "The upload is larger than this route's limit of {limit} bytes ({megabytes} MB); send a "
        "smaller file: fewer rows, or the same rows saved as CSV, which is smaller than XLSX."
    ),
    # --- service.program: warnings of recorded outcomes (API and page) -------------------------
    "warning_mentored_not_selected_one": (
        "{count} outcome says mentored for an MSME that list {list_number} did not select. It "
        "was recorded (substitutions happen), but check that it belongs to this list: outcomes "
        "of another list often look like this."
    ),
    "warning_mentored_not_selected_checked_one": (
        "{count} outcome says mentored for an MSME that list {list_number} did not select. It "
        "would be recorded (substitutions happen), but check that it belongs to this list: "
        "outcomes of another list often look like this."
    ),
    "warning_mentored_not_selected_checked": (
        "{count} outcomes say mentored for MSMEs that list {list_number} did not select. They "
        "would be recorded (substitutions happen), but check that they belong to this list: "
        "outcomes of another list often look like this."
    ),
    "warning_mentored_not_selected": (
        "{count} outcomes say mentored for MSMEs that list {list_number} did not select. They "
        "were recorded (substitutions happen), but check that they belong to this list: "
        "outcomes of another list often look like this."
    ),
    # --- models.policy_value: what a policy value's status means (API note, evaluate-policy) ---
    "value_status_no_model_slots": "the model filled no slot on this list: nothing to evaluate",
    "value_status_no_model_outcomes": (
        "no outcome is in for the model's picks yet: nothing to estimate"
    ),
    "value_status_no_exploration": (
        "the list kept no randomized slots (exploration_share 0): the model's slots are shown, "
        "random allocation's value cannot be estimated from this list"
    ),
    "value_status_no_explored_outcomes": (
        "fewer than two outcomes are in for the explored slots: random allocation's value cannot "
        "be estimated yet"
    ),
    "value_status_few_explored_outcomes": "few explored outcomes: the intervals are a rough guide",
    # --- umkm evaluate-policy: its lines, its table and its refusals -----------------------------
    "policy_which_lists": "give --list-id ID or --all",
    "policy_store_unreadable": "cannot read the program store (run `umkm db upgrade`?): {detail}",
    "policy_no_lists": "no lists issued yet",
    "policy_counts": (
        "list {list_id}: {model_slots} model slots ({model_outcomes} outcomes), {explored_slots} "
        "explored slots ({explored_outcomes} outcomes), {eligible} eligible candidates"
    ),
    "policy_counts_take_up": (
        "list {list_id}: {model_slots} model slots ({model_outcomes} outcomes), {explored_slots} "
        "explored slots ({explored_outcomes} outcomes), {eligible} eligible candidates, take-up "
        "{take_up}"
    ),
    "policy_status": "list {list_id}: {note}",
    "policy_title": "digitalizations per slot, {level} intervals",
    "policy_estimate": "estimate",
    "policy_ips": "inverse propensity",
    "policy_dr": "doubly robust",
    "policy_model_rate": "model's slots",
    "policy_random_rate": "random allocation",
    "policy_difference": "difference per slot",
    "policy_extra": "extra digitalizations",
    "policy_interval": "{value} [{low}, {high}]",
    "policy_not_available": "n/a",
    "policy_verdict_better": (
        "list {list_id}: the model's list did better than a lottery: {difference} digitalizations "
        "per slot ({method}, {level} interval above zero)"
    ),
    "policy_verdict_worse": (
        "list {list_id}: the model's list did worse than a lottery: {difference} digitalizations "
        "per slot ({method}, {level} interval below zero)"
    ),
    "policy_verdict_unclear": (
        "list {list_id}: the model is not shown to do better than a lottery: difference "
        "{difference} includes zero ({method}, {level} interval)"
    ),
    # --- allocation: constraints that cannot hold ------------------------------------------------
    "quota_too_tight": (
        "quotas allow at most {possible} of the {asked} slots to be filled while {remaining} more "
        "eligible candidates remain; limiting quotas: {limiting}; raise them or lower capacity to "
        "{possible}"
    ),
    "quota_too_tight.limiting": "{province} ({quota} of {candidates} candidates)",
    "quota_leaves_no_slot": (
        "a quota of 0 for {provinces} leaves no slot for the {remaining} eligible candidates, and "
        "there are no others; raise the quota or remove it"
    ),
    "quotas_leave_no_slot": (
        "quotas of 0 for {provinces} leave no slot for the {remaining} eligible candidates, and "
        "there are no others; raise the quotas or remove them"
    ),
    "share_too_few_candidates": (
        "the minimum share of {value} ({fraction}) needs {needed} of {slots} slots, but only "
        "{available} eligible candidates match {value}"
    ),
    "share_blocked_by_quotas": (
        "the minimum share of {value} ({fraction}) needs {needed} of {slots} slots, but the "
        "province quotas leave room for only {possible} candidates matching {value}"
    ),
    "shares_exceed_list": (
        "the minimum shares on {column} together need {needed} = {total} slots, but the list "
        "has {slots}"
    ),
    "shares_exceed_list.needed": "{needed} ({value} {fraction})",
    "budget_too_small": (
        "budget Rp {budget} pays for at most {possible} of the {asked} slots (the {asked} cheapest "
        "eligible candidates cost Rp {cheapest_cost}); raise the budget or lower capacity to "
        "{possible}"
    ),
    "budget_pays_no_slot": (
        "budget Rp {budget} pays for none of the {asked} slots (the cheapest eligible candidate "
        "costs Rp {cheapest_cost}); raise the budget"
    ),
    "budget_below_share": (
        "budget Rp {budget} cannot pay the minimum share of {value} ({fraction}): its {needed} "
        "cheapest candidates cost Rp {cheapest_cost}"
    ),
    "no_whole_number_list": (
        "the constraints cannot all hold on a whole-number list, although a fractional one would "
        "meet them: relax the minimum shares or the budget"
    ),
    "constraints_clash": (
        "the constraints cannot all hold on a list of {slots}: {constraints}; the list becomes "
        "possible without any one of these: {culprits}"
    ),
    "constraints_clash_unnamed": (
        "the constraints cannot all hold together on a list of {slots}: {constraints}"
    ),
    "constraint_quotas": "the province quotas",
    "constraint_share": "the minimum share of {value} ({fraction})",
    "constraint_budget": "the budget Rp {budget}",
    "exploration_crowds_out_share": (
        "the minimum share of {value} ({fraction}) needs {needed} of {slots} slots, but the "
        "random draw leaves the model only {model_slots}; lower {option}"
    ),
    # --- umkm validate --lang: the framing of each line -----------------------------------------
    "cli_where_header": "header",
    "cli_where_header_column": "header, column {column}",
    "cli_where_row": "row {row}",
    "cli_where_row_column": "row {row}, column {column}",
    "cli_where_column": "column {column}",
    "feature_missing": "missing from the input (needed for feature {feature})",
    "feature_value_not_number": "value {text} is not a number",
    "feature_value_not_boolean": (
        "value {text} is not a boolean (use yes/no, true/false, 1/0 or ya/tidak, any case)"
    ),
    "feature_value_unknown_level": (
        "value {text} is not one of the levels the model knows ({levels})"
    ),
    "feature_value_unknown_level_many": (
        "value {text} is not one of the {count} levels the model knows (see its training config)"
    ),
    "cli_value": "value {reason}",
    "cli_value_cell": "value {cell} {reason}",
    "cli_more_problems": "... and {count} more problems",
    "cli_checked_profile": "{path}: checked as a profile file, {count} problem(s)",
    "cli_checked_history": "{path}: checked as a history file, {count} problem(s)",
    "cli_rows": "{rows} rows: {valid} valid, {rejected} rejected",
    # --- models.model_lookup: a model URI that names no model ------------------------------------
    "model_no_store": (
        "model {uri} not found: there is no MLflow tracking store at {path} ({store}); check the "
        "folder you run from (MLflow's default store is mlflow.db in the working folder) or set "
        "MLFLOW_TRACKING_URI to the store that holds the model"
    ),
    "model_no_registered_name": (
        "model {uri} not found: no registered model named {name} in the tracking store {store}; "
        "{registered}; check the name, or check the folder you run from (MLflow's default store is "
        "mlflow.db in the working folder) or set MLFLOW_TRACKING_URI to the store that holds the "
        "model"
    ),
    "model_no_alias": (
        "model {uri} not found: {name} has no alias {alias} in the tracking store {store}; its "
        "aliases: {aliases}; check the alias, or check the folder you run from (MLflow's default "
        "store is mlflow.db in the working folder) or set MLFLOW_TRACKING_URI to the store that "
        "holds the model"
    ),
    "model_no_alias.aliases": "{alias} (v{version})",
    "model_no_alias_none": (
        "model {uri} not found: {name} has no alias {alias} in the tracking store {store}; its "
        "aliases: none; check the alias, or check the folder you run from (MLflow's default store "
        "is mlflow.db in the working folder) or set MLFLOW_TRACKING_URI to the store that holds "
        "the model"
    ),
    "model_no_version": (
        "model {uri} not found: {name} has no version {version} in the tracking store {store}; "
        "{versions}; check the version, or check the folder you run from (MLflow's default store "
        "is mlflow.db in the working folder) or set MLFLOW_TRACKING_URI to the store that holds "
        "the model"
    ),
    "model_not_found": (
        "model {uri} not found in the tracking store {store}: {detail}; check the folder you run "
        "from (MLflow's default store is mlflow.db in the working folder) or set "
        "MLFLOW_TRACKING_URI to the store that holds the model"
    ),
    "model_store_default": "{uri}, MLflow's default in {folder}: MLFLOW_TRACKING_URI is not set",
    "model_names_listed": "registered there: {names}",
    "model_names_listed_more": "registered there: {names} and more",
    "model_names_none": "no model is registered there",
    "model_names_unlisted": "the registered names could not be listed",
    "model_versions_range": "its versions: {first} to {last}",
    "model_versions_one": "its version: {first}",
    "model_versions_none": "it has no version",
    "model_versions_unlisted": "its versions could not be listed",
    # --- data.console: the label leading a command's message on stderr ---------------------------
    "console_error": "error:",
    "console_warning": "warning:",
    "console_note": "note:",
    # --- umkm prioritize --lang: the list's table -----------------------------------------------
    "summary_title": "Mentoring list",
    "summary_slots": "slots",
    "summary_filled": "filled",
    "summary_candidates": "candidates",
    "summary_eligible": "eligible",
    "summary_expected_gain": "expected extra digitalizations",
    "summary_random_gain": "same-size random choice",
    "summary_success_rate": "expected success rate",
    "summary_cost": "cost",
    "summary_cost_of_budget": "{cost} of {budget}",
    "summary_method": "method",
    "summary_optimality_gap": "optimality gap",
    "summary_binding": "binding",
    "summary_note": "note",
    "summary_not_selected": "not selected: {reason}",
    "summary_reason.already_digital": "already digital",
    "summary_reason.missing_uplift": "no uplift score",
    "summary_reason.not_beneficial": "not beneficial",
    "summary_reason.below_rank_cutoff": "below the cutoff",
    "summary_reason.province_quota_full": "province quota full",
    "summary_reason.min_share_reserved": "slot reserved for a minimum share",
    "summary_reason.over_budget": "over budget",
    "summary_reason.not_drawn": "not drawn",
    "summary_figure": "figure",
    "summary_value": "value",
    "summary_evidence": "weak evidence",
    # --- umkm prioritize: what it says around the table ------------------------------------------
    "prioritize_scoring": "Scoring",
    "prioritize_rows": "{path}: {read} rows read, {valid} valid, {rejected} rejected",
    "prioritize_stale_quarantine_removed": (
        "no rows rejected: removed an earlier run's rejected rows: {path}"
    ),
    "prioritize_quarantine": "rejected rows and reasons: {path}",
    "prioritize_recomputed": "input columns recomputed, not kept: {columns}",
    "prioritize_list": "list: {path}",
    "prioritize_not_selected": "not selected, with reasons: {path}",
    "prioritize_not_selected_sheet": "not selected, with reasons: sheet not_selected of {path}",
    "prioritize_infeasible": "the constraints cannot all hold:",
    "prioritize_not_contract": "the file does not follow the profile contract: {problems}",
    "prioritize_too_many_for_sheet": (
        "{count} MSMEs are not selected, more than a worksheet holds; write .csv or .parquet"
    ),
    # umkm prioritize: its options as typed, refused by item number, never repeated
    "prioritize_quota_form": "{option}: item {position} is not like 31=40 (province code=slots)",
    "prioritize_quota_not_whole": (
        "{option}: the quota of item {position} must be a whole number of slots"
    ),
    "prioritize_quota_twice": (
        "{option}: item {position} names the same province as item {first}; give each once"
    ),
    "prioritize_quota_file_unreadable": "{option}: the JSON file cannot be read",
    "prioritize_quota_file_too_large": (
        "{option}: {path} holds more than {limit} bytes (1 MB), the most a quotas file may hold"
    ),
    "prioritize_quota_file_invalid": (
        "{option}: the file is not valid JSON (line {line}, column {column})"
    ),
    "prioritize_quota_file_not_object": (
        "{option}: the file must hold one JSON object of province codes and slots"
    ),
    "prioritize_share_form": (
        "{option}: item {position} is not like owner_gender=female:0.5 (column=value:share)"
    ),
    "prioritize_share_column": (
        "{option}: item {position} names a column a share cannot use; use one of {allowed}"
    ),
    "prioritize_share_not_number": (
        "{option}: the share of item {position} must be a number like 0.5 or 50%"
    ),
    "prioritize_cost_column_missing": (
        "header: a budget needs a cost per MSME, but the file has no column {column} (name it "
        "with {option})"
    ),
    # umkm prioritize: a row's cost, in the quarantine file (after "column <cost column>: value")
    "prioritize_cost_missing": "is missing (a budget needs it)",
    "prioritize_cost_invalid": "is not a number >= 0",
    # --- allocation: constraints that shaped the list, notes on it -------------------------------
    "binding_capacity": (
        "Capacity: all {used} slots filled while {waiting} other eligible MSMEs wait"
    ),
    "binding_capacity_one": (
        "Capacity: the {used} slot is filled while {waiting} other eligible MSMEs wait"
    ),
    "binding_capacity_single": (
        "Capacity: all {used} slots filled while {waiting} other eligible MSME waits"
    ),
    "binding_capacity_single_one": (
        "Capacity: the {used} slot is filled while {waiting} other eligible MSME waits"
    ),
    "binding_quota": (
        "Limit for {province}: {used} of {limit} slots used (without it: {unconstrained})"
    ),
    "binding_quota_one": (
        "Limit for {province}: {used} of {limit} slot used (without it: {unconstrained})"
    ),
    "binding_min_share": (
        "Minimum share {value} ({fraction}): {used} of {slots} slots, exactly the minimum "
        "(without it: {unconstrained})"
    ),
    "binding_min_share_one": (
        "Minimum share {value} ({fraction}): {used} of {slots} slot, exactly the minimum "
        "(without it: {unconstrained})"
    ),
    "binding_min_share_explored": (
        "Minimum share {value} ({fraction}): {used} of the model's {model_slots} picks, exactly "
        "the minimum for {slots} slots (without it: {unconstrained}); {drawn} more drawn at random"
    ),
    "binding_min_share_explored_one": (
        "Minimum share {value} ({fraction}): {used} of the model's {model_slots} pick, exactly "
        "the minimum for {slots} slots (without it: {unconstrained}); {drawn} more drawn at random"
    ),
    "binding_budget": "Budget: Rp {spent} of Rp {budget} spent (without the budget: Rp {cost})",
    "note_shortfall": (
        "Only {eligible} eligible MSMEs for {capacity} slots: all of them are on the list and "
        "{free} slots stay free."
    ),
    "note_shortfall_one": (
        "Only {eligible} eligible MSMEs for {capacity} slots: all of them are on the list and "
        "{free} slot stays free."
    ),
    "note_shortfall_single": (
        "Only {eligible} eligible MSME for {capacity} slots: it is on the list and {free} slots "
        "stay free."
    ),
    "note_shortfall_single_one": (
        "Only {eligible} eligible MSME for {capacity} slots: it is on the list and {free} slot "
        "stays free."
    ),
    "note_shortfall_none": "No eligible MSMEs for {capacity} slots: every slot stays free.",
    "note_shortfall_none_one": "No eligible MSME for {capacity} slot: the slot stays free.",
    "note_not_beneficial": (
        "{count} MSMEs on the list have uplift <= 0 (mentoring is not expected to help them); "
        "set {option} to leave those slots free"
    ),
    "note_not_beneficial_one": (
        "{count} MSME on the list has uplift <= 0 (mentoring is not expected to help it); "
        "set {option} to leave that slot free"
    ),
    "note_time_limit": (
        "the solver stopped at its time limit: the list is within {gap} of the best possible "
        "total uplift"
    ),
    "note_exploration_none": (
        "the share of slots drawn at random, {fraction} of {slots} slots, rounds to 0: no slot "
        "was drawn"
    ),
    "note_exploration_none_one": (
        "the share of slots drawn at random, {fraction} of {slots} slot, rounds to 0: no slot "
        "was drawn"
    ),
    "note_exploration_short": (
        "random draw: too few eligible MSMEs fit the quotas and budget for a draw, so all that "
        "fit are on the list with chance 1 (random slots: {asked}, filled: {pool}, left free: "
        "{free}; draw number {seed})"
    ),
    "note_exploration": (
        "random draw: {asked} of the slots went at random to {asked} of {pool} eligible MSMEs the "
        "model did not pick, each with chance {asked}/{pool} (draw number {seed})"
    ),
    # --- allocation: candidates that cannot be ranked --------------------------------------------
    "missing_column": "candidates lack column {column}",
    "missing_value": "column {column}: missing (rows {rows}; {more} more)",
    "duplicate_ids": "column {column}: duplicate identifiers ({ids})",
    "not_a_number": "column {column}: not a number (rows {rows}; {more} more)",
    "not_finite": "column {column}: not a finite number (rows {rows}; {more} more)",
    "bad_cost": (
        "column {column}: must be a number >= 0 when a budget is set (rows {rows}; {more} more)"
    ),
    "missing_province": (
        "column {column}: missing, so no quota can apply (rows {rows}; {more} more)"
    ),
    "unknown_island": (
        "column {column}: unknown province, so no island group (rows {rows}; {more} more)"
    ),
    # --- allocation: the solver ------------------------------------------------------------------
    "lp_failed": "the solver could not solve the LP relaxation",
    "lp_time_limit": "the LP relaxation took longer than the time limit",
    "milp_time_limit": "no list within {seconds} s; raise {option}",
    "milp_failed": "the solver found no list in time",
    # --- allocation: why an MSME is not on the list ----------------------------------------------
    "already_digital": "already digital: belongs to the stimulus group, not to mentoring",
    "missing_uplift": "no uplift score, so the MSME cannot be ranked",
    "not_beneficial": "uplift {uplift} is zero or negative: mentoring is not expected to help",
    "below_rank_cutoff": "uplift {uplift} below the lowest uplift the model picked ({cutoff})",
    "below_rank_cutoff_tied": (
        "uplift {uplift}, equal to the lowest uplift the model picked: the slots ran out among "
        "MSMEs with the same uplift"
    ),
    "province_quota_full": "{province} reached its quota of {quota} slots",
    "province_quota_full_one": "{province} reached its quota of {quota} slot",
    "min_share_reserved": "slots went to MSMEs needed to meet the minimum share {shares}",
    "min_share_reserved_many": "slots went to MSMEs needed to meet the minimum shares {shares}",
    "min_share_reserved.shares": "{value} ({fraction})",
    "over_budget": "its cost does not fit in the budget (Rp {leftover} left)",
    "over_budget_with_constraints": (
        "the budget, together with the other constraints, left no slot for it (Rp {leftover} left)"
    ),
    "not_drawn": "could have been drawn for a random slot, but was not ({drawn} of {pool} drawn)",
    # --- service: reasons per MSME ----------------------------------------------------------------
    "reason_above_average": "{factor}: expected gain from mentoring above average",
    "reason_below_average": "{factor}: expected gain from mentoring below average",
    "factor.area_type.urban": "Urban location",
    "factor.area_type.rural": "Rural location",
    "factor.sector.food_beverage": "Food and beverage business",
    "factor.sector.retail_trade": "Retail trade business",
    "factor.sector.fashion_textile": "Fashion and textile business",
    "factor.sector.craft": "Craft business",
    "factor.sector.agri_processing": "Agricultural processing business",
    "factor.sector.services": "Services business",
    "factor.sector.other_manufacturing": "Other manufacturing business",
    "factor.owner_gender.female": "Woman-owned business",
    "factor.owner_gender.male": "Man-owned business",
    "factor.owner_education.primary_or_less": "Owner has primary schooling or less",
    "factor.owner_education.junior_secondary": "Owner finished junior secondary school",
    "factor.owner_education.senior_secondary": "Owner finished senior secondary school",
    "factor.owner_education.diploma": "Owner holds a diploma",
    "factor.owner_education.bachelor_or_higher": "Owner holds a bachelor's degree or higher",
    "factor.internet_access.none": "No internet access",
    "factor.internet_access.weak": "Weak internet access",
    "factor.internet_access.good": "Good internet access",
    "factor.digital_status.offline": "Not yet selling online",
    "factor.digital_status.digital": "Already selling online",
    "factor.has_smartphone.true": "Has a smartphone",
    "factor.has_smartphone.false": "No smartphone",
    "factor.has_bank_account.true": "Has a bank account",
    "factor.has_bank_account.false": "No bank account",
    "factor.has_business_id.true": "Has a business ID (NIB)",
    "factor.has_business_id.false": "No business ID (NIB)",
    "factor.prior_digital_training.true": "Had digital-skills training before",
    "factor.prior_digital_training.false": "No digital-skills training before",
    "factor.business_age_years": "Business {years} years old",
    "factor.business_age_years.under_a_year": "Business under a year old",
    "factor.workers": "Business with {count} workers",
    "factor.workers.alone": "Owner works alone",
    "factor.monthly_revenue_idr": "Monthly revenue Rp{amount}",
    "factor.monthly_revenue_idr.million": "Monthly revenue Rp{amount} million",
    "factor.monthly_revenue_idr.billion": "Monthly revenue Rp{amount} billion",
    "factor.monthly_revenue_idr.trillion": "Monthly revenue Rp{amount} trillion",
    "factor.owner_age": "Owner aged {age}",
    "factor.province_code": "Located in {province}",
    "factor.island_group": "Located in {island}",
    "factor.business_age_years.unknown": "Business age unknown",
    "factor.monthly_revenue_idr.unknown": "Monthly revenue unknown",
    "factor.workers.unknown": "Number of workers unknown",
    "factor.owner_age.unknown": "Owner's age unknown",
    "factor.province_code.unknown": "Province unknown",
    "factor.island_group.unknown": "Island group unknown",
    "factor.other": "{feature}: {value}",
    "weak_evidence": (
        "This model was trained on weak evidence: its ranking is not shown to be better than "
        "chance ({events_treated} outcome events among mentored and {events_control} among not "
        "mentored MSMEs in training). Keep a share of slots for random allocation, or allocate "
        "at random until the history is larger."
    ),
    "infeasible_constraints": "The constraints cannot all hold; nothing was listed.",
    "invalid_candidates": "The candidates cannot be ranked.",
    "solver_time_limit": "The solver found no list within the time limit; nothing was listed.",
    # --- service.web.repeats: the same file and settings issued again within a day (409) -----
    "list_already_issued": (
        "This file with the same settings was already issued as list number {list_number} on "
        "{date} at {time} WIB by {issuer}; no second list was recorded. To issue another list "
        "anyway, send it again with repeat=true."
    ),
    "list_issuer_page": "the web page (no API key)",
    # --- service.list_settings: a list's settings in a few words (the lists issued) -----------
    "settings.capacity": "{capacity} slots",
    "settings.capacity_one": "{capacity} slot",
    "settings.exploration": "random draw {fraction}",
    "settings.no_exploration": "no random draw",
    "settings.quotas": "limits in {count} provinces",
    "settings.quotas_one": "a limit in {count} province",
    "settings.budget": "budget Rp {rupiah}",
    "settings.min_share": "at least {fraction} {value}",
    "settings.digital_included": "already-digital MSMEs included",
    "settings.only_beneficial": "only MSMEs who gain",
    # --- service.web.export_summary: when a list was made, on a download's summary sheet (WIB)
    "export_made": "{date}, {time} WIB",
}
