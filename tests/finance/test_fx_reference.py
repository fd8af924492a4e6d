"""ECB reference rates: exact cross rates, weekend and holiday look-back, finance first, `fx update`, JISDOR."""

from __future__ import annotations

import csv
import datetime as dt
import io
import socket
import zipfile
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Context, Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from typer.testing import CliRunner

from cli import app
from db.roles import Actor
from finance import fx_reference
from finance.fx import (
    SOURCE_FINANCE,
    SOURCE_REFERENCE,
    FxError,
    MissingRate,
    RateBook,
    file_rows,
    import_rates_csv,
    read_jisdor,
    set_rate,
)
from finance.fx_reference import ReferenceRatesError, bundled_file, parse_reference, reference_rates
from finance.models import FxRate
from tests.bahasa import in_bahasa
from tests.fakes import loopback

D = dt.date
FINANCE = Actor("fin@example.com", "finance")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fx"
TEN = Decimal("0.0000000001")
runner = CliRunner()


@pytest.fixture(autouse=True)
def kept_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `fx update` keeps its copy in this test; none exists at first, so the bundled history is in use."""
    kept = tmp_path / "fx" / "eurofxref-hist.zip"
    monkeypatch.setenv(fx_reference.FILE_ENV, str(kept))
    monkeypatch.delenv(fx_reference.URL_ENV, raising=False)
    return kept


def _bundled_rows() -> dict[str, dict[str, str]]:
    """The bundled ECB file read independently of Pantau's parser: day -> {currency: decimal string}."""
    with zipfile.ZipFile(bundled_file()) as archive:
        text = archive.read("eurofxref-hist.csv").decode()
    return {row["Date"]: row for row in csv.DictReader(io.StringIO(text))}


def _cross(rows: dict[str, dict[str, str]], day: str, src: str, dst: str) -> Decimal:
    base = Decimal(1) if src == "EUR" else Decimal(rows[day][src])
    quote = Decimal(1) if dst == "EUR" else Decimal(rows[day][dst])
    return Context(prec=28).divide(quote, base)


def _ecb_csv(days: dict[str, str], currencies: str = "USD,JPY,IDR,SGD") -> str:
    """A small file in the ECB's own shape (newest first, a trailing comma on every line)."""
    lines = [f"Date,{currencies},"]
    lines += [f"{day},{values}," for day, values in sorted(days.items(), reverse=True)]
    return "\n".join(lines) + "\n"


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eurofxref-hist.csv", text)
    return buffer.getvalue()


# --- the reference file ----------------------------------------------------------------------------------


def test_cross_rates_are_exact_quotients_of_the_bundled_file() -> None:
    rows = _bundled_rows()
    ref = reference_rates()
    assert ref.origin == str(bundled_file())
    assert {"IDR", "SGD", "JPY", "USD", "EUR", "GBP", "AUD"} <= ref.currencies
    checked = 0
    for day in ("1999-01-04", "2013-05-20", "2020-03-23", "2026-10-30"):
        if day not in rows:
            continue
        for src, dst in (
            ("IDR", "USD"),
            ("USD", "IDR"),
            ("SGD", "IDR"),
            ("JPY", "USD"),
            ("EUR", "JPY"),
            ("USD", "EUR"),
        ):
            if "N/A" in (rows[day].get(src, "1"), rows[day].get(dst, "1")):
                assert ref.rate_on(src, dst, D.fromisoformat(day)) is None  # IDR was not published in 1999
                continue
            assert ref.rate_on(src, dst, D.fromisoformat(day)) == _cross(rows, day, src, dst)
            checked += 1
    assert checked >= 12
    assert ref.last_day == max(D.fromisoformat(d) for d in rows)


def test_hand_checked_constants_for_2026_10_30(session) -> None:
    # ECB 2026-10-30: 1 EUR = 1.1172 USD = 175.68 JPY = 20275.17 IDR.
    # 20275.17 / 1.1172 = 18148.20085929...; 1.1172 / 20275.17 = 0.0000551018807...; 20275.17 / 175.68 = 115.40966530...
    day = D(2026, 10, 30)
    to_idr = RateBook(session, "IDR", day, day, "daily")
    used = to_idr.rate("USD", day)
    assert (used.rate, used.rate_date, used.policy, used.source) == (
        Decimal("18148.2008592911"),
        "2026-10-30",
        "daily",
        SOURCE_REFERENCE,
    )
    assert to_idr.convert(Decimal("100"), "USD", day)[0] == Decimal("1814820")
    assert to_idr.rate("JPY", day).rate == Decimal("115.4096653005")
    to_usd = RateBook(session, "USD", day, day, "daily")
    assert to_usd.rate("IDR", day).rate == Decimal("0.0000551019")
    assert to_usd.convert(Decimal("1000000"), "IDR", day)[0] == Decimal("55.10")


def test_rates_are_decimal_quotients_rounded_half_up_to_ten_places(session) -> None:
    rows = _bundled_rows()
    day = "2026-10-29"
    book = RateBook(session, "SGD", D(2026, 10, 1), D(2026, 10, 31), "daily")
    for currency in ("IDR", "USD", "JPY", "EUR"):
        expected = _cross(rows, day, currency, "SGD").quantize(TEN, rounding=ROUND_HALF_UP)
        assert book.rate(currency, D.fromisoformat(day)).rate == expected


def test_weekend_and_holiday_take_the_last_publication_within_seven_days(session) -> None:
    ref = reference_rates()
    book = RateBook(session, "IDR", D(2026, 4, 1), D(2026, 11, 30), "daily")
    # Saturday and Sunday after Friday 2026-10-30.
    for day in (D(2026, 10, 31), D(2026, 11, 1)):
        used = book.rate("USD", day)
        assert (used.rate_date, used.source) == ("2026-10-30", SOURCE_REFERENCE)
        assert used.rate == ref.rate_on("USD", "IDR", D(2026, 10, 30)).quantize(TEN, rounding=ROUND_HALF_UP)
    # Easter Monday 2026-04-06 (TARGET holiday, after Good Friday): Thursday 2026-04-02.
    assert ref.euro_rate("USD", D(2026, 4, 6)) is None
    assert book.rate("USD", D(2026, 4, 6)).rate_date == "2026-04-02"
    # The look-back is bounded: 7 days after the file's last publication still has a rate, 8 days does not.
    last = ref.last_day
    assert book.try_rate("USD", last + dt.timedelta(days=7)) is not None
    assert book.try_rate("USD", last + dt.timedelta(days=8)) is None


def test_monthly_policies_use_the_reference_days_of_the_month(session) -> None:
    rows = _bundled_rows()
    october = sorted(d for d in rows if d.startswith("2026-10"))
    daily = [_cross(rows, d, "IDR", "USD").quantize(TEN, rounding=ROUND_HALF_UP) for d in october]
    mean = (sum(daily, Decimal(0)) / len(daily)).quantize(TEN, rounding=ROUND_HALF_UP)
    avg = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "monthly_average").rate("IDR", D(2026, 10, 20))
    assert (avg.rate, avg.rate_date, avg.policy, avg.source) == (mean, "2026-10", "monthly_average", SOURCE_REFERENCE)
    end = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "month_end").rate("IDR", D(2026, 10, 20))
    assert (end.rate, end.rate_date, end.source) == (daily[-1], october[-1], SOURCE_REFERENCE)


def test_finance_rates_win_over_reference_rates(session) -> None:
    day = D(2026, 10, 30)
    set_rate(session, FINANCE, day, "USD", "IDR", "16234", source="bank")
    set_rate(session, FINANCE, D(2026, 10, 27), "SGD", "IDR", "12500", source="bank")
    session.flush()
    book = RateBook(session, "IDR", D(2026, 10, 1), D(2026, 10, 31), "daily")
    used = book.rate("USD", day)
    assert (used.rate, used.source) == (Decimal("16234"), SOURCE_FINANCE)
    # Finance's rate three days back still wins over the ECB's rate of the day itself.
    sgd = book.rate("SGD", D(2026, 10, 30))
    assert (sgd.rate, sgd.rate_date, sgd.source) == (Decimal("12500"), "2026-10-27", SOURCE_FINANCE)
    # Other days and pairs fall back to the reference.
    assert book.rate("USD", D(2026, 10, 20)).source == SOURCE_REFERENCE
    # The inverse of finance's pair is still finance's rate.
    back = RateBook(session, "USD", day, day, "daily").rate("IDR", day)
    assert (back.rate, back.source) == (Decimal("0.0000615991"), SOURCE_FINANCE)
    # A month where finance has any rate for the pair uses only finance's rates.
    monthly = RateBook(session, "IDR", D(2026, 10, 1), D(2026, 10, 31), "monthly_average")
    assert (monthly.rate("USD", D(2026, 10, 5)).rate, monthly.rate("USD", D(2026, 10, 5)).source) == (
        Decimal("16234"),
        SOURCE_FINANCE,
    )
    assert monthly.rate("JPY", D(2026, 10, 5)).source == SOURCE_REFERENCE


def test_a_currency_the_ecb_does_not_publish_is_missing_without_raising(session) -> None:
    day = D(2026, 10, 30)
    book = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "daily")
    assert book.try_rate("VND", day) is None
    assert book.convert_or_none(Decimal("250000"), "VND", day) is None
    assert book.convert_or_none(Decimal("1000000"), "IDR", day) == (Decimal("55.10"), book.rate("IDR", day))
    with pytest.raises(FxError, match=r"No VND→USD rate for 2026-10-29: tried VND→USD, USD→VND"):
        book.convert(Decimal(1), "VND", D(2026, 10, 29))
    assert book.missing == [MissingRate("VND", "USD", "2026-10-29"), MissingRate("VND", "USD", "2026-10-30")]
    assert book.missing[0].month == "2026-10"
    monthly = RateBook(session, "USD", D(2026, 10, 1), D(2026, 10, 31), "month_end")
    assert monthly.try_rate("VND", D(2026, 10, 3)) is None
    assert monthly.missing == [MissingRate("VND", "USD", "2026-10")]
    with pytest.raises(FxError, match=r"No VND→USD rate in 2026-10 \(policy month_end\): tried VND→USD, USD→VND"):
        monthly.rate("VND", D(2026, 10, 3))


def test_a_given_reference_file_drives_every_policy(session) -> None:
    ref = parse_reference(
        _ecb_csv({"2026-11-02": "1.10,N/A,18000,1.50", "2026-11-03": "1.20,N/A,18600,1.50"}).encode(), "test"
    )
    daily = RateBook(session, "IDR", D(2026, 11, 1), D(2026, 11, 30), "daily", reference=ref)
    assert daily.rate("USD", D(2026, 11, 3)).rate == Decimal("15500")  # 18600 / 1.20
    assert daily.rate("USD", D(2026, 11, 9)).rate_date == "2026-11-03"
    assert daily.try_rate("USD", D(2026, 11, 1)) is None  # nothing published before 2026-11-02
    assert daily.try_rate("JPY", D(2026, 11, 3)) is None  # N/A
    average = RateBook(session, "IDR", D(2026, 11, 1), D(2026, 11, 30), "monthly_average", reference=ref)
    assert average.rate("USD", D(2026, 11, 20)).rate == Decimal("15931.8181818182")  # (16363.63..+15500)/2
    month_end = RateBook(session, "IDR", D(2026, 11, 1), D(2026, 11, 30), "month_end", reference=ref)
    assert month_end.rate("SGD", D(2026, 11, 20)).rate == Decimal("12400")  # 18600 / 1.50


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "header"),
        (b"Datum,USD\n2026-11-02,1.1\n", "header"),
        (b"Date,USD,\n2026-11-02,0,\n", "Line 2"),
        (b"Date,USD,\n2026-11-02,1.1e3,\n", "Line 2"),
        (b"Date,USD,\n2026-11-02,1.1,2.2,\n", "more rates"),
        (b"Date,USD,\n2026-02-30,1.1,\n", "not a date"),
        (b"Date,USD,\n2026-11-02,1.1,\n2026-11-02,1.2,\n", "twice"),
        (b"Date,USD,\n", "no rates"),
        (b"PK\x03\x04 not really a zip", "zip"),
    ],
)
def test_malformed_reference_files_are_refused(content: bytes, reason: str) -> None:
    with pytest.raises(ReferenceRatesError, match=reason):
        parse_reference(content, "test")


def test_a_repeated_day_is_named_as_a_date_on_a_page(monkeypatch) -> None:
    with pytest.raises(ReferenceRatesError) as caught:
        parse_reference(b"Date,USD,\n2026-11-02,1.1,\n2026-11-02,1.2,\n", "test")
    assert str(caught.value) == "Line 3: 2026-11-02 appears twice."
    assert in_bahasa(monkeypatch, caught.value.message) == "Baris 3: 2 Nov 2026 muncul dua kali."


def test_a_kept_copy_is_preferred_and_reread_when_replaced(kept_copy: Path, monkeypatch) -> None:
    kept_copy.parent.mkdir(parents=True)
    kept_copy.write_bytes(_zip(_ecb_csv({"2030-01-02": "1.25,150,20000,1.6"})))
    ref = reference_rates()
    assert (ref.origin, ref.last_day) == (str(kept_copy), D(2030, 1, 2))
    assert ref.rate_on("USD", "IDR", D(2030, 1, 2)) == Decimal(16000)
    kept_copy.write_bytes(_zip(_ecb_csv({"2030-01-02": "1.25,150,20000,1.6", "2030-01-03": "1,1,1,1"})))
    assert reference_rates().last_day == D(2030, 1, 3)
    kept_copy.write_bytes(b"garbage")
    with pytest.raises(ReferenceRatesError, match="not a valid ECB history") as caught:
        reference_rates()
    assert "Run `python cli.py fx update` or remove it." in str(caught.value)  # the command line
    shown = in_bahasa(monkeypatch, caught.value.message)  # a page: whom to ask, no command
    assert shown.endswith(
        "Minta admin Anda memperbarui kurs referensi (lihat docs/deployment.md) atau menghapus file itu."
    )
    assert "cli.py" not in shown


# --- fx update against a loopback server ------------------------------------------------------------------


@pytest.fixture
def ecb_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """A local HTTP server; the test puts the bytes to serve under a path, PANTAU_FX_REFERENCE_URL points at it."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = loopback.serve(Handler)
    monkeypatch.setenv(fx_reference.URL_ENV, f"http://127.0.0.1:{server.server_port}/eurofxref-hist.zip")
    try:
        yield served
    finally:
        loopback.stop(server)


def test_fx_update_replaces_the_kept_copy(ecb_server: dict[str, bytes], kept_copy: Path) -> None:
    bundled_last = reference_rates().last_day
    new_days = [bundled_last + dt.timedelta(days=n) for n in (1, 2)]
    zipped = _zip(
        _ecb_csv({new_days[0].isoformat(): "1.1,170,20000,1.45", new_days[1].isoformat(): "1.25,171,20000,1.5"})
    )
    ecb_server["/eurofxref-hist.zip"] = zipped
    result = runner.invoke(app, ["fx", "update"])
    assert result.exit_code == 0, result.output
    assert f"to {new_days[1].isoformat()} (was up to {bundled_last.isoformat()})" in result.output
    assert "5 currencies on the last day" in result.output  # USD JPY IDR SGD + EUR
    assert kept_copy.read_bytes() == zipped
    assert not list(kept_copy.parent.glob("*.part"))
    ref = reference_rates()
    assert (ref.origin, ref.last_day) == (str(kept_copy), new_days[1])
    assert ref.rate_on("USD", "IDR", new_days[1]) == Decimal(16000)


def test_fx_update_keeps_the_old_copy_when_the_download_is_bad(ecb_server: dict[str, bytes], kept_copy: Path) -> None:
    old = _zip(_ecb_csv({"2030-01-02": "1.25,150,20000,1.6"}))
    kept_copy.parent.mkdir(parents=True)
    kept_copy.write_bytes(old)
    for served, message in (
        (b"<html>maintenance</html>", "not a valid ECB history"),
        (_zip("Date,USD,\n2030-01-03,-1,\n"), "not a valid ECB history"),
        (_zip(_ecb_csv({"2030-01-01": "1,1,1,1"})), "before the rates in use (2030-01-02)"),
        (None, "HTTP 404"),
    ):
        ecb_server.clear()
        if served is not None:
            ecb_server["/eurofxref-hist.zip"] = served
        result = runner.invoke(app, ["fx", "update"])
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert lines[0].startswith("error: ")
        assert message in lines[0]
        assert kept_copy.read_bytes() == old
    assert reference_rates().last_day == D(2030, 1, 2)


def test_fx_update_offline_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, kept_copy: Path) -> None:
    monkeypatch.setenv(fx_reference.URL_ENV, f"http://127.0.0.1:{_closed_port()}/eurofxref-hist.zip")
    result = runner.invoke(app, ["fx", "update"])
    assert result.exit_code == 1
    assert result.output.startswith("error: Could not download the ECB reference rates from http://127.0.0.1:")
    assert "unchanged" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not kept_copy.exists()


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Bank Indonesia JISDOR --------------------------------------------------------------------------------


def test_jisdor_download_imports_as_usd_idr(session) -> None:
    result = import_rates_csv(session, FINANCE, (FIXTURES / "jisdor_bi.csv").read_bytes(), source="csv:jisdor.csv")
    assert (result.created, result.updated, result.errors, result.format) == (6, 0, [], "jisdor")
    stored = session.execute(select(FxRate.date, FxRate.from_currency, FxRate.to_currency, FxRate.rate, FxRate.source))
    rows = sorted((d, f, t, Decimal(r), s) for d, f, t, r, s in stored)
    assert rows[0] == (D(2026, 10, 26), "USD", "IDR", Decimal("16177.25"), "jisdor")
    assert rows[-1] == (D(2026, 11, 2), "USD", "IDR", Decimal("16251"), "jisdor")
    assert {r[0] for r in rows} == {
        D(2026, 10, 26),
        D(2026, 10, 27),
        D(2026, 10, 28),
        D(2026, 10, 29),
        D(2026, 10, 30),
        D(2026, 11, 2),
    }
    # JISDOR is finance's rate now: it wins over the ECB's USD->IDR, also over the weekend.
    book = RateBook(session, "IDR", D(2026, 10, 1), D(2026, 11, 30), "daily")
    used = book.rate("USD", D(2026, 11, 1))
    assert (used.rate, used.rate_date, used.source) == (Decimal("16234.00"), "2026-10-30", SOURCE_FINANCE)
    again = import_rates_csv(session, FINANCE, (FIXTURES / "jisdor_bi.csv").read_bytes())
    assert (again.created, again.updated) == (0, 6)


def test_jisdor_xlsx_with_dates_and_numbers(session) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Kurs Referensi JISDOR"])
    sheet.append([])
    sheet.append(["No", "Tanggal", "Kurs"])
    sheet.append([1, dt.datetime(2026, 10, 30), 16234.0])
    sheet.append([2, dt.datetime(2026, 10, 29), 16201.5])
    sheet.append([3, "28/10/2026", "16.190,00"])
    sheet.append([4, dt.datetime(2026, 10, 27), 9.5])  # not an IDR per USD rate
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_rates_csv(session, FINANCE, buffer.getvalue())
    assert (result.created, result.format) == (3, "jisdor")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("row 7: Kurs: 9.5 is not a rupiah per US dollar")
    rates = dict(session.execute(select(FxRate.date, FxRate.rate).where(FxRate.source == "jisdor")).all())
    assert {d: Decimal(r) for d, r in rates.items()} == {
        D(2026, 10, 30): Decimal("16234.0"),
        D(2026, 10, 29): Decimal("16201.5"),
        D(2026, 10, 28): Decimal("16190.00"),
    }


def test_jisdor_rows_in_english_number_and_us_date_style() -> None:
    rows = file_rows('Tanggal,Kurs\n10/30/2026 12:00:00 AM,"16,234.00"\n10/29/2026 12:00:00 AM,"16,201.5"\n')
    table = read_jisdor(rows)
    assert table is not None
    assert table.rates == [(2, D(2026, 10, 30), Decimal("16234.00")), (3, D(2026, 10, 29), Decimal("16201.5"))]
    # Thousands groups only: "16.234" and "16,234" are both sixteen thousand, not sixteen.
    grouped = read_jisdor([["Tanggal", "Kurs"], ["2026-10-30", "16.234"], ["2026-10-29", "16,201"]])
    assert grouped is not None
    assert [r[2] for r in grouped.rates] == [Decimal(16234), Decimal(16201)]


def test_jisdor_rows_with_problems_are_reported_by_row() -> None:
    table = read_jisdor(
        [
            ["Kurs Referensi JISDOR"],
            ["Tanggal", "Kurs (Rp)"],
            ["30 Okt 2026", "Rp16.234,00"],
            ["31 Februari 2026", "16.000,00"],
            ["29 Oktober 2026", "enam belas ribu"],
            ["28 Oktober 2026", ""],
            ["1 Januari 1990", "2.000,00"],
            ["Catatan: data hari kerja", None],
        ]
    )
    assert table is not None
    assert table.rates == [(3, D(2026, 10, 30), Decimal("16234.00"))]
    assert [(n, reason.split(":")[0]) for n, reason in table.problems] == [
        (4, "Tanggal"),
        (5, "Kurs"),
        (6, "Kurs"),
        (7, "Tanggal"),
    ]
    with pytest.raises(FxError, match="mixes"):
        read_jisdor([["Tanggal", "Kurs"], ["2026-10-30", "16.234,00"], ["2026-10-29", "16,201.50"]])


def test_files_that_are_not_jisdor_are_not_read_as_jisdor(session) -> None:
    assert read_jisdor([["Date", "From", "To", "Rate"], ["2026-10-30", "USD", "IDR", "16000"]]) is None
    assert read_jisdor([["Tanggal", "Jumlah"], ["2026-10-30", "16000"]]) is None
    assert read_jisdor([["Tanggal", "Dari", "Ke", "Kurs"], ["2026-10-30", "SGD", "IDR", "12.000"]]) is None
    assert read_jisdor([["Mata Uang", "Tanggal", "Kurs"], ["SGD", "2026-10-30", "12.000"]]) is None
    with pytest.raises(FxError, match="no from, to, rate column"):
        import_rates_csv(session, FINANCE, b"Tanggal,Jumlah\n2026-10-30,16000\n")


def test_missing_rate_messages_name_the_pairs_tried_and_the_pair_to_enter_where() -> None:
    from finance.fx import missing_rate_messages

    messages = missing_rate_messages(
        [
            MissingRate("USD", "IDR", "2026-11-30"),
            MissingRate("SGD", "IDR", "2026-11-02"),
            MissingRate("SGD", "IDR", "2026-11-01"),
            MissingRate("SGD", "IDR", "2026-11-03"),
        ]
    )
    assert [m.render() for m in messages] == [
        "No SGD→IDR rate for 3 days or months from 2026-11-01 to 2026-11-03: tried SGD→IDR, IDR→SGD and the ECB "
        "reference rates. Enter SGD→IDR rates for 2026-11-01 to 2026-11-03 on Exports → FX rates.",
        "No USD→IDR rate for 2026-11-30: tried USD→IDR, IDR→USD and the ECB reference rates. "
        "Enter the USD→IDR rate for 2026-11-30 on Exports → FX rates.",
    ]
    assert missing_rate_messages([]) == []


def test_missing_rate_messages_write_days_and_months_as_dates_on_a_page(monkeypatch) -> None:
    from finance.fx import missing_rate_messages

    day, months = missing_rate_messages(
        [
            MissingRate("USD", "IDR", "2026-11-30"),  # a daily policy's day
            MissingRate("SGD", "IDR", "2026-10"),  # a monthly policy's months
            MissingRate("SGD", "IDR", "2026-11"),
        ]
    )[::-1]
    assert "for 2026-11-30:" in str(day)  # the command line: ISO
    assert in_bahasa(monkeypatch, day) == (
        "Tidak ada kurs USD→IDR untuk 30 Nov 2026: sudah dicoba USD→IDR, IDR→USD dan kurs referensi ECB. "
        "Masukkan kurs USD→IDR untuk 30 Nov 2026 di Ekspor → Kurs valas."
    )
    assert "from 2026-10 to 2026-11:" in str(months)
    assert "dari Oktober 2026 sampai November 2026" in in_bahasa(monkeypatch, months)
