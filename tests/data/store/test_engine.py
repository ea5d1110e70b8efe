"""The program store's URL: a driver it runs on, or one line that never echoes the URL."""

from __future__ import annotations

import pytest

from data.store.engine import POSTGRESQL, store_url
from data.store.errors import StoreError

SECRET = "S3cret-Hunter2"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("notaurl", "is not a database URL"),
        (f"postgresql+psycopg://ops:{SECRET}@h:5x432/db", "is not a database URL"),
        (f"mysql://ops:{SECRET}@h/db", "names mysql: the program store runs on SQLite"),
        (f"postgresql+psycopg2://ops:{SECRET}@h/db", "names postgresql+psycopg2"),
        (f"postgresql+psycopg://ops:Pg@{SECRET}@127.0.0.1:5432/db", "write @ as %40"),
    ],
    ids=["not-a-url", "port", "mysql", "psycopg2", "unencoded-at"],
)
def test_a_url_the_store_cannot_use_is_one_line_without_the_password(url: str, words: str) -> None:
    with pytest.raises(StoreError) as refused:
        store_url(url)
    assert words in str(refused.value)
    assert SECRET not in str(refused.value) and "Hunter" not in str(refused.value)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgresql_urls_as_hosting_panels_write_them_use_psycopg(scheme: str) -> None:
    parsed = store_url(f"{scheme}://ops:pass%40word@db.example:5432/umkm")
    assert parsed.drivername == POSTGRESQL
    assert (parsed.host, parsed.port, parsed.password) == ("db.example", 5432, "pass@word")


def test_sqlite_urls_pass_as_they_are() -> None:
    assert store_url("sqlite:///umkm.db").database == "umkm.db"
