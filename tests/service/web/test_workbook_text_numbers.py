"""An Excel upload whose numbers are real number cells, with some cells typed as text the
Indonesian way (`Rp 1.250.000` costs, `Rp 7.000.000` revenue, `2,5` years): read as the same
values in a CSV are, not refused as written the English way."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook

from tests.service.support import AUTH, TestClient

UPLOAD = "/v1/prioritize/upload"
COST = "Biaya pendampingan"
ROWS = 60


def _xlsx(frame: pd.DataFrame, costs: list[object], text: dict[tuple[int, str], str]) -> bytes:
    """The frame as Excel stores it (numbers as number cells), a cost column cycling through
    `costs`, and `text` cells ((position, column) -> text) typed over the numbers."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([*frame.columns, COST])
    for position, record in enumerate(frame.to_dict("records")):
        cells: list[object] = [
            text.get((position, str(name)), None if pd.isna(value) else value)
            for name, value in record.items()
        ]
        sheet.append([*cells, costs[position % len(costs)]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client: TestClient, content: bytes, options: dict[str, Any]) -> Any:
    return client.post(
        UPLOAD,
        files={"file": ("usulan.xlsx", content)},
        data={"options": json.dumps(options)},
        headers=AUTH | {"Accept-Language": "id"},
    )


@pytest.mark.parametrize(
    ("cost", "expected"),
    [("Rp 1.250.000", 1_250_000), ("1.250.000", 1_250_000), ("1.250.000,75", 1_250_000.75)],
)
def test_text_costs_written_the_indonesian_way_are_read_in_a_workbook(
    client: TestClient, candidate_frame: pd.DataFrame, cost: str, expected: float
) -> None:
    frame = candidate_frame.head(ROWS)
    assert (frame["business_age_years"] % 1 > 0).any()  # number cells such as 3.5
    options = {"capacity": "10", "cost_column": COST, "budget": "50.000.000"}

    response = _upload(client, _xlsx(frame, [cost, 2_000_000], {}), options)

    assert response.status_code == 200, response.text[:1000]
    body = response.json()
    items = body["selected"] + body["not_selected"]
    assert len(items) == ROWS
    costs = sorted({item["input"][COST] for item in items})
    assert costs == pytest.approx(sorted([expected, 2_000_000]))


def test_text_revenue_and_age_beside_number_cells_are_read(
    client: TestClient, candidate_frame: pd.DataFrame
) -> None:
    frame = candidate_frame.head(ROWS)
    text = {(0, "monthly_revenue_idr"): "Rp 7.000.000", (1, "business_age_years"): "2,5"}

    response = _upload(client, _xlsx(frame, [1_000_000], text), {"capacity": "10"})

    assert response.status_code == 200, response.text[:1000]
    body = response.json()
    by_row = {item["row"]: item["input"] for item in body["selected"] + body["not_selected"]}
    assert by_row[2]["monthly_revenue_idr"] == 7_000_000
    assert by_row[3]["business_age_years"] == 2.5
    source = body["source"]
    assert (source["decimal"], source["thousands"]) == (",", ".")
