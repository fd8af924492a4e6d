"""Formula injection: text cells that start with = + - @ tab or CR are neutralised; numbers never are."""

from __future__ import annotations

import pytest

from finance.csvfile import iter_csv, neutralise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+62 812", "'+62 812"),
        ("-Retarget", "'-Retarget"),
        ("@budi", "'@budi"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Kopi = enak", "Kopi = enak"),
        ("", ""),
        ("'already", "'already"),
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_only_text_columns_are_neutralised() -> None:
    rows = [["-12.50", "=cmd|' /C calc'!A0", "-3"]]
    content = b"".join(iter_csv(["amount", "name", "count"], [1], rows, bom=False))
    assert content == b"amount,name,count\r\n-12.50,'=cmd|' /C calc'!A0,-3\r\n"


def test_exports_neutralise_names_but_not_negative_amounts(fs) -> None:
    import datetime as dt

    from finance.exports import export_chunks, read_rows
    from tests.finance.conftest import NOW

    content = b"".join(
        export_chunks(fs, "influencer-payments", dt.date(2026, 10, 1), dt.date(2026, 11, 30), "IDR", now=NOW)
    )
    header, rows = read_rows(content)
    ix = {c: i for i, c in enumerate(header)}
    refund = next(r for r in rows if r[ix["amount"]].startswith("-"))
    assert refund[ix["amount"]] == "-50000"
    assert refund[ix["amount_reporting"]] == "-50000"
    assert refund[ix["invoice_number"]] == "'-refund"
    assert refund[ix["influencer"]] == '\'@budi, the "barista"'
    daily = b"".join(export_chunks(fs, "campaign-daily", dt.date(2026, 10, 1), dt.date(2026, 11, 30), "IDR", now=NOW))
    assert b"'=HYPERLINK" in daily
    assert b",=HYPERLINK" not in daily
    assert b'"=HYPERLINK' not in daily
