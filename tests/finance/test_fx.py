"""FX: same currency, inverse rates, policies, rounding, missing rates, editing and CSV import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry
from db.roles import Actor, PermissionDenied
from finance.fx import FxError, RateBook, import_rates_csv, set_rate
from finance.models import FxRate
from tests.bahasa import in_bahasa

D = dt.date
FINANCE = Actor("fin@example.com", "finance")


def _rates(session, rows) -> None:
    for day, src, dst, rate in rows:
        set_rate(session, FINANCE, day, src, dst, rate, source="test")
    session.flush()


def test_same_currency_is_exactly_one(session) -> None:
    book = RateBook(session, "IDR", D(2026, 10, 1), D(2026, 10, 31), "daily")
    amount, used = book.convert(Decimal("12345.6"), "IDR", D(2026, 10, 3))
    assert used.rate == Decimal(1)
    assert amount == Decimal("12346")  # still rounded to IDR precision


def test_missing_rate_names_the_pair_and_date(session) -> None:
    # The ECB publishes no VND rate, so only finance could provide one.
    book = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "daily")
    with pytest.raises(FxError, match=r"No VND→USD rate for 2026-10-03: tried VND→USD, USD→VND"):
        book.convert(Decimal(1000), "VND", D(2026, 10, 3))
    monthly = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "monthly_average")
    with pytest.raises(FxError, match=r"No VND→USD rate in 2026-10 \(policy monthly_average\): tried VND→USD, USD→VND"):
        monthly.convert(Decimal(1000), "VND", D(2026, 10, 3))


def test_a_missing_rate_on_a_page_names_the_page_and_the_readers_dates(session, monkeypatch) -> None:
    book = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "daily")
    with pytest.raises(FxError) as daily:
        book.convert(Decimal(1000), "VND", D(2026, 10, 3))
    assert str(daily.value).endswith("or import rates with `python cli.py fx import`.")  # the command line keeps it
    assert in_bahasa(monkeypatch, daily.value.message) == (
        "Tidak ada kurs VND→USD untuk 3 Okt 2026: sudah dicoba VND→USD, USD→VND pada hari itu dan 7 hari "
        "sebelumnya, serta kurs referensi ECB. Masukkan kurs VND→USD untuk 3 Okt 2026 di Ekspor → Kurs valas, "
        "atau impor file kurs di sana."
    )
    monthly = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "monthly_average")
    with pytest.raises(FxError) as month:
        monthly.convert(Decimal(1000), "VND", D(2026, 10, 3))
    assert "2026-10 (policy monthly_average)" in str(month.value)
    shown = in_bahasa(monkeypatch, month.value.message)
    assert shown.startswith("Tidak ada kurs VND→USD pada Oktober 2026 (kebijakan monthly_average)")
    assert "cli.py" not in shown


def test_inverse_rate_when_only_the_opposite_pair_exists(session) -> None:
    _rates(session, [(D(2026, 10, 1), "USD", "IDR", "16000")])
    book = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 1), "daily")
    amount, used = book.convert(Decimal("1000000"), "IDR", D(2026, 10, 1))
    assert used.rate == Decimal("0.0000625000")
    assert amount == Decimal("62.50")


def test_direct_rate_wins_over_inverse(session) -> None:
    _rates(session, [(D(2026, 10, 1), "USD", "IDR", "16000"), (D(2026, 10, 1), "IDR", "USD", "0.00007")])
    book = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 1), "daily")
    assert book.rate("IDR", D(2026, 10, 1)).rate == Decimal("0.00007")


def test_policies(session) -> None:
    _rates(
        session,
        [
            (D(2026, 10, 1), "USD", "IDR", "16000"),
            (D(2026, 10, 15), "USD", "IDR", "16300"),
            (D(2026, 10, 30), "USD", "IDR", "16200"),
        ],
    )
    day = D(2026, 10, 20)
    avg = RateBook(session, "IDR", day, day, "monthly_average").rate("USD", day)
    assert (avg.rate, avg.rate_date) == (Decimal("16166.6666666667"), "2026-10")
    end = RateBook(session, "IDR", day, day, "month_end").rate("USD", day)
    assert (end.rate, end.rate_date) == (Decimal("16200"), "2026-10-30")
    daily = RateBook(session, "IDR", day, day, "daily").rate("USD", day)
    assert (daily.rate, daily.rate_date) == (Decimal("16300"), "2026-10-15")  # latest within 7 days before
    with pytest.raises(FxError, match="2026-10-29"):
        RateBook(session, "IDR", day, D(2026, 10, 29), "daily").rate("VND", D(2026, 10, 29))


def test_rounding_to_target_precision(session) -> None:
    _rates(session, [(D(2026, 10, 1), "USD", "IDR", "16123.45")])
    book = RateBook(session, "IDR", D(2026, 10, 1), D(2026, 10, 1), "daily")
    assert book.convert(Decimal("1.01"), "USD", D(2026, 10, 1))[0] == Decimal("16285")  # 16284.6845 half up
    back = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 1), "daily")
    assert back.convert(Decimal("100000"), "IDR", D(2026, 10, 1))[0] == Decimal("6.20")


def test_set_rate_is_audited_and_needs_permission(session) -> None:
    set_rate(session, FINANCE, "2026-10-01", "usd", "idr", "16000")
    set_rate(session, FINANCE, "2026-10-01", "USD", "IDR", "16100")
    session.flush()
    actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "fx_rate"))]
    assert actions == ["create", "update"]
    with pytest.raises(PermissionDenied):
        set_rate(session, Actor("s@example.com", "specialist"), "2026-10-01", "USD", "IDR", "1")
    for bad, message in (
        (("2026-10-01", "USD", "USD", "1"), "same currency"),
        (("2026-10-01", "USD", "IDR", "0"), "rate: 0 is outside the rates allowed"),
        (("2026-10-01", "USD", "IDR", "0.00000000000004"), "outside the rates allowed"),
        (("2026-10-01", "USD", "IDR", "4e-11"), "is not a rate"),
        (("2026-10-01", "USD", "IDR", "inf"), "is not a rate"),
        (("2026-10-01", "US", "IDR", "1"), "from: US is not an ISO 4217 currency code"),
        (("2026-10-01", "XYZ", "IDR", "1"), "from: XYZ is not an ISO 4217 currency code"),
        (("2026-10-01", "USD", "XAU", "1"), "to: XAU is not an ISO 4217 currency code"),
        (("01/10/2026", "USD", "IDR", "1"), "could be day/month or month/day"),
        (("1900-01-01", "USD", "IDR", "1"), "before 2000-01-01"),
    ):
        with pytest.raises(FxError, match=message):
            set_rate(session, FINANCE, *bad)


def test_csv_import_reports_bad_rows_and_keeps_good_ones(session, monkeypatch) -> None:
    data = (
        "\ufeffDate,From,To,Rate,Source\n"
        "2026-10-01,USD,IDR,16000,bank\n"
        '2026-10-02,USD,IDR,"1,6100.5",bank\n'  # no number (`16.100,5` too: tests/imports/test_fx_numbers.py)
        "2026-13-01,USD,IDR,16000,bank\n"
        "2026-10-03,SGD,IDR,12000.5,\n"
        "2026-10-01,USD,IDR,16000,bank\n"
    ).encode()
    result = import_rates_csv(session, FINANCE, data)
    assert (result.created, result.updated) == (2, 0)
    assert [e.split(":")[0] for e in result.errors] == ["row 3", "row 4", "row 6"]
    assert "rate" in result.errors[0]
    assert "date" in result.errors[1]
    assert result.errors[2] == "row 6: USD->IDR 2026-10-01 appears twice in the file"
    assert result.problems[2][0] == 6
    assert in_bahasa(monkeypatch, result.problems[2][1]) == "USD->IDR 1 Okt 2026 muncul dua kali di file"
    book = RateBook(session, "IDR", D(2026, 10, 3), D(2026, 10, 3), "daily")
    assert book.rate("SGD", D(2026, 10, 3)).rate == Decimal("12000.5")


def test_rates_are_stored_with_every_digit_typed(migrated_url: str) -> None:
    from db.engine import session_scope

    with session_scope(migrated_url) as s:
        set_rate(s, FINANCE, "2026-10-01", "IDR", "USD", "0.00000000004")
        set_rate(s, FINANCE, "2026-10-02", "IDR", "USD", "0.0000615384615384615")
        set_rate(s, FINANCE, "2026-10-03", "USD", "IDR", "16.250,5", locale="id_ID")
    with session_scope(migrated_url) as s:
        rates = dict(s.execute(select(FxRate.date, FxRate.rate)).all())
    assert rates == {
        D(2026, 10, 1): Decimal("0.00000000004"),
        D(2026, 10, 2): Decimal("0.0000615384615384615"),
        D(2026, 10, 3): Decimal("16250.5"),
    }
    assert f"{rates[D(2026, 10, 1)]:f}" == "0.00000000004"  # never 0, never rounded to 10 decimals


def test_an_fx_file_with_a_repeated_column_is_refused(session) -> None:
    for header in ("date,from,to,rate,rate", "date,from,to,rate,kurs", "date,from,to,rate,Source,source"):
        data = f"{header}\n2026-10-01,USD,IDR,16000,16100\n".encode()
        with pytest.raises(FxError, match="twice"):
            import_rates_csv(session, FINANCE, data)
    assert session.scalar(select(func.count()).select_from(FxRate)) == 0


def test_an_fx_file_with_a_currency_that_is_not_iso_is_refused_by_row(session) -> None:
    data = (
        b"date,from,to,rate\n2026-10-01,XYZ,IDR,16000\n2026-10-01,USD,IDR,0.00000000000001\n2026-10-02,USD,IDR,16000\n"
    )
    result = import_rates_csv(session, FINANCE, data)
    assert result.created == 1
    assert result.errors[0].startswith("row 2: from: XYZ is not an ISO 4217 currency code")
    assert result.errors[1].startswith("row 3: rate: 0.00000000000001 is outside the rates allowed")


def test_daily_policy_converts_monthly_rows_day_by_day(fs) -> None:
    from db.models import Setting
    from finance.exports import export_chunks, read_rows
    from tests.finance.conftest import NOW

    fs.add(Setting(key="fx_policy", value="daily"))
    fs.flush()
    content = b"".join(export_chunks(fs, "campaign-monthly", D(2026, 10, 1), D(2026, 11, 30), "IDR", now=NOW))
    header, rows = read_rows(content)
    ix = {c: i for i, c in enumerate(header)}
    usd_oct = next(r for r in rows if r[ix["month"]] == "2026-10" and r[ix["currency"]] == "USD")
    assert usd_oct[ix["spend_reporting"]] == "732711"  # 45.51 x 16100 (the rate of 2026-10-31)
    assert usd_oct[ix["fx_rate"]] == "16100"
    assert usd_oct[ix["fx_rate_date"]] == "daily"
    daily = b"".join(export_chunks(fs, "campaign-daily", D(2026, 10, 31), D(2026, 10, 31), "IDR", now=NOW))
    header, rows = read_rows(daily)
    usd = next(r for r in rows if r[header.index("currency")] == "USD")
    assert usd[header.index("fx_rate_date")] == "2026-10-31"
    assert usd[header.index("spend_reporting")] == "732711"


def test_computed_rates_keep_six_significant_digits_and_never_round_to_zero(session) -> None:
    from finance.fx import round_rate

    assert round_rate(Decimal("0.00006230589999")) == Decimal("0.0000623059")  # 10 decimals, as always
    assert round_rate(Decimal("16050.123456789012")) == Decimal("16050.1234567890")
    assert round_rate(Decimal("0.0000000000412345678")) == Decimal("0.0000000000412346")  # 6 digits, not 0
    set_rate(session, FINANCE, "2026-10-01", "IDR", "USD", "0.00000000004")
    set_rate(session, FINANCE, "2026-10-02", "IDR", "USD", "0.00000000006")
    book = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "monthly_average")
    assert book.rate("IDR", D(2026, 10, 15)).rate == Decimal("0.00000000005")  # the mean, not 0.0000000000
    assert book.convert(Decimal("1000000000"), "IDR", D(2026, 10, 15))[0] == Decimal("0.05")
