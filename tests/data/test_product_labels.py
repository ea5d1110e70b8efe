"""Every header and value label the product writes (the page and its downloads, the template,
the messages; in Bahasa and English) reads back as the contract column and code it stands for,
so a download can be uploaded again as the next round's candidates."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from data.aliases import contract_headers
from data.contract import PROFILE_COLUMNS, ColumnSpec, bahasa_label, contract_name
from data.io import read_table_info
from data.messages import Language
from data.reference import allowed_values, province_name_by_code, value_label
from data.template import header_for
from data.validation import validate_frame
from tests.data.conftest import profile_rows

# The page's catalogs (`col.<column>` headers, `value.<code>` labels of its table and downloads),
# read as files: data code never imports the service.
PAGE_CATALOGS = Path(__file__).parents[2] / "service" / "web" / "i18n"
LANGUAGES: tuple[Language, ...] = ("id", "en")
CATEGORIES = [spec for spec in PROFILE_COLUMNS if spec.kind == "category"]


def page_catalog(language: Language) -> dict[str, str]:
    loaded: dict[str, str] = json.loads(
        (PAGE_CATALOGS / f"{language}.json").read_text(encoding="utf-8")
    )
    return loaded


def written_headers(spec: ColumnSpec, language: Language) -> set[str]:
    """The headers the product writes for a column: the page's downloads and the template."""
    page = page_catalog(language).get(f"col.{spec.name}")
    return {header_for(spec, language), *([page] if page else [])}


def written_labels(spec: ColumnSpec, code: str, language: Language) -> set[str]:
    """The labels the product writes for a value: the page and its downloads, the template's
    drop-downs and the messages (`value_label`), the contract's Bahasa label."""
    page = page_catalog(language).get(f"value.{code}")
    labels = {value_label(spec.name, code, language), bahasa_label(spec, code)}
    if spec.name == "province_code":
        labels.add(province_name_by_code()[code])
    return labels | ({page} if page else set())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_header_the_product_writes_reads_as_its_column(language: Language) -> None:
    for spec in PROFILE_COLUMNS:
        for header in written_headers(spec, language):
            assert contract_name(header) == spec.name, (language, header)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_value_label_the_product_writes_reads_back(
    tmp_path: Path, language: Language, suffix: str
) -> None:
    written = [
        (spec.name, code, label)
        for spec in CATEGORIES
        for code in allowed_values(spec.name)
        for label in sorted(written_labels(spec, code, language))
    ]
    frame = profile_rows(len(written))
    for row, (name, _, label) in enumerate(written):
        frame.loc[row, name] = label
    page = page_catalog(language)
    frame.columns = pd.Index(
        [page.get(f"col.{name}", name) for name in frame.columns], dtype=object
    )
    path = tmp_path / f"download{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False, sep=";")
    else:
        frame.to_excel(path, index=False)

    read = read_table_info(path, duplicate_columns="keep")
    result = validate_frame(read.frame, "profile", source=read.info)

    assert result.ok, [str(problem) for problem in result.problems[:5]]
    read_back = [str(result.valid[name].iloc[row]) for row, (name, _, _) in enumerate(written)]
    assert read_back == [code for _, code, _ in written]


# --- a province code column beside a province name column ---------------------------------------


@pytest.mark.parametrize(
    ("code_header", "name_header"),
    [("Kode provinsi", "Provinsi"), ("Province code", "Province"), ("province_code", "provinsi")],
)
def test_beside_a_code_column_a_province_name_column_is_an_extra(
    code_header: str, name_header: str
) -> None:
    frame = profile_rows(4).rename(columns={"province_code": code_header})
    frame.insert(2, name_header, [province_name_by_code()[code] for code in frame[code_header]])

    result = validate_frame(frame, "profile")

    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["province_code"].tolist() == ["11", "12", "13", "14"]
    names = ["Aceh", "Sumatera Utara", "Sumatera Barat", "Riau"]
    assert result.valid[name_header].tolist() == names
    assert name_header not in contract_headers(list(frame.columns))


def test_a_province_name_column_alone_is_the_province() -> None:
    frame = profile_rows(2).rename(columns={"province_code": "Provinsi"})
    frame["Provinsi"] = ["Jawa Barat", "DI Yogyakarta"]

    result = validate_frame(frame, "profile")

    assert result.ok, [str(problem) for problem in result.problems]
    assert result.valid["province_code"].tolist() == ["32", "34"]
    assert contract_headers(["Provinsi", "Nama usaha"]) == {"Provinsi": "province_code"}


def test_the_pages_own_download_reads_back_as_candidates(tmp_path: Path) -> None:
    header = (
        "ID UMKM;Kode provinsi;Provinsi;Sektor;Jenis kelamin pemilik;Segmen;Nama Usaha;"
        "Tipe wilayah;Lama usaha (tahun);Jumlah tenaga kerja;Omzet bulanan (Rp);Usia pemilik;"
        "Pendidikan terakhir pemilik;Punya ponsel pintar;Punya rekening bank;Punya NIB;"
        "Pernah ikut pelatihan digital;Akses internet;Status digital"
    )
    rows = [
        "C1;35;Jawa Timur;Fesyen & tekstil;Perempuan;Terbantu pendampingan;Warung 1;Perkotaan;"
        "5,4;1;6666000;37;S1 atau lebih tinggi;Ya;Tidak;Ya;Tidak;Baik;Belum digital",
        "C2;33;Jawa Tengah;Makanan & minuman;Laki-laki;Terbantu pendampingan;Warung 2;Perdesaan;"
        "6,2;1;409000;52;Diploma;Ya;Tidak;Ya;Tidak;Lemah;Belum digital",
    ]
    path = tmp_path / "daftar-pendampingan-tidak-terpilih.csv"
    path.write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")

    read = read_table_info(path, duplicate_columns="keep")
    result = validate_frame(read.frame, "profile", source=read.info)

    assert result.ok, [str(problem) for problem in result.problems]
    valid = result.valid
    assert valid["province_code"].tolist() == ["35", "33"]
    assert valid["Provinsi"].tolist() == ["Jawa Timur", "Jawa Tengah"]
    assert valid["sector"].tolist() == ["fashion_textile", "food_beverage"]
    assert valid["owner_education"].tolist() == ["bachelor_or_higher", "diploma"]
