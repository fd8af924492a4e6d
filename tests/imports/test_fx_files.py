"""FX rate files through the one tabular reader: Pantau's CSV in other encodings and delimiters, JISDOR below
title lines, duplicate columns and unreadable files refused with one sentence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from db.roles import CLI_ACTOR
from finance.fx import FxError, import_rates_csv
from finance.models import FxRate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _rates(session) -> dict[tuple[dt.date, str, str], Decimal]:
    rows = session.execute(select(FxRate.date, FxRate.from_currency, FxRate.to_currency, FxRate.rate))
    return {(d, f, t): Decimal(r) for d, f, t, r in rows}


def test_semicolons_utf16_and_cr_line_ends_read_the_same_rates(session) -> None:
    text = "Date;From;To;Rate\r2026-07-01;USD;IDR;16250\r2026-07-01;SGD;IDR;12610.5\r"
    result = import_rates_csv(session, CLI_ACTOR, text.encode("utf-16"))
    assert (result.created, result.errors, result.format) == (2, [], "pantau")
    assert _rates(session) == {
        (dt.date(2026, 7, 1), "USD", "IDR"): Decimal("16250"),
        (dt.date(2026, 7, 1), "SGD", "IDR"): Decimal("12610.5"),
    }


def test_jisdor_below_title_lines_keeps_the_files_line_numbers(session) -> None:
    text = "Kurs Referensi JISDOR\nPeriode: Oktober 2026\n\nNo;Tanggal;Kurs\n1;30/10/2026;16.234,00\n2;29/10/2026;abc\n"
    result = import_rates_csv(session, CLI_ACTOR, text.encode("cp1252"))
    assert (result.created, result.format) == (1, "jisdor")
    assert result.errors == ["row 6: Kurs: 'abc' is not a number such as 16.234,00"]


def test_a_column_given_twice_is_refused(session) -> None:
    with pytest.raises(FxError) as caught:
        import_rates_csv(session, CLI_ACTOR, (FIXTURES / "fx_rates_duplicate_rate.csv").read_bytes())
    assert str(caught.value) == "The FX file's header has rate twice (rate and rate); keep one column."


def test_an_unreadable_file_is_the_readers_sentence(session) -> None:
    with pytest.raises(FxError) as caught:
        import_rates_csv(session, CLI_ACTOR, b'date,from,to,rate\n2026-07-01,USD,IDR,"16250\n')
    assert str(caught.value) == (
        "Line 2 opens a quote that is not closed where it should be, so the lines after it would be read as one "
        "cell; fix or remove that quote and upload the file again."
    )
