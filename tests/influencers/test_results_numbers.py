"""The deliverable results import reads every figure of a file in ONE number convention decided from all its
figures (campaigns.number_rule, as the ad imports do): an Indonesian Excel file's `1.250.000` and `12.500` are read
as written, an English file's `1,250,000.50` too, a figure the convention cannot read safely is refused with a
reason, and the import's refusals are messages with Bahasa Indonesia translations."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.errors import Message
from influencers import deliverables as d
from influencers.deliverables import import_results
from pages.components.i18n import _catalog
from tests import builders as b
from tests.influencers.conftest import SPECIALIST


def _world(session, *currencies: str):
    """A program with one published deliverable per currency (each its own creator's collaboration)."""
    program = b.program(session, currency=currencies[0])
    items = []
    for n, code in enumerate(currencies):
        collab = b.collaboration(session, program, currency=code)
        items.append(b.deliverable(session, collab, status="published", url=f"https://instagram.com/p/r{n}"))
    session.flush()
    return program, items


def _bahasa(message: Message) -> str:
    catalog = _catalog("id")
    return message.render(lambda text: catalog.get(text, text))


def test_an_indonesian_excel_file_reads_its_grouped_rupiah_and_counts(session) -> None:
    program, (item,) = _world(session, "IDR")
    # Excel on an Indonesian Windows: cp1252, `;` between cells, CRLF, Bahasa headers, `Rp` and `,-` in revenue
    data = (
        "Hasil konten Kopi Launch;;;;;;;\r\n"  # a title line above the header
        "deliverable_id;Jangkauan;Tayangan;Suka;Komentar;Klik;Konversi;Pendapatan\r\n"
        f"{item.id};45.210;120.500;8.930;412;1.250;37;Rp 16.201.500,-\r\n"
        "Jumlah;45.210;120.500;8.930;412;1.250;37;Rp 16.201.500,-\r\n"  # the sheet's totals row
    ).encode("cp1252")
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert (report.updated, report.rejected, report.totals, report.problems) == (1, 0, 1, [])
    assert report.numbers is not None
    assert report.numbers.decimal == ","
    assert (item.reach, item.views, item.likes, item.comments, item.clicks) == (45210, 120500, 8930, 412, 1250)
    assert (item.conversions, item.revenue) == (37, Decimal("16201500"))


def test_bahasa_headers_decide_counts_that_prove_nothing(session) -> None:
    program, (item,) = _world(session, "IDR")
    data = f'deliverable_id,tayangan,suka\n{item.id},"12.500",830\n'.encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert (report.updated, item.views, item.likes) == (1, 12500, 830)


def test_an_english_file_reads_dollars_and_counts_with_commas(session) -> None:
    program, (item,) = _world(session, "USD")
    data = f'Deliverable ID,Views,Likes,Revenue\n{item.id},"12,500",830,"$1,250,000.50"\n'.encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert (report.updated, report.problems) == (1, [])
    assert (item.views, item.likes, item.revenue) == (12500, 830, Decimal("1250000.50"))


def test_a_count_the_file_convention_cannot_read_is_refused_with_its_reason(session) -> None:
    program, (item,) = _world(session, "IDR")
    # English headers and no figure proving the marks: `.` is the decimal mark, so `12.500` is 12.5 or 12500
    report = import_results(
        session, SPECIALIST, f"deliverable_id,views\n{item.id},12.500\n".encode(), program_id=program.id
    )
    ((row, name, reason),) = report.problems
    assert (row, name, reason.text) == (2, "views", d.AMBIGUOUS_FIGURE)
    assert str(reason) == (
        "12.500 could be 12.5 or 12500: this file writes '.' as its decimal mark (its headers are in English), but "
        "counts have no decimals; write the figure without thousands separators or in the same format as the "
        "file's other figures, or give the decimal mark with --decimal-mark (. or ,)."
    )
    assert "12.500" in _bahasa(reason)
    assert "tanpa pemisah ribuan" in _bahasa(reason)
    assert item.views is None


def test_a_file_written_both_ways_refuses_the_figures_whose_reading_depends_on_it(session) -> None:
    program, (first, second) = _world(session, "IDR", "USD")
    data = (
        "deliverable_id,views,revenue\n"
        f"{first.id},1.250.000,1.250.000\n"  # Indonesian marks
        f'{second.id},2500,"1,250.50"\n'  # English marks
    ).encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert report.updated == 0
    assert {(row, name) for row, name, _r in report.problems} == {(2, "views"), (2, "revenue"), (3, "revenue")}
    assert all(r.text == d.MIXED_NUMBERS for _row, _name, r in report.problems)
    assert "1,250.50 in row 3" in str(report.problems[0][2])


def test_the_imports_own_refusals_are_messages_with_bahasa_translations(program_setup, session) -> None:
    program, _person, collab = program_setup
    item = b.deliverable(session, collab, status="published", url="https://instagram.com/p/own")
    session.flush()
    data = (
        "deliverable_id,url,views\n"
        f"{item.id},,2000\n"
        f"{item.id},,3000\n"  # again
        "999,,5\n"  # unknown
        ",https://nowhere.example,1\n"  # unknown link
        ",,7\n"  # names nothing
        "Total,,10007\n"  # a totals row: skipped, not refused
    ).encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    reasons = {(row, name): reason for row, name, reason in report.problems}
    assert report.totals == 1
    assert {k: r.text for k, r in reasons.items()} == {
        (3, "deliverable_id"): d.ALSO_IN_ROW,
        (4, "deliverable_id"): d.NO_DELIVERABLE_IN_PROGRAM,
        (5, "url"): d.NO_LINK,
        (6, "deliverable_id"): d.NO_TARGET,
    }
    assert str(reasons[(3, "deliverable_id")]) == f"deliverable #{item.id} is also in row 2"
    assert str(reasons[(4, "deliverable_id")]) == "no deliverable #999 in this program"
    assert _bahasa(reasons[(3, "deliverable_id")]) == f"deliverable #{item.id} juga ada di baris 2"
    assert _bahasa(reasons[(4, "deliverable_id")]) == "tidak ada deliverable #999 di program ini"
    for reason in reasons.values():
        assert _bahasa(reason) != str(reason)


def test_without_a_program_an_unknown_deliverable_is_named_plainly(session) -> None:
    _program, (item,) = _world(session, "IDR")
    report = import_results(session, SPECIALIST, f"deliverable_id,views\n{item.id + 1000},5\n".encode())
    ((_row, _name, reason),) = report.problems
    assert (reason.text, str(reason)) == (d.NO_DELIVERABLE, f"no deliverable #{item.id + 1000}")
    assert _bahasa(reason) == f"tidak ada deliverable #{item.id + 1000}"


COUNTS = st.integers(min_value=0, max_value=10**12)
IDR = st.integers(min_value=0, max_value=10**12).map(Decimal)
USD = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    locale=st.sampled_from(["en_US", "id"]),
    views=COUNTS,
    likes=COUNTS,
    rupiah=IDR,
    dollars=USD,
)
def test_figures_written_in_either_convention_read_back_exactly(
    session, locale: str, views: int, likes: int, rupiah: Decimal, dollars: Decimal
) -> None:
    program, (idr, usd) = _world(session, "IDR", "USD")

    def cell(value: Decimal | int, pattern: str) -> str:
        return '"' + format_decimal(value, format=pattern, locale=locale) + '"'

    # the dollar amount is written with its cents, so the file always proves its convention
    data = (
        "deliverable_id,views,likes,revenue\n"
        f"{idr.id},{cell(views, '#,##0')},{cell(likes, '#,##0')},{cell(rupiah, '#,##0')}\n"
        f"{usd.id},{cell(likes, '#,##0')},{cell(views, '#,##0')},{cell(dollars, '#,##0.00')}\n"
    ).encode()
    report = import_results(session, SPECIALIST, data, program_id=program.id)
    assert report.problems == [], (data, [str(r) for _row, _f, r in report.problems])
    assert (idr.views, idr.likes, idr.revenue) == (views, likes, rupiah)
    assert (usd.views, usd.likes, usd.revenue) == (likes, views, dollars)
