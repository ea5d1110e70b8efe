"""A recorded list's settings in a few words (`300 slot · undian acak 10% · batas 3 provinsi ·
anggaran Rp 50.000.000 · porsi minimum perempuan 50%`), in the reader's language, for the lists
issued to tell apart lists made from the same file with other settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data.messages import Language, render

SEPARATOR = " · "
# The codes a summary is worded from (code -> parameters), for the catalog test.
SETTINGS_CODES: dict[str, tuple[str, ...]] = {
    "settings.capacity": ("capacity",),
    "settings.capacity_one": ("capacity",),
    "settings.exploration": ("fraction",),
    "settings.no_exploration": (),
    "settings.quotas": ("count",),
    "settings.quotas_one": ("count",),
    "settings.budget": ("rupiah",),
    "settings.min_share": ("column", "value", "fraction"),
    "settings.digital_included": (),
    "settings.only_beneficial": (),
}


def settings_summary(
    options: Mapping[str, Any], constraints: Mapping[str, Any], language: Language
) -> str:
    """The settings a list was issued with, as recorded, in `language`: its slots, its share
    drawn at random, how many provinces have a limit, its budget, each minimum share, and the
    choices that differ from the defaults (already-digital MSMEs kept, only those who gain)."""
    parts: list[str] = []
    capacity = options.get("capacity")
    if isinstance(capacity, int) and not isinstance(capacity, bool):
        one = "_one" if capacity == 1 else ""
        parts.append(render(f"settings.capacity{one}", {"capacity": capacity}, language))
    share = options.get("exploration_share")
    if isinstance(share, int | float) and share > 0:
        parts.append(render("settings.exploration", {"fraction": float(share)}, language))
    elif share is not None:
        parts.append(render("settings.no_exploration", {}, language))
    quotas = constraints.get("quotas") or {}
    if quotas:
        one = "_one" if len(quotas) == 1 else ""
        parts.append(render(f"settings.quotas{one}", {"count": len(quotas)}, language))
    budget = constraints.get("budget")
    if isinstance(budget, int | float):
        parts.append(render("settings.budget", {"rupiah": budget}, language))
    for item in constraints.get("min_share") or []:
        share_of = {"column": item.get("column"), "value": item.get("value")}
        params = share_of | {"fraction": item.get("share")}
        parts.append(render("settings.min_share", params, language))
    if options.get("exclude_digital") is False:
        parts.append(render("settings.digital_included", {}, language))
    if options.get("only_beneficial") is True:
        parts.append(render("settings.only_beneficial", {}, language))
    return SEPARATOR.join(parts)
