"""Provinces as people write them: official names, former names and common abbreviations
(`reference/province_aliases.csv`) read as their code."""

from __future__ import annotations

import pandas as pd
import pytest

from data.aliases import closest_code
from data.contract import header_key
from data.reference import province_aliases, province_codes, province_name_by_code, value_codes
from data.validation import validate_frame
from tests.data.conftest import profile_rows

WRITTEN = {
    "Daerah Istimewa Yogyakarta": "34",
    "D.I. Yogyakarta": "34",
    "DIY": "34",
    "Daerah Khusus Jakarta": "31",
    "DKI Jakarta": "31",
    "Jakarta": "31",
    "Nanggroe Aceh Darussalam": "11",
    "Sumut": "12",
    "Sumbar": "13",
    "Sumsel": "16",
    "Babel": "19",
    "Kepri": "21",
    "Jabar": "32",
    "Jateng": "33",
    "Jatim": "35",
    "NTB": "52",
    "NTT": "53",
    "Kalbar": "61",
    "Kalteng": "62",
    "Kalsel": "63",
    "Kaltim": "64",
    "Kaltara": "65",
    "Sulut": "71",
    "Sulteng": "72",
    "Sulsel": "73",
    "Sultra": "74",
    "Sulbar": "76",
}


def test_the_alias_list_names_known_provinces_and_no_other_provinces_name() -> None:
    names = {header_key(name): code for code, name in province_name_by_code().items()}
    for alias, code in province_aliases().items():
        assert code in province_codes(), alias
        assert names.get(header_key(alias), code) == code, alias
    assert len({header_key(alias) for alias in province_aliases()}) == len(province_aliases())


@pytest.mark.parametrize(("written", "code"), WRITTEN.items())
def test_official_and_common_province_names_read_as_their_code(written: str, code: str) -> None:
    assert value_codes("province_code")[header_key(written)] == code


def test_a_file_of_aliases_validates_to_codes() -> None:
    frame = profile_rows(len(WRITTEN))
    frame["province_code"] = [f" {text.lower()} " for text in WRITTEN]

    result = validate_frame(frame, "profile")

    assert result.ok, [str(problem) for problem in result.problems[:5]]
    assert result.valid["province_code"].tolist() == list(WRITTEN.values())


def test_a_misspelt_alias_is_told_the_province() -> None:
    assert closest_code("province_code", "Daerah Istimewa Yogyakrta") == "34"
    frame = profile_rows(1)
    frame["province_code"] = pd.Series(["Jawa Barrat"], dtype=object)

    problem = validate_frame(frame, "profile").problems[0]

    assert (problem.code, problem.params["province"]) == ("value_not_province_suggestion", "32")
