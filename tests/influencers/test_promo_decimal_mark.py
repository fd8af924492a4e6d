"""The person may choose the decimal mark of a promo code sales file (`import_promo_sales(..., decimal_mark=...)`,
`import promo-sales --decimal-mark`, the Programs page's "Decimal mark" select), as the FX rates import offers it:
an English-headed file of IDR sales written `150.000` on every row proves no mark, its headers alone say `.`, and
rupiah have no decimals, so each amount reads two ways (150 or 150000) and is refused; with `,` chosen each is
150000. Under a chosen mark a figure proving the other mark is refused by row; a whole-number figure is read by the
choice (`150.000` with `.` is 150). Real database (SQLite and PostgreSQL), the command line, and the Programs page
in Bahasa Indonesia (AppTest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.errors import FieldErrors
from influencers.models import PromoSale
from influencers.promo_sales import decimal_mark_needed, import_promo_sales
from tests.cli_run import run_cli
from tests.influencers.conftest import SPECIALIST, program_tab
from tests.influencers.test_promo_sales import _cli_program, _stored
from tests.influencers.test_promo_sales import shop as promo_shop
from tests.influencers.test_promo_sales_page import PROGRAMS, _cells, _program, _shop, _texts
from tests.pages import open_page

D = dt.date
# Every amount `150.000`: rupiah have no decimals, so under English headers it is 150 or 150000.
DOTTED = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,150.000\nKOPIBUDI,2026-11-04,2,150.000\n"
REFUSED = (
    "150.000 could be 150 or 150000: this file writes '.' as its decimal mark (its headers are in English), but IDR "
    "amounts have no decimals; write the figure without thousands separators or in the same format as the file's "
    "other figures, or give the decimal mark with --decimal-mark (. or ,)."
)
# Row 4 writes `1,250.50`: a decimal dot, the other mark than `,`.
CONTRADICTING = DOTTED + b'KOPIAYU,2026-11-05,1,"1,250.50"\n'
CONTRADICTS = (
    "1,250.50 writes '.' as its decimal mark, but the decimal mark chosen is ','; correct the figure, or choose '.' if "
    "the whole file writes it so."
)
DECIMAL_MARK = "prog_promo_decimal_mark"
shop = promo_shop  # the IDR program of Ayu (KOPIAYU) and Budi (KOPIBUDI)


def test_dotted_rupiah_under_english_headers_are_refused_then_read_with_the_comma(session, shop) -> None:
    program, ayu, budi = shop
    assert decimal_mark_needed(DOTTED, currency="IDR")
    refused = import_promo_sales(session, SPECIALIST, program.id, DOTTED, shop="shopify")
    assert refused.refused
    assert [(line, name, str(reason)) for line, name, reason in refused.problems] == [
        (2, "net", REFUSED),
        (3, "net", REFUSED),
    ]
    assert session.scalars(select(PromoSale)).all() == []
    report = import_promo_sales(session, SPECIALIST, program.id, DOTTED, shop="shopify", decimal_mark=",")
    assert (report.refused, report.problems, report.written) == (False, [], True)
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 1, Decimal(150000))]
    assert _stored(session, budi.id) == [(D(2026, 11, 4), D(2026, 11, 4), 2, Decimal(150000))]
    assert report.numbers is not None
    assert report.numbers.chosen
    assert str(report.numbers.read_with()) == "Figures read with ',' as the decimal mark (you chose it)."


def test_a_whole_number_figure_is_read_by_the_choice_whichever_mark(session, shop) -> None:
    program, ayu, _budi = shop
    report = import_promo_sales(session, SPECIALIST, program.id, DOTTED, shop="shopify", decimal_mark=".")
    assert (report.refused, report.problems) == (False, [])
    assert _stored(session, ayu.id) == [(D(2026, 11, 3), D(2026, 11, 3), 1, Decimal(150))]  # the preview shows it


def test_a_figure_proving_the_other_mark_is_refused_by_row(session, shop) -> None:
    program, _ayu, _budi = shop
    assert decimal_mark_needed(CONTRADICTING, currency="IDR")  # `1,250.50` proves '.': 150.000 still reads two ways
    report = import_promo_sales(session, SPECIALIST, program.id, CONTRADICTING, shop="shopify", decimal_mark=",")
    assert report.refused
    assert [(line, name, str(reason)) for line, name, reason in report.problems] == [(4, "net", CONTRADICTS)]
    assert session.scalars(select(PromoSale)).all() == []  # one refused row refuses the file


def test_files_that_read_one_way_need_no_choice() -> None:
    assert not decimal_mark_needed(b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,150000\n", currency="IDR")
    assert not decimal_mark_needed(b'code,date,orders,revenue\nKOPIAYU,2026-11-03,1,"150,000"\n', currency="IDR")
    # Bahasa headers write ',' as the decimal mark: `150.000` is 150000, one way
    assert not decimal_mark_needed(b"kode;tanggal;pesanan;pendapatan\nKOPIAYU;03/11/2026;1;150.000\n", currency="IDR")
    # dollars have cents: `150.00` proves the dot
    assert not decimal_mark_needed(b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,150.00\n", currency="USD")
    assert not decimal_mark_needed(b"not,a,sales,file\n1,2,3,4\n", currency="IDR")  # refused anyway
    assert decimal_mark_needed(b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1.000,1500000\n", currency="IDR")


def test_a_mark_that_is_not_one_is_refused_before_reading(session, shop) -> None:
    program, _ayu, _budi = shop
    with pytest.raises(FieldErrors) as caught:
        import_promo_sales(session, SPECIALIST, program.id, DOTTED, shop="shopify", decimal_mark=";")
    assert str(caught.value.messages["decimal_mark"]) == "; is not a decimal mark; use . (1,250.50) or , (1.250,50)"


def test_the_command_line_takes_the_decimal_mark(migrated_url: str, tmp_path) -> None:
    program_id, ayu_id = _cli_program(migrated_url)
    sales = tmp_path / "sales.csv"
    sales.write_bytes(DOTTED)
    args = ("import", "promo-sales", "--program", str(program_id), "--shop", "shopify", str(sales))
    refused = run_cli(*args)
    assert refused.returncode == 2
    assert ("row 2, net: " + REFUSED).encode() in refused.stderr
    bad = run_cli(*args, "--decimal-mark", "x")
    assert bad.returncode == 2
    assert b"--decimal-mark x: use . (1,250.50: a dot before the decimals) or , (1.250,50: a comma)" in bad.stderr
    done = run_cli(*args, "--decimal-mark", ",")
    assert done.returncode == 0, done.stderr
    assert b"Figures read with ',' as the decimal mark (you chose it)." in done.stdout
    with session_scope(migrated_url) as s:
        assert _stored(s, ayu_id) == [(D(2026, 11, 3), D(2026, 11, 3), 1, Decimal(150000))]


def _upload(app_test, data: bytes):
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("sales.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    _shop(at).select("shopify").run()
    assert not at.exception, at.exception
    return at


def test_the_programs_page_asks_for_the_decimal_mark_only_when_needed_then_imports(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = _upload(app_test, DOTTED)
    mark = at.selectbox(key=DECIMAL_MARK)
    assert mark.label == "Tanda desimal"
    assert mark.value is None
    assert mark.options == [
        "Titik (1.345 adalah satu koma tiga empat lima)",
        "Koma (1.345 adalah seribu tiga ratus empat puluh lima)",
    ]
    reasons = _cells(at, "problems", "id")
    ambiguous = [r for r in reasons if r.startswith("150.000 bisa berarti 150 atau 150000")]
    assert len(ambiguous) == 2, reasons
    assert all(r.endswith(", atau pilih tanda desimal di atas.") for r in ambiguous), ambiguous
    assert not any("--decimal-mark" in r for r in reasons), reasons
    assert not [b for b in at.button if b.key == "prog_promo_go"]  # refused: nothing to import yet
    mark.select(",").run()
    assert not at.exception, at.exception
    assert not at.error, _texts(at.error)
    assert at.selectbox(key=DECIMAL_MARK).value == ","  # the choice stays
    assert "Angka dibaca dengan ',' sebagai tanda desimal (Anda memilihnya)." in _texts(at.caption)
    assert "Rp150.000" in _cells(at, "preview")
    with session_scope(migrated_url) as s:
        assert s.scalars(select(PromoSale)).all() == []  # the preview writes nothing
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    assert at.success, _texts(at.error)
    with session_scope(migrated_url) as s:
        stored = {(r.code, r.orders, r.revenue) for r in s.scalars(select(PromoSale))}
    assert stored == {("KOPIAYU", 1, Decimal(150000)), ("KOPIBUDI", 2, Decimal(150000))}


def test_a_file_that_reads_one_way_shows_no_decimal_mark_choice(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = _upload(app_test, b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,150000\n")
    assert not [box for box in at.selectbox if box.key == DECIMAL_MARK]
    assert not at.error, _texts(at.error)
    assert "Rp150.000" in _cells(at, "preview")
