"""Exact money on every database: scaled integers on SQLite, NUMERIC on PostgreSQL, exact FX rates, refusals at
bind time (ORM and the insight upsert), exact SQL sums, and migration 0006 converting old REAL data exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import func, select

from campaigns.insight_store import InsightUpsert
from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.engine import get_engine, session_scope
from db.types import Money, StorageError
from finance.exports import EXPORTS, export_chunks, read_rows
from finance.models import FxRate
from influencers.models import Collaboration, Influencer, Payment, Program
from migrations.migrate import alembic_config, upgrade

D = dt.date
SYNCED = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
UPSERT_COLUMNS = ("campaign_id", "date", "currency", "spend", "impressions", "clicks")
UPSERT_COLUMNS += ("conversions", "conversion_value", "source", "synced_at")


def _campaigns(session, currency: str, count: int = 1) -> list[int]:
    account = AdAccount(account_id=f"9{currency}", name=f"Acct {currency}", currency=currency)
    session.add(account)
    session.flush()
    campaigns = [Campaign(account_id=account.id, meta_id=f"{i}", name=f"C{i}", currency=currency) for i in range(count)]
    session.add_all(campaigns)
    session.flush()
    return [c.id for c in campaigns]


def _upsert(session, rows: list[tuple], page: int = 50_000) -> None:
    """The sync's own bulk path: multi-row VALUES on SQLite, COPY on PostgreSQL, through the types' binds."""
    store = InsightUpsert(session, CampaignInsight, ("campaign_id", "date"), UPSERT_COLUMNS)
    for start in range(0, len(rows), page):
        store.write(rows[start : start + page])


def _row(cid: int, day: dt.date, currency: str, spend: object) -> tuple:
    return (cid, day, currency, spend, 1, 0, Decimal(0), Decimal(0), "meta_api", SYNCED)


def _payment(session, amount: object, currency: str = "USD") -> Payment:
    program = Program(name="P", currency=currency, status="active")
    influencer = Influencer(name="I")
    session.add_all([program, influencer])
    session.flush()
    collab = Collaboration(program_id=program.id, influencer_id=influencer.id, currency=currency)
    session.add(collab)
    session.flush()
    payment = Payment(collaboration_id=collab.id, amount=amount, currency=currency, status="pending")
    session.add(payment)
    return payment


@pytest.mark.parametrize("amount", ["9999999999999.99", "9999999999999.9999", "-9999999999999.99", "0.0001", "0"])
def test_large_and_small_amounts_round_trip_exactly(migrated_url: str, amount: str) -> None:
    with session_scope(migrated_url) as s:
        _payment(s, Decimal(amount))
    with session_scope(migrated_url) as s:
        stored = s.scalar(select(Payment.amount))
        assert stored == Decimal(amount)
        assert stored.as_tuple().exponent == -4  # four places on both databases, as NUMERIC(20, 4) reads
        if s.get_bind().dialect.name == "sqlite":
            raw = s.execute(sa.text("SELECT typeof(amount), amount FROM payment")).one()
            assert raw == ("integer", int(Decimal(amount) * 10_000))


def test_a_million_cents_sum_to_exactly_ten_thousand(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        first, *others = _campaigns(s, "USD", 1000)
        start = D(2024, 1, 1)
        cent = Decimal("0.01")
        # The sync's bulk path writes the first campaign's 1,000 days; the database copies those stored rows to the
        # other 999 campaigns (INSERT ... SELECT), so every row holds exactly what the app wrote, 1,000x faster.
        _upsert(s, [_row(first, start + dt.timedelta(days=i), "USD", cent) for i in range(1000)])
        table = CampaignInsight.__table__
        copied = [c for c in table.columns if c.name not in ("id", "campaign_id")]
        pairs = (
            select(Campaign.id.label("campaign_id"), *copied)
            .select_from(Campaign)
            .join(table, table.c.campaign_id == first)
            .where(Campaign.id.in_(others))
        )
        s.execute(sa.insert(table).from_select(["campaign_id", *(c.name for c in copied)], pairs))
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count()).select_from(CampaignInsight)) == 1_000_000
        total = s.scalar(select(func.sum(CampaignInsight.spend)))
        assert total == Decimal("10000.00")
        assert str(total) == "10000.0000"
        if s.get_bind().dialect.name == "sqlite":
            kinds = s.execute(sa.text("SELECT DISTINCT typeof(spend), typeof(sum(spend)) FROM campaign_insight"))
            assert kinds.all() == [("integer", "integer")]


def test_rupiah_trillions_per_row_and_their_sums_are_exact(migrated_url: str) -> None:
    big = Decimal("1250000000000")
    with session_scope(migrated_url) as s:
        (cid,) = _campaigns(s, "IDR")
        _upsert(s, [_row(cid, D(2025, 1, 1) + dt.timedelta(days=i), "IDR", big) for i in range(700)])
        s.add(CampaignInsight(campaign_id=cid, date=D(2027, 1, 1), currency="IDR", spend=big + Decimal("0.0001")))
    with session_scope(migrated_url) as s:
        assert set(s.scalars(select(CampaignInsight.spend).where(CampaignInsight.date < D(2027, 1, 1)))) == {big}
        assert s.scalar(select(func.sum(CampaignInsight.spend))) == big * 701 + Decimal("0.0001")
        month = select(func.sum(CampaignInsight.spend)).where(
            CampaignInsight.date.between(D(2025, 1, 1), D(2025, 1, 31))
        )
        assert s.scalar(month) == Decimal("38750000000000")
        content = b"".join(export_chunks(s, "campaign-monthly", D(2025, 1, 1), D(2025, 1, 31), "IDR"))
        header, rows = read_rows(content)
        assert rows[0][header.index("spend")] == "38750000000000"
        assert rows[0][header.index("spend_reporting")] == "38750000000000"


def test_a_sum_beyond_int64_is_a_clear_error_never_a_float(migrated_url: str) -> None:
    bound = Decimal(10) ** 14
    with session_scope(migrated_url) as s:
        (cid,) = _campaigns(s, "IDR")
        _upsert(s, [_row(cid, D(2025, 1, 1) + dt.timedelta(days=i), "IDR", bound) for i in range(100)])
    with session_scope(migrated_url) as s:
        if s.get_bind().dialect.name == "sqlite":
            with pytest.raises(StorageError, match="cannot be added exactly"):
                s.scalar(select(func.sum(CampaignInsight.spend)))
        else:
            assert s.scalar(select(func.sum(CampaignInsight.spend))) == bound * 100


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("Infinity"), "Amount: Infinity is not a finite number and cannot be stored"),
        (float("inf"), "inf is not a finite number"),
        (Decimal("NaN"), "NaN is not a finite number"),
        (float("nan"), "nan is not a finite number"),
        (Decimal("1e30"), "Amount: .* is beyond the largest value that can be stored, 100,000,000,000,000"),
        (
            Decimal("100000000000000.0001"),
            "Amount: .* is beyond the largest value that can be stored, 100,000,000,000,000",
        ),
        ("abc", "abc is not a number"),
    ],
)
def test_the_orm_refuses_what_cannot_be_stored(migrated_url: str, value: object, message: str) -> None:
    def add() -> None:
        with session_scope(migrated_url) as s:
            (cid,) = _campaigns(s, "USD")
            s.add(CampaignInsight(campaign_id=cid, date=D(2026, 10, 1), currency="USD", spend=value))

    with pytest.raises(StorageError, match=message):
        add()
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count()).select_from(CampaignInsight)) == 0


def test_infinity_through_the_orm_and_the_upsert_is_refused_and_every_export_still_works(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        (cid,) = _campaigns(s, "USD")
        _upsert(s, [_row(cid, D(2026, 10, 1), "USD", Decimal("12.50"))])
    for value in (Decimal("Infinity"), float("inf"), Decimal("-Infinity"), Decimal("1e30")):
        with pytest.raises(StorageError), session_scope(migrated_url) as s:
            _upsert(s, [_row(cid, D(2026, 10, 2), "USD", Decimal(1)), _row(cid, D(2026, 10, 3), "USD", value)])
        with pytest.raises(StorageError), session_scope(migrated_url) as s:
            s.add(CampaignInsight(campaign_id=cid, date=D(2026, 10, 4), currency="USD", spend=value))
    with session_scope(migrated_url) as s:
        assert s.scalars(select(CampaignInsight.spend)).all() == [Decimal("12.50")]  # nothing half-written
        for name in EXPORTS:
            for currency in ("USD", "IDR"):
                content = b"".join(export_chunks(s, name, D(2026, 10, 1), D(2026, 10, 31), currency))
                header, rows = read_rows(content)
                assert header[0] in ("date", "month", "account_id", "payment_id")
        header, rows = read_rows(b"".join(export_chunks(s, "campaign-daily", D(2026, 10, 1), D(2026, 10, 31), "USD")))
        assert [r[header.index("spend")] for r in rows] == ["12.50"]


def test_amounts_round_half_up_to_four_places_on_both_databases(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        (cid,) = _campaigns(s, "USD")
        for i, spend in enumerate(("0.00005", "-0.00005", "1.23454999", "2.5", "0.00004")):
            s.add(CampaignInsight(campaign_id=cid, date=D(2026, 10, 1 + i), currency="USD", spend=Decimal(spend)))
    with session_scope(migrated_url) as s:
        stored = s.scalars(select(CampaignInsight.spend).order_by(CampaignInsight.date)).all()
        assert [str(v) for v in stored] == ["0.0001", "-0.0001", "1.2345", "2.5000", "0.0000"]


def test_money_columns_cannot_be_multiplied_in_sql() -> None:
    with pytest.raises(TypeError, match="multiplied or divided"):
        CampaignInsight.spend * 2
    with pytest.raises(TypeError, match="multiplied or divided"):
        CampaignInsight.spend / CampaignInsight.clicks
    # Sums, differences and comparisons stay exact on scaled integers.
    assert str(CampaignInsight.spend + CampaignInsight.conversion_value) == (
        "campaign_insight.spend + campaign_insight.conversion_value"
    )


def test_literal_and_compared_amounts_are_scaled_like_the_column(migrated_url: str) -> None:
    with session_scope(migrated_url) as s:
        (cid,) = _campaigns(s, "USD")
        s.add(CampaignInsight(campaign_id=cid, date=D(2026, 10, 1), currency="USD", spend=Decimal("12.34")))
        s.flush()
        assert s.scalar(select(func.count()).where(CampaignInsight.spend > Decimal("12.33"))) == 1
        assert s.scalar(select(func.count()).where(CampaignInsight.spend > 13)) == 0
        assert s.scalar(select(CampaignInsight.spend + 1)) == Decimal("13.34")
        assert s.scalar(select(func.coalesce(func.sum(CampaignInsight.spend), 0))) == Decimal("12.34")
        literal = select(CampaignInsight.id).where(CampaignInsight.spend == Decimal("12.34"))
        assert s.execute(sa.text(str(literal.compile(s.get_bind(), compile_kwargs={"literal_binds": True})))).all()


@pytest.mark.parametrize(
    "rate",
    ["0.00000000004", "0.000000000001", "0.0000615384615384615", "16250.5", "1000000000000", "12345678901.234567891"],
)
def test_fx_rates_keep_every_digit(migrated_url: str, rate: str) -> None:
    with session_scope(migrated_url) as s:
        s.add(FxRate(date=D(2026, 10, 1), from_currency="IDR", to_currency="USD", rate=Decimal(rate)))
    with session_scope(migrated_url) as s:
        assert s.scalar(select(FxRate.rate)) == Decimal(rate)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("0", "cannot be stored; a rate is from 0.000000000001 to 1,000,000,000,000"),
        ("0.0000000000009", "cannot be stored; a rate is from 0.000000000001 to 1,000,000,000,000"),
        ("-16000", "cannot be stored; a rate is from 0.000000000001 to 1,000,000,000,000"),
        ("1000000000000.1", "cannot be stored; a rate is from 0.000000000001 to 1,000,000,000,000"),
        ("NaN", "is not a finite number"),
        ("16250.1234567890123456789", "more than 20 significant digits"),
    ],
)
def test_fx_rates_that_would_lose_digits_or_round_to_zero_are_refused(migrated_url: str, rate: str, message: str):
    def add() -> None:
        with session_scope(migrated_url) as s:
            s.add(FxRate(date=D(2026, 10, 1), from_currency="IDR", to_currency="USD", rate=Decimal(rate)))

    with pytest.raises(StorageError, match=message):
        add()


def test_money_type_rounds_and_bounds_in_one_place() -> None:
    assert Money.exact("12.345678") == Decimal("12.3457")
    assert Money.exact(-0.00001) == Decimal("0.0000")  # never -0
    assert Money.exact(0.1 + 0.2) == Decimal("0.3000")  # a float through its shortest repr: 0.30000000000000004
    with pytest.raises(StorageError):
        Money.exact(True)


# --- migration 0006 -------------------------------------------------------------------------------------------


def _at_0005(url: str) -> None:
    command.upgrade(alembic_config(url), "0005_pacing")


def _seed_old_rows(url: str, spends: list[object], rates: list[object]) -> None:
    """Rows as revision 0005 stored them (REAL on SQLite), written with raw SQL."""
    with get_engine(url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO ad_account (id, account_id, name, currency, timezone_name, source, sync_enabled, "
                "version_id, created_at, updated_at) VALUES (1, '1', 'A', 'IDR', 'UTC', 'meta_api', true, 1, "
                ":now, :now)"
            ),
            {"now": SYNCED},
        )
        conn.execute(
            sa.text(
                "INSERT INTO campaign (id, account_id, name, currency, source, version_id, created_at, updated_at) "
                "VALUES (1, 1, 'C', 'IDR', 'meta_api', 1, :now, :now)"
            ),
            {"now": SYNCED},
        )
        for i, spend in enumerate(spends):
            conn.execute(
                sa.text(
                    "INSERT INTO campaign_insight (campaign_id, date, currency, spend, impressions, clicks, "
                    "conversions, conversion_value, source, synced_at) VALUES (1, :day, 'IDR', :spend, 0, 0, 2.5, 0, "
                    "'meta_api', :now)"
                ),
                {"day": D(2026, 1, 1) + dt.timedelta(days=i), "spend": spend, "now": SYNCED},
            )
        for i, rate in enumerate(rates):
            conn.execute(
                sa.text(
                    "INSERT INTO fx_rate (date, from_currency, to_currency, rate, version_id, created_at, updated_at) "
                    "VALUES (:day, 'IDR', 'USD', :rate, 1, :now, :now)"
                ),
                {"day": D(2026, 1, 1) + dt.timedelta(days=i), "rate": rate, "now": SYNCED},
            )


def test_migration_converts_old_money_exactly(database_url: str) -> None:
    _at_0005(database_url)
    sqlite = database_url.startswith("sqlite")
    # As SQLAlchemy wrote them before on SQLite: REAL floats (whole values as INTEGER); numerics on PostgreSQL.
    spends: list[object] = [123456.78, 1250000, 0.01, 45.505, 0.03125, 9999999999999.99, 1e12 + 0.1, -312500.5, 0]
    if not sqlite:
        spends = [Decimal(repr(v)) for v in spends]  # PostgreSQL's NUMERIC(20, 4) rounds them (half away from 0)
    rates: list[object] = [0.0000615432, 16250.5, 16000]
    _seed_old_rows(database_url, spends, rates if sqlite else [Decimal(repr(r)) for r in rates])
    if sqlite:
        with get_engine(database_url).connect() as conn:
            assert conn.execute(sa.text("SELECT typeof(spend) FROM campaign_insight WHERE id = 1")).scalar() == "real"
    upgrade(database_url)
    with session_scope(database_url) as s:
        stored = s.scalars(select(CampaignInsight.spend).order_by(CampaignInsight.date)).all()
        assert stored == [
            Decimal("123456.78"),
            Decimal("1250000"),
            Decimal("0.01"),
            Decimal("45.505"),
            Decimal("0.0313"),  # more than 4 decimals: half up, as the new type rounds
            Decimal("9999999999999.99"),  # the float held 9999999999999.990234375: its shortest repr is kept
            Decimal("1000000000000.1"),
            Decimal("-312500.5"),
            Decimal("0"),
        ]
        assert set(s.scalars(select(CampaignInsight.conversions))) == {Decimal("2.5")}
        assert s.scalars(select(FxRate.rate).order_by(FxRate.date)).all() == [
            Decimal("0.0000615432"),
            Decimal("16250.5"),
            Decimal("16000"),
        ]
        if sqlite:
            kinds = s.execute(sa.text("SELECT DISTINCT typeof(spend) FROM campaign_insight")).scalars().all()
            assert kinds == ["integer"]
            assert s.execute(sa.text("SELECT DISTINCT typeof(rate) FROM fx_rate")).scalars().all() == ["text"]
        # The app keeps working on the converted rows: sums, exports.
        assert s.scalar(select(func.sum(CampaignInsight.spend))) == sum(stored, Decimal(0))
        content = b"".join(export_chunks(s, "campaign-daily", D(2026, 1, 1), D(2026, 1, 31), "IDR"))
        header, rows = read_rows(content)
        assert [r[header.index("spend")] for r in rows][:4] == ["123457", "1250000", "0", "46"]


def test_migration_refuses_values_it_cannot_keep_and_changes_nothing(database_url: str) -> None:
    _at_0005(database_url)
    sqlite = database_url.startswith("sqlite")
    bad = float("inf") if sqlite else Decimal("NaN")
    _seed_old_rows(database_url, [12.5, bad, 1e15 if sqlite else Decimal("1e15")], [0] if sqlite else [Decimal(0)])
    with pytest.raises(ValueError, match="changed nothing") as refused:
        upgrade(database_url)
    text = str(refused.value)
    assert "campaign_insight.spend (id 2: " in text
    assert "id 3: " in text
    assert "fx_rate.rate (id 1: " in text
    with get_engine(database_url).connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0005_pacing"
        if sqlite:
            assert conn.execute(sa.text("SELECT typeof(spend) FROM campaign_insight WHERE id = 1")).scalar() == "real"


def test_a_stored_value_not_yet_converted_names_the_command_only_on_the_command_line(monkeypatch) -> None:
    """The CLI's sentence says `python cli.py db upgrade`; a page says to ask the admin (no command line there)."""
    from sqlalchemy.dialects import sqlite

    from db.types import Rate
    from tests.bahasa import in_bahasa

    for column_type, stored in ((Money, 12.5), (Rate, 16250.5)):
        with pytest.raises(StorageError) as caught:
            column_type.process_result_value(stored, sqlite.dialect())
        assert str(caught.value).endswith("run `python cli.py db upgrade`.")
        shown = in_bahasa(monkeypatch, caught.value.message)
        assert shown.endswith("minta admin Anda memperbarui basis data (docs/deployment.md).")
        assert "cli.py" not in shown
