"""The page's repeat guard on the server: a list issued from the same file and settings within a
day, by anyone on any device, is named instead of a second list being recorded unasked.

What is compared is `issue_digest`: the SHA-256 of the file's bytes and of its settings in a
canonical form without the draw's seed (the same file and settings are a repeat whatever the
draw). No HTTP here.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from data.messages import WIB, Language, render
from data.store.records import EarlierList
from data.store.repository import ProgramStore
from data.store.schema import utc_now
from service.program import list_number
from service.schemas import ErrorResponse
from service.web.issued import page_exploration_share
from service.web.schemas import UploadOptions

# How long an issued list makes the same file and settings a repeat (as an Idempotency-Key).
REPEAT_WINDOW = timedelta(hours=24)
LIST_ALREADY_ISSUED = "list_already_issued"
# Who issued a list on the page when the API is open (no key names it).
PAGE_ISSUER = "page"
# The codes this module words (code -> parameters), for the catalog test.
REPEAT_CODES: dict[str, tuple[str, ...]] = {
    LIST_ALREADY_ISSUED: ("list_number", "date", "time", "issuer"),
    "list_issuer_page": (),
}


class IssuedBefore(BaseModel):
    """The list issued before from the same file and settings."""

    list_id: str
    list_number: str = Field(description="Its number as the page shows it (the id's start).")
    created_at: datetime
    created_by: str = Field(description="Who issued it: the API key's name, or `page`.")


class ListAlreadyIssuedResponse(ErrorResponse):
    """A 409: `list_already_issued` (with `issued_before`), or `request_in_progress`."""

    issued_before: IssuedBefore | None = Field(
        default=None,
        description="With `list_already_issued`: the list issued within the last 24 hours from "
        "the same file and settings (send `repeat=true` to issue another anyway).",
    )


def canonical_options(options: UploadOptions) -> str:
    """The settings as compared: every option with its default filled in, the page's share drawn
    at random as it applies, minimum shares in a fixed order, without the draw's seed and the
    solver's time limit (neither changes which list the settings ask for)."""
    values = options.model_dump(mode="json", exclude={"exploration_seed", "time_limit_seconds"})
    values["exploration_share"] = page_exploration_share(options)
    values["min_share"] = sorted(
        values.get("min_share") or [], key=lambda item: json.dumps(item, sort_keys=True)
    )
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def issue_digest(file_digest: str, options: UploadOptions) -> str:
    """What identifies an issued list's source: the SHA-256 (hex) of the file's bytes and its
    settings (`canonical_options`), hashed together (hex, 64 characters)."""
    text = f"{file_digest}\0{canonical_options(options)}"
    return hashlib.sha256(text.encode()).hexdigest()


def issued_before(
    store: ProgramStore, digest: str, language: Language, now: datetime | None = None
) -> ListAlreadyIssuedResponse | None:
    """The refusal naming the list issued from `digest` within `REPEAT_WINDOW` of `now` (number,
    when in WIB, by whom), or None when there is none."""
    earlier = store.issued_from(digest, (now or utc_now()) - REPEAT_WINDOW)
    return None if earlier is None else already_issued(earlier, language)


def already_issued(earlier: EarlierList, language: Language) -> ListAlreadyIssuedResponse:
    """The refusal of a repeat, naming the earlier list in `language`."""
    when = earlier.created_at.astimezone(WIB)  # as the list's download states it
    issuer = earlier.created_by
    params = {
        "list_number": list_number(earlier.id),
        "date": when.date(),
        "time": when.time(),  # 14.05 in Bahasa, 14:05 in English
        "issuer": render("list_issuer_page", {}, language) if issuer == PAGE_ISSUER else issuer,
    }
    return ListAlreadyIssuedResponse(
        error=LIST_ALREADY_ISSUED,
        message=render(LIST_ALREADY_ISSUED, params, language),
        issued_before=IssuedBefore(
            list_id=earlier.id,
            list_number=list_number(earlier.id),
            created_at=earlier.created_at,
            created_by=issuer,
        ),
    )
