"""How an Ads Manager export writes its figures, read by one rule per file: Bahasa Indonesia downloads with `.`
thousands and `,` decimals (`750.000`, `Rp 500.000`, `1.250.000,50`) read to the rupiah, English ones exactly as
before, a file that writes numbers both ways refused cell by cell rather than guessed, and `NaN` / `NULL`
figures refused rather than stored as 0. The files are written here the way Ads Manager downloads them for
Excel: UTF-16 with a BOM, tabs, CRLF, a title line and Meta's summary row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from campaigns import adsmanager_headers as vocabulary
from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.adsmanager_rows import open_export, read_rows
from campaigns.models import Campaign, CampaignInsight
from cli import app
from db.roles import CLI_ACTOR

ID_HEADER = [
    "Awal pelaporan",
    "Akhir pelaporan",
    "Nama akun",
    "Nama kampanye",
    "Jumlah yang dibelanjakan (IDR)",
    "Impresi",
    "Klik tautan",
]
EN_HEADER = [
    "Reporting starts",
    "Reporting ends",
    "Account name",
    "Campaign name",
    "Amount spent (IDR)",
    "Impressions",
    "Link clicks",
]
CAMPAIGN = "Harbolnas 12.12"
ACCOUNT = "Kopi Bogor"


def download(header: list[str], rows: list[list[str]], title: str | None = None) -> bytes:
    """A file as Ads Manager's "Export table data" for Excel writes it: UTF-16 LE with BOM, tabs, CRLF."""
    lines = ([title, ""] if title else []) + ["\t".join(header)] + ["\t".join(row) for row in rows]
    return "\r\n".join([*lines, ""]).encode("utf-16")  # Python writes the BOM


def day(number: int, spend: str, impressions: str = "1000", clicks: str = "10") -> list[str]:
    date = f"2026-11-{number:02d}"
    return [date, date, ACCOUNT, CAMPAIGN, spend, impressions, clicks]


def summary(first: int, last: int, spend: str, impressions: str, clicks: str) -> list[str]:
    return [f"2026-11-{first:02d}", f"2026-11-{last:02d}", "", "", spend, impressions, clicks]


def read(data: bytes, currency: str = "IDR", name: str = "Kopi-Bogor-Kampanye-Nov-20-2026.csv"):
    return read_rows(open_export(data, name), currency)


def spends(export) -> list[Decimal]:
    return [row.metrics.spend for row in export.rows]


def problems(export) -> dict[tuple[int, str], str]:
    return {(r.line, p.column): p.reason for r in export.rejected for p in r.problems}


def test_the_header_language_is_read_from_the_vocabulary() -> None:
    assert vocabulary.INDONESIAN <= vocabulary.ALL_ALIASES
    assert open_export(download(ID_HEADER, [day(20, "1")]), "a.csv").language == "id"
    assert open_export(download(EN_HEADER, [day(20, "1")]), "a.csv").language == "en"
    assert vocabulary.header_language(["jumlah yang dibelanjakan", "campaign name"]) == "id"  # a tie: spend's
    assert vocabulary.header_language(["amount spent", "nama kampanye", "impresi"]) == "id"


# --- Bahasa Indonesia downloads ---------------------------------------------------------------------------------


def test_the_reviewers_bahasa_file_reads_to_the_rupiah() -> None:
    # id_fmt2.csv from the review: before the fix 750 and 500 (1000x too low) were imported.
    export = read(download(ID_HEADER, [day(20, "750.000"), day(21, "Rp 500.000", impressions="1.000")]))
    assert export.rejected == []
    assert spends(export) == [Decimal(750_000), Decimal(500_000)]
    assert [row.metrics.impressions for row in export.rows] == [1000, 1000]


def test_a_bahasa_download_with_title_summary_and_grouped_figures() -> None:
    data = download(
        ID_HEADER,
        [
            summary(20, 23, "3.250.000,50", "1.503.000", "1.250"),
            day(20, "750.000"),
            day(21, "Rp 500.000", impressions="1.000"),
            day(22, "1.250.000", impressions="1.500.000", clicks="1.200"),
            day(23, "Rp 750.000,50", clicks="30"),
        ],
        title="Kopi Bogor - Kampanye - 20 Nov 2026 - 23 Nov 2026",
    )
    export = read(data)
    assert export.rejected == []
    assert export.summary_lines == [4]
    assert spends(export) == [Decimal(750_000), Decimal(500_000), Decimal(1_250_000), Decimal("750000.50")]
    assert [row.metrics.impressions for row in export.rows] == [1000, 1000, 1_500_000, 1000]
    assert [row.metrics.link_clicks for row in export.rows] == [10, 10, 1200, 30]
    assert export.file_total == Decimal("3250000.50") == sum(spends(export))


def test_the_reviewers_other_bahasa_file_reads_every_form() -> None:
    # id_fmt.csv from the review: `1.250.000` and `500000,50` were refused, `Rp 500.000` read as 500.
    export = read(download(ID_HEADER, [day(20, "1.250.000"), day(21, "Rp 500.000"), day(22, "500000,50")]))
    assert export.rejected == []
    assert spends(export) == [Decimal(1_250_000), Decimal(500_000), Decimal("500000.50")]


def test_a_file_writing_numbers_both_ways_is_refused_cell_by_cell_not_guessed() -> None:
    data = download(
        ID_HEADER,
        [day(20, "1.250.000"), day(21, "1,250,000.50"), day(22, "500000"), day(23, "750.000")],
        title="Kopi Bogor - Kampanye - 20 Nov 2026 - 23 Nov 2026",
    )
    export = read(data)
    assert spends(export) == [Decimal(500_000)]  # plain digits read the same either way
    column = "Jumlah yang dibelanjakan (IDR)"
    both = "the file writes numbers both with '.' as the decimal mark (1,250,000.50 in row 5) and with ',' (1.250.000 "
    both += "in row 4); upload the file as Ads Manager exported it, or write every figure one way."
    assert problems(export) == {
        (4, column): f"1.250.000 cannot be read for sure: {both}",
        (5, column): f"1,250,000.50 cannot be read for sure: {both}",
        (7, column): f"750.000 cannot be read for sure: {both}",
    }


def test_a_three_decimal_rupiah_amount_is_never_read_as_decimals() -> None:
    # Meta's own Bahasa exports write `.` decimals (`100000.5`): then `750.000` could be 750 or 750000.
    export = read(download(ID_HEADER, [day(20, "100000.5"), day(21, "750.000"), day(22, "1,500")]))
    assert spends(export) == [Decimal("100000.5"), Decimal(1500)]  # `,` groups where `.` is the decimal mark
    assert problems(export) == {
        (3, "Jumlah yang dibelanjakan (IDR)"): "750.000 could be 750 or 750000: this file writes '.' as its decimal "
        "mark (100000.5 in row 2), but IDR amounts have no decimals; upload the file as Ads Manager exported it, or "
        "write the figure without thousands separators.",
    }
    # `1,500` is a fraction in the Bahasa convention, and counts have none.
    export = read(download(ID_HEADER, [day(20, "750.000", impressions="1,500")]))
    assert problems(export) == {
        (2, "Impresi"): "1,500 could be 1,5 or 1500: this file writes ',' as its decimal mark (its headers are in "
        "Bahasa Indonesia), but counts have no decimals; upload the file as Ads Manager exported it, or write the "
        "figure without thousands separators."
    }


def test_a_currency_sign_must_be_the_columns() -> None:
    export = read(download(ID_HEADER, [day(20, "IDR 1.250.000"), day(21, "Rp. 50.000,-"), day(22, "$1.250")]))
    assert spends(export) == [Decimal(1_250_000), Decimal(50_000)]
    assert problems(export) == {(4, "Jumlah yang dibelanjakan (IDR)"): "$1.250 is not in IDR; type it like 50.000.000."}


# --- English downloads: as before -------------------------------------------------------------------------------


def test_english_files_read_as_before() -> None:
    header = [h.replace("(IDR)", "(USD)") for h in EN_HEADER]
    rows = [day(20, "1,234.56", impressions="1,000"), day(21, "1234.56"), day(22, "1.25"), day(23, "1,250")]
    export = read(download(header, rows, title="Shop - Campaigns - Nov 20, 2026"), currency="USD")
    assert export.rejected == []
    assert spends(export) == [Decimal("1234.56"), Decimal("1234.56"), Decimal("1.25"), Decimal(1250)]
    assert export.rows[0].metrics.impressions == 1000
    idr = read(download(EN_HEADER, [day(20, "100000.5"), day(21, "250000")]))
    assert spends(idr) == [Decimal("100000.5"), Decimal(250_000)]


def test_an_english_rupiah_file_never_reads_a_grouped_amount_as_decimals() -> None:
    export = read(download(EN_HEADER, [day(20, "750.000")]))
    assert export.rows == []  # was imported as 750
    assert problems(export) == {
        (2, "Amount spent (IDR)"): "750.000 could be 750 or 750000: this file writes '.' as its decimal mark (its "
        "headers are in English), but IDR amounts have no decimals; upload the file as Ads Manager exported it, or "
        "write the figure without thousands separators."
    }
    # A figure that proves `.` groups settles it for the whole file.
    export = read(download(EN_HEADER, [day(20, "750.000"), day(21, "1.250.000")]))
    assert spends(export) == [Decimal(750_000), Decimal(1_250_000)]


# --- NaN and NULL ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["NaN", "NULL", "nan", "N/A", "#N/A", "null"])
def test_a_nan_or_null_count_is_refused_not_zero(marker: str) -> None:
    export = read(download(EN_HEADER, [day(20, "100000", impressions=marker), day(21, "100000", clicks=marker)]))
    assert export.rows == []
    assert problems(export) == {
        (2, "Impressions"): f"{marker} is not a count; type it like 12,500.",
        (3, "Link clicks"): f"{marker} is not a count; type it like 12,500.",
    }
    bahasa = read(download(ID_HEADER, [day(20, "100.000", impressions=marker)]))
    assert problems(bahasa) == {(2, "Impresi"): f"{marker} is not a count; type it like 12.500."}


def test_the_reviewers_nan_file_in_the_preview_and_the_cli(session, tmp_path: Path) -> None:
    rows = [day(5, "100000", impressions="NaN"), day(6, "100000", impressions="NULL"), day(7, "NaN")]
    rows.append(day(8, "1000", impressions="100"))
    data = download(EN_HEADER, rows)
    preview = preview_import(session, data, "Kopi-Bogor-Campaigns.csv")
    assert {(e.row, e.column): e.reason for e in preview.errors} == {
        (2, "Impressions"): "NaN is not a count; type it like 12,500.",
        (3, "Impressions"): "NULL is not a count; type it like 12,500.",
        (4, "Amount spent (IDR)"): "NaN is not an amount; type it like 50,000,000.",
    }
    assert [(r.start, r.metrics.impressions) for r in preview.rows] == [(dt.date(2026, 11, 8), 100)]
    path = tmp_path / "en_nan.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["import", "adsmanager", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "row 2, Impressions: NaN is not a count; type it like 12,500." in result.output
    assert "row 3, Impressions: NULL is not a count; type it like 12,500." in result.output
    assert "1 valid row(s)" in result.output


# --- through the database and the CLI -----------------------------------------------------------------------------


def test_a_bahasa_file_leaves_the_campaigns_correct_days_correct(session, tmp_path: Path) -> None:
    english = download(EN_HEADER, [day(20, "750000"), day(21, "500000")])
    first = apply_import(session, CLI_ACTOR, preview_import(session, english, "Kopi-Bogor-Campaigns.csv"))
    assert first.inserted == 2
    bahasa = download(ID_HEADER, [day(20, "750.000"), day(21, "Rp 500.000", impressions="1.000")])
    preview = preview_import(session, bahasa, "Kopi-Bogor-Kampanye.csv", AccountTarget(lookup=ACCOUNT))
    assert preview.spend == Decimal(1_250_000)
    again = apply_import(session, CLI_ACTOR, preview)
    assert (again.inserted, again.updated, again.changed) == (0, 0, False)  # the same figures: nothing overwritten
    stored = session.execute(
        select(CampaignInsight.date, CampaignInsight.spend).join(Campaign).where(Campaign.name == CAMPAIGN)
    )
    assert {d: Decimal(s) for d, s in stored} == {
        dt.date(2026, 11, 20): Decimal(750_000),
        dt.date(2026, 11, 21): Decimal(500_000),
    }
    path = tmp_path / "id_fmt2.csv"
    path.write_bytes(bahasa)
    result = CliRunner().invoke(app, ["import", "adsmanager", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "spend 1250000" in result.output


# --- property: whatever Babel writes reads back exactly ---------------------------------------------------------

PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
amounts = st.decimals(min_value=0, max_value=Decimal(10) ** 11, places=3, allow_nan=False, allow_infinity=False)


def _ambiguous_for_rupiah(text: str, decimal: str) -> bool:
    """`750,125` in a Bahasa file (`750.125` in an English one): three decimals of a rupiah amount under 1000,
    which the rule refuses rather than read as decimals."""
    head, mark, tail = text.rpartition(decimal)
    return bool(mark) and len(tail) == 3 and head.isdigit() and head[0] != "0"


@PROPERTY
@given(values=st.lists(amounts, min_size=1, max_size=5), prefix=st.sampled_from(["", "Rp", "Rp ", "IDR "]))
def test_any_amount_babel_writes_in_bahasa_reads_back_exactly(values: list[Decimal], prefix: str) -> None:
    texts = [format_decimal(value, locale="id") for value in values]
    rows = [
        day(index + 1, prefix + text, impressions=format_decimal(int(value), locale="id"))
        for index, (text, value) in enumerate(zip(texts, values, strict=True))
    ]
    export = read(download(ID_HEADER, rows, title="Kopi Bogor - Kampanye"))
    refused = {r.line - 4 for r in export.rejected}  # the title, a blank line and the header come first
    assert refused == {index for index, text in enumerate(texts) if _ambiguous_for_rupiah(text, ",")}
    assert spends(export) == [v for i, v in enumerate(values) if i not in refused]
    assert [r.metrics.impressions for r in export.rows] == [int(v) for i, v in enumerate(values) if i not in refused]
    plain = [day(index + 1, format_decimal(value, locale="id")) for index, value in enumerate(values)]
    usd = read(download([h.replace("(IDR)", "(USD)") for h in ID_HEADER], plain), currency="USD")
    assert usd.rejected == []
    assert spends(usd) == values  # a currency with decimals: every form is exact


@PROPERTY
@given(values=st.lists(amounts, min_size=1, max_size=5), currency=st.sampled_from(["USD", "IDR"]))
def test_any_amount_babel_writes_in_english_reads_back_exactly(values: list[Decimal], currency: str) -> None:
    header = [h.replace("(IDR)", f"({currency})") for h in EN_HEADER]
    texts = [format_decimal(value, locale="en") for value in values]
    rows = [
        day(index + 1, text, impressions=format_decimal(int(value), locale="en"))
        for index, (text, value) in enumerate(zip(texts, values, strict=True))
    ]
    export = read(download(header, rows), currency=currency)
    refused = {r.line - 2 for r in export.rejected}
    expected = {i for i, t in enumerate(texts) if currency == "IDR" and _ambiguous_for_rupiah(t, ".")}
    assert refused == expected
    assert spends(export) == [v for i, v in enumerate(values) if i not in refused]
    assert [r.metrics.impressions for r in export.rows] == [int(v) for i, v in enumerate(values) if i not in refused]
