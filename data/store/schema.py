"""Tables of the program store (SQLAlchemy 2 typed ORM); Alembic migrations create them.

Any change here needs a new revision in `migrations/versions/` (the migration test compares them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ID_LENGTH = 36  # a UUID as text
MSME_ID_LENGTH = 128
NAME_LENGTH = 200
TEXT_LENGTH = 500
IDEMPOTENCY_KEY_LENGTH = 255  # as Stripe's; the IETF draft sets no bound

# Constraint names are fixed, so migrations (and SQLite's batch mode) can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back as an aware UTC datetime, on SQLite too (which
    keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be aware (UTC); got a naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UtcDateTime}


class IssuedList(Base):
    """A mentoring list as issued: who asked, which model, with which options."""

    __tablename__ = "issued_lists"
    __table_args__ = (
        CheckConstraint(
            "exploration_share >= 0 AND exploration_share <= 1", name="exploration_share_range"
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(String(NAME_LENGTH))  # API key's name, "page", "cli"
    model_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    model_version: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    options: Mapped[dict[str, Any]]
    constraints: Mapped[dict[str, Any]]
    source_file: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    exploration_share: Mapped[float] = mapped_column(Float)
    # The candidates' columns in the order they came, so a reopened list shows them so (0003).
    input_columns: Mapped[list[str] | None] = mapped_column(JSON)
    # The figures the left-out MSMEs' reasons name (cutoff, budget left, minimum shares that
    # bound, exploration's draw), so a reopened list words them as the fresh one did (0004).
    reason_figures: Mapped[dict[str, Any] | None]
    # The binding constraints and the notes as codes and parameters, so a reopened list says
    # what shaped it in either language (0005).
    explanation: Mapped[dict[str, Any] | None]
    # SHA-256 (hex) of the page's file and its settings but the draw's seed, so the same file
    # issued again with the same settings is known as a repeat, from any device (0008).
    source_digest: Mapped[str | None] = mapped_column(String(64), index=True, default=None)

    members: Mapped[list[ListedMsme]] = relationship(
        back_populates="issued_list", cascade="all, delete-orphan", passive_deletes=True
    )


class ListSource(Base):
    """The latest list issued from a file and its settings (0009): one row per
    `issued_lists.source_digest`, claimed in the transaction that records the list, so that of
    two uploads of the same file at the same moment only one is recorded (the database's key
    decides, on SQLite and PostgreSQL alike)."""

    __tablename__ = "list_sources"

    source_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("issued_lists.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime]


class RequestClaim(Base):
    """A request sent with an `Idempotency-Key` (0006: `POST /v1/lists`, the page's list upload,
    `POST /v1/outcomes`): which key, a digest of its body, and once it is answered, when, the
    answer (gzip JSON) and its language, and the list it issued; so the same request sent again
    is answered the same without being carried out twice. Kept for a day."""

    __tablename__ = "request_claims"

    key_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)  # API key's name
    idempotency_key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH), primary_key=True)
    request_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the body, hex
    claimed_at: Mapped[datetime] = mapped_column(index=True)
    # Null while the request is being carried out.
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    # The list a list request issued; null for outcomes.
    list_id: Mapped[str | None] = mapped_column(
        ForeignKey("issued_lists.id", ondelete="CASCADE"), default=None
    )
    reply: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The language the answer is worded in (`id`, `en`), for a retry to say so; None: not kept.
    reply_language: Mapped[str | None] = mapped_column(String(8), default=None)


class ListedMsme(Base):
    """One candidate of an issued list, with its profile and scores as they were then."""

    __tablename__ = "listed_msmes"
    __table_args__ = (
        CheckConstraint(
            "selection_probability >= 0 AND selection_probability <= 1",
            name="selection_probability_range",
        ),
        CheckConstraint(
            "selected_by IS NULL OR selected_by IN ('model', 'exploration')",
            name="selected_by_values",
        ),
        CheckConstraint(
            "(selected AND selected_by IS NOT NULL) OR (NOT selected AND selected_by IS NULL)",
            name="selected_has_selected_by",
        ),
    )

    # The primary key makes (list_id, msme_id) unique: an MSME appears once per list.
    list_id: Mapped[str] = mapped_column(
        ForeignKey("issued_lists.id", ondelete="CASCADE"), primary_key=True
    )
    msme_id: Mapped[str] = mapped_column(String(MSME_ID_LENGTH), primary_key=True)
    profile: Mapped[dict[str, Any]]
    rank: Mapped[int | None] = mapped_column(Integer)
    p_if_mentored: Mapped[float | None] = mapped_column(Float)
    p_if_not: Mapped[float | None] = mapped_column(Float)
    uplift: Mapped[float | None] = mapped_column(Float)
    segment: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    selected: Mapped[bool] = mapped_column(Boolean)
    selected_by: Mapped[str | None] = mapped_column(String(16))
    selection_probability: Mapped[float] = mapped_column(Float)
    reason_code: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    # The candidate's own columns beside its profile (business name, phone, notes), 0003.
    extra: Mapped[dict[str, Any] | None]
    # The candidate's row in the uploaded spreadsheet (header = 1), for lists made from a file;
    # the catalogue code that words its reason when it is a variant of `reason_code` (0004).
    source_row: Mapped[int | None] = mapped_column(Integer)
    reason_wording: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    # A selected MSME's top factors as the page showed them, language-free: [feature, value,
    # contribution] each, reworded when the list is reopened (0007); None: not kept.
    factors: Mapped[list[Any] | None] = mapped_column(JSON)

    issued_list: Mapped[IssuedList] = relationship(back_populates="members")


class _OutcomeFields:
    """Columns an outcome and each of its earlier versions share."""

    mentored: Mapped[bool] = mapped_column(Boolean)
    digitalized: Mapped[bool] = mapped_column(Boolean)
    mentored_on: Mapped[date | None] = mapped_column(Date)
    observed_on: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    program: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH))


class Outcome(_OutcomeFields, Base):
    """The current outcome of one listed MSME; earlier versions are in `outcome_history`."""

    __tablename__ = "outcomes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["list_id", "msme_id"],
            ["listed_msmes.list_id", "listed_msmes.msme_id"],
            ondelete="CASCADE",
        ),
    )

    list_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    msme_id: Mapped[str] = mapped_column(String(MSME_ID_LENGTH), primary_key=True)


class OutcomeVersion(_OutcomeFields, Base):
    """An outcome as it was before a change replaced it."""

    __tablename__ = "outcome_history"
    __table_args__ = (
        ForeignKeyConstraint(
            ["list_id", "msme_id"],
            ["listed_msmes.list_id", "listed_msmes.msme_id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    msme_id: Mapped[str] = mapped_column(String(MSME_ID_LENGTH))
    replaced_at: Mapped[datetime]


class ModelReload(Base):
    """An admin's request to reload the model (POST /v1/admin/reload). Every worker of every
    replica on this store acts on the requests newer than the last it saw."""

    __tablename__ = "model_reloads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    requested_at: Mapped[datetime]
    requested_by: Mapped[str] = mapped_column(String(NAME_LENGTH))  # the admin key's name
    force: Mapped[bool] = mapped_column(Boolean)


class DriftTally(Base):
    """What one loaded model (one worker process, one load) has scored, counted in its drift
    reference's bins; the service adds up the tallies of the version it serves."""

    __tablename__ = "drift_tallies"
    __table_args__ = (CheckConstraint("rows_seen >= 0", name="rows_seen_not_negative"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    model_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    model_version: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    # SHA-256 of the drift reference: tallies with the same digest count in the same bins.
    reference_digest: Mapped[str] = mapped_column(String(64), index=True)
    rows_seen: Mapped[int] = mapped_column(BigInteger)
    counts: Mapped[dict[str, Any]]  # {"features": [[...], ...], "score": [...]}
    updated_at: Mapped[datetime]
