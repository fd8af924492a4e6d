"""The FX rates import honours the rows the tabular reader flags: a download cut mid-row or a row with more cells
than the header (an unquoted thousands comma) is refused by row with the reader's reason, never padded with
blanks and never stored as a shorter rate; a cut note line under a JISDOR table stays a note."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.roles import CLI_ACTOR
from db.tabular import EXTRA_CELLS, ROW_ENDS_EARLY
from finance.fx import import_rates_csv
from finance.models import FxRate

D = dt.date
PANTAU = b"\xef\xbb\xbfdate,from,to,rate,source\r\n2026-07-01,USD,IDR,16250.25,bi\r\n2026-07-01,SGD,IDR,12610.5,bi\r\n"
LAST = b"2026-07-02,USD,IDR,16234.5,bi"


def _rates(session) -> dict[tuple[dt.date, str, str], tuple[Decimal, str]]:
    rows = session.execute(select(FxRate.date, FxRate.from_currency, FxRate.to_currency, FxRate.rate, FxRate.source))
    return {(d, f, t): (Decimal(r), s) for d, f, t, r, s in rows}


def test_a_rates_file_cut_after_the_rate_is_refused_not_stored_with_the_default_source(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, PANTAU + b"2026-07-02,USD,IDR,16234", source="csv:rates.csv")
    assert (result.created, result.updated) == (2, 0)
    assert result.errors == ["row 4: Row 4 ends early: 4 of 5 columns; the file may be cut off, so download it again."]
    assert [(row, message.text) for row, message in result.problems] == [(4, ROW_ENDS_EARLY)]
    assert (D(2026, 7, 2), "USD", "IDR") not in _rates(session)


@pytest.mark.parametrize("cut", range(1, len(LAST)))
def test_wherever_the_download_stops_no_other_rate_is_stored(session, cut: int) -> None:
    result = import_rates_csv(session, CLI_ACTOR, PANTAU + LAST[:cut])
    stored = _rates(session).get((D(2026, 7, 2), "USD", "IDR"))
    if stored is not None:  # only the source cell was cut: the rate itself is whole
        assert stored[0] == Decimal("16234.5")
        assert LAST[:cut].startswith(b"2026-07-02,USD,IDR,16234.5,")
    else:
        assert [row for row, _message in result.problems] == [4]
    if LAST[:cut].count(b",") < 4:
        assert [message.text for _row, message in result.problems] == [ROW_ENDS_EARLY]
    assert result.created == 2 + (stored is not None)


def test_an_unquoted_thousands_comma_is_refused_not_read_as_16(session) -> None:
    data = b"date,from,to,rate\n2026-07-01,USD,IDR,16250\n2026-07-03,USD,IDR,16,234.50\n"
    result = import_rates_csv(session, CLI_ACTOR, data)
    assert result.created == 1
    assert [(row, message.text) for row, message in result.problems] == [(3, EXTRA_CELLS)]
    assert result.errors == [
        "row 3: Row 3 has 1 more cell(s) than the header; check that row for an unquoted delimiter."
    ]
    assert (D(2026, 7, 3), "USD", "IDR") not in _rates(session)


JISDOR = (
    "Kurs Referensi JISDOR\r\nPeriode: Oktober 2026\r\n\r\nNo;Tanggal;Kurs\r\n"
    "1;30/10/2026;16.234,00\r\n2;29/10/2026;16.201,50\r\n"
).encode("cp1252")


def test_a_jisdor_download_cut_after_the_date_names_the_cut_not_an_empty_rate(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, JISDOR + b"3;28/10/2026")
    assert (result.created, result.format) == (2, "jisdor")
    assert [(row, message.text) for row, message in result.problems] == [(7, ROW_ENDS_EARLY)]
    assert (D(2026, 10, 28), "USD", "IDR") not in _rates(session)


def test_a_note_under_the_jisdor_table_without_a_final_line_end_is_still_a_note(session) -> None:
    result = import_rates_csv(session, CLI_ACTOR, JISDOR + b"Sumber: Bank Indonesia")
    assert (result.created, result.errors) == (2, [])
    assert _rates(session)[(D(2026, 10, 29), "USD", "IDR")] == (Decimal("16201.5"), "jisdor")
