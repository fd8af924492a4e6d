"""A workbook's number cells are the numbers they hold, in every import (`db.tabular.Row.numbers`,
`campaigns.number_rule.workbook_figure`).

Excel and Google Sheets keep a number cell as a number; its text in Pantau's reader is the number itself (`1234.5`:
a point, no grouping), whatever the sheet's language. Before, that text was read by the file's convention like any
other cell: with `,` as the decimal mark (chosen by the person, or proven by the sheet's text cells, or by Bahasa
headers) `1.085` became 1085, and a sheet mixing number cells (`1234.5`) with text cells (`1.250,50`) was refused as
writing both marks. Now number cells prove nothing and are read as numbers; text cells follow the file's convention
as before. Workbooks written here with openpyxl (.xlsx) and xlwt (.xls); real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import xlwt
from sqlalchemy import select

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.models import CampaignInsight
from campaigns.number_rule import NumberRule, workbook_figure
from campaigns.platform_import import apply_report, preview_report
from campaigns.platform_reports import TIKTOK
from db.parse import parse_amount
from db.roles import CLI_ACTOR
from db.tabular import read_table
from influencers.deliverables import import_results
from influencers.models import Deliverable, PromoSale
from influencers.promo_sales import import_promo_sales
from tests import builders as b
from tests.influencers.conftest import SPECIALIST

D = dt.date


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls(rows: list[list[object]]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("make", "name"), [(_xlsx, "sheet.xlsx"), (_xls, "sheet.xls")])
def test_the_reader_marks_number_cells_and_only_those(make, name) -> None:
    data = make(
        [["Name", "Amount", "Text amount", "When"], ["Ayu", 1234.5, "1.250,50", "2026-11-03"], ["12", 7, "", ""]]
    )
    table = read_table(data, name)
    first, second = table.rows
    assert first.cells[:3] == ("Ayu", "1234.5", "1.250,50")
    assert first.numbers == frozenset({1})  # the text "1.250,50" and the names are text
    assert second.numbers == frozenset({1})  # "12" written as text stays text; 7 is a number
    assert table.typed_number(first, "amount")
    assert not table.typed_number(first, "text amount")
    csv = read_table(b"Name,Amount\nAyu,1234.5\n", "sheet.csv")
    assert csv.rows[0].numbers == frozenset()  # every CSV cell is text


@pytest.mark.parametrize("value", ["1234.5", "-0.085", "1.085", "16250", "0.0000634", "12.345"])
@pytest.mark.parametrize("mark", [".", ","])
def test_a_number_cells_text_reads_as_that_number_under_either_mark(value: str, mark: str) -> None:
    rule = NumberRule(mark, None)  # type: ignore[arg-type]
    text = workbook_figure(value, rule)
    assert parse_amount(text, "BHD", rule.locale, allow_negative=True, exact=True) == Decimal(value)


def _sgd_program(session):
    program = b.program(session, name="Kopi SG", currency="SGD")
    ayu = b.collaboration(session, program, b.influencer(session, name="Ayu"), promo_code="KOPIAYU")
    budi = b.collaboration(session, program, b.influencer(session, name="Budi"), promo_code="KOPIBUDI")
    session.flush()
    return program, ayu, budi


def _sales(session, collaboration_id: int) -> list[tuple[dt.date, int, Decimal]]:
    rows = session.scalars(select(PromoSale).where(PromoSale.collaboration_id == collaboration_id))
    return [(r.period_start, r.orders, r.revenue) for r in rows]


def test_promo_sales_number_cells_beside_indonesian_text_cells(session) -> None:
    """Number cells (1234.5) beside text cells proving Indonesian marks (`1.250,50`): before, refused as a file
    writing both marks; now each is read as it is."""
    program, ayu, budi = _sgd_program(session)
    data = _xlsx(
        [
            ["code", "date", "orders", "revenue"],
            ["KOPIAYU", "2026-11-03", 3, 1234.5],
            ["KOPIBUDI", "2026-11-04", "2", "1.250,50"],
        ]
    )
    report = import_promo_sales(session, SPECIALIST, program.id, data, shop="shopify", file_name="sales.xlsx")
    assert (report.refused, report.problems) == (False, [])
    assert _sales(session, ayu.id) == [(D(2026, 11, 3), 3, Decimal("1234.50"))]
    assert _sales(session, budi.id) == [(D(2026, 11, 4), 2, Decimal("1250.50"))]


def test_promo_sales_number_cells_with_the_comma_chosen(session) -> None:
    """With `,` chosen, the number cell 12.5 is 12.50 (before: refused as proving the other mark) and the text
    cell `1.250` is 1250."""
    program, ayu, budi = _sgd_program(session)
    data = _xlsx(
        [
            ["code", "date", "orders", "revenue"],
            ["KOPIAYU", "2026-11-03", 1, 12.5],
            ["KOPIBUDI", "2026-11-04", 1, "1.250"],
        ]
    )
    report = import_promo_sales(
        session, SPECIALIST, program.id, data, shop="shopify", file_name="sales.xlsx", decimal_mark=","
    )
    assert (report.refused, report.problems) == (False, [])
    assert _sales(session, ayu.id) == [(D(2026, 11, 3), 1, Decimal("12.50"))]
    assert _sales(session, budi.id) == [(D(2026, 11, 4), 1, Decimal("1250.00"))]


def test_results_number_cells_are_read_as_numbers_under_bahasa_headers(session) -> None:
    """Bahasa headers make `,` the decimal mark; a number cell 1.25 (a USD revenue) was read as 125 before."""
    program = b.program(session, name="Kopi US", currency="USD")
    items = [
        b.deliverable(
            session, b.collaboration(session, program, currency="USD"), status="published", url=f"https://x.test/{n}"
        )
        for n in range(2)
    ]
    session.flush()
    data = _xlsx(
        [
            ["deliverable_id", "tayangan", "pendapatan"],
            [items[0].id, 1500, 1.25],
            [items[1].id, "1.500", "1.250,75"],
        ]
    )
    report = import_results(session, SPECIALIST, data, program_id=program.id, file_name="hasil.xlsx")
    assert (report.rejected, report.problems) == (0, [])
    session.expire_all()
    assert [(session.get(Deliverable, i.id).views, session.get(Deliverable, i.id).revenue) for i in items] == [
        (1500, Decimal("1.25")),
        (1500, Decimal("1250.75")),
    ]


def test_a_tiktok_workbook_with_a_text_cost_in_indonesian_marks_beside_number_cells(session) -> None:
    """TikTok's export writes numbers as numbers; a cost typed as text `845.000,25` beside number cells (830500.5)
    was refused as a file writing both marks; now both are read."""
    header = [
        "By Day",
        "Campaign name",
        "Campaign ID",
        "Cost",
        "Impressions",
        "Clicks (destination)",
        "Conversions",
        "Currency",
    ]
    data = _xlsx(
        [
            header,
            ["2026-07-01", "In-feed - Katalog", "1771234567890124", 830500.5, 164210, 2210, 18, "IDR"],
            ["2026-07-02", "In-feed - Katalog", "1771234567890124", "845.000,25", "166.002", 2302, 0, "IDR"],
        ]
    )
    preview = preview_report(session, TIKTOK, data, "tiktok.xlsx", account="7100")
    assert preview.errors == []
    apply_report(session, CLI_ACTOR, preview)
    spend = {row.date: (row.spend, row.impressions) for row in session.scalars(select(CampaignInsight))}
    assert spend == {D(2026, 7, 1): (Decimal("830500.5"), 164210), D(2026, 7, 2): (Decimal("845000.25"), 166002)}


def test_an_ads_manager_workbook_in_bahasa_reads_its_number_cells_as_numbers(session) -> None:
    """Bahasa headers make `,` the decimal mark of text figures; USD spend in number cells (1.25, 12.345 from a
    formula) is read as it is, and a text cell `1.250,50` beside them as 1250.50 (before: refused as mixed)."""
    header = ["Nama kampanye", "ID kampanye", "Hari", "Jumlah yang dibelanjakan (USD)", "Impresi"]
    data = _xlsx(
        [
            header,
            ["Ramadan Sale", "120210000000000123", dt.datetime(2026, 6, 1), 1.25, 1000],
            ["Ramadan Sale", "120210000000000123", dt.datetime(2026, 6, 2), "1.250,50", "2.000"],
            ["Ramadan Sale", "120210000000000123", dt.datetime(2026, 6, 3), 12.345, 3000],
        ]
    )
    preview = preview_import(session, data, "Kopi-Kampanye.xlsx", AccountTarget())
    assert preview.errors == []
    apply_import(session, CLI_ACTOR, preview)
    spend = {row.date: (row.spend, row.impressions) for row in session.scalars(select(CampaignInsight))}
    assert spend == {
        D(2026, 6, 1): (Decimal("1.25"), 1000),
        D(2026, 6, 2): (Decimal("1250.50"), 2000),
        D(2026, 6, 3): (Decimal("12.345"), 3000),
    }
