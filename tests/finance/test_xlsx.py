"""XLSX exports: the CSV's rows as typed cells (IDs as text, exact money, real dates), header, widths, limits."""

from __future__ import annotations

import datetime as dt
import gc
import io
import sys
import zipfile
from decimal import Decimal

import openpyxl.worksheet._writer as openpyxl_writer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from finance.csvfile import iter_csv
from finance.exports import EXPORTS, ExportError, export_chunks, get_spec, read_rows, xlsx_bytes
from finance.exports import xlsx as xlsx_module
from finance.exports.xlsx import csv_rows, write_xlsx
from tests import builders as b
from tests.finance.conftest import NOW

SINCE, UNTIL = dt.date(2026, 10, 1), dt.date(2026, 11, 30)
LONG_ACCOUNT = "120210000000000001"  # 18 digits: a float would make it 1.2021E+17
LONG_CAMPAIGN = "120210000000000123"


def _csv(session, name: str, currency: str = "IDR") -> bytes:
    return b"".join(export_chunks(session, name, SINCE, UNTIL, currency, now=NOW))


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def _same_value(cell, text: str) -> bool:
    """The cell holds what the CSV cell says: the same text, the same number exactly, the same day."""
    if text == "":
        return cell.value is None
    if cell.data_type == "s":
        return cell.value == text
    if isinstance(cell.value, dt.datetime):
        shown = cell.value.date().isoformat()
        return shown == text or (len(text) == 7 and shown == text + "-01")
    return Decimal(str(cell.value)) == Decimal(text)


@pytest.mark.parametrize("currency", ["IDR", "USD"])
@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_export_has_the_csv_rows_and_columns(fs, name: str, currency: str) -> None:
    content = _csv(fs, name, currency)
    header, rows = read_rows(content)
    sheet = _sheet(xlsx_bytes(name, content))
    got = list(sheet.iter_rows())
    assert [c.value for c in got[0]] == header
    assert len(got) - 1 == len(rows) > 0
    for cells, row in zip(got[1:], rows, strict=True):
        padded = list(cells) + [None] * (len(row) - len(cells))
        for column, cell, text in zip(header, padded, row, strict=True):
            if cell is None:
                assert text == "", (column, text)
            else:
                assert _same_value(cell, text), (column, cell.value, text)


def test_ids_are_text_money_exact_dates_real(fs) -> None:
    idr = b.account(fs, account_id=LONG_ACCOUNT, name="Toko Batik")
    campaign = b.campaign(fs, idr, meta_id=LONG_CAMPAIGN, name="Harbolnas 12.12")
    b.insights(fs, campaign, [dt.date(2026, 11, 30)], spend="1234567890123", impressions=5, clicks=1)
    fs.flush()
    content = _csv(fs, "campaign-daily")
    header, _rows = read_rows(content)
    sheet = _sheet(xlsx_bytes("campaign-daily", content))
    col = {c: i for i, c in enumerate(header)}
    found = [r for r in sheet.iter_rows(min_row=2) if r[col["campaign_id"]].value == LONG_CAMPAIGN]
    assert len(found) == 1
    row = found[0]
    assert row[col["account_id"]].data_type == "s"
    assert row[col["account_id"]].value == LONG_ACCOUNT
    assert row[col["campaign_id"]].data_type == "s"
    spend = row[col["spend"]]
    assert spend.data_type == "n"
    assert spend.value == 1234567890123
    assert spend.number_format == "#,##0"
    assert row[col["date"]].value == dt.datetime(2026, 11, 30)
    assert row[col["date"]].number_format == "yyyy-mm-dd"
    assert row[col["impressions"]].value == 5
    assert row[col["currency"]].value == "IDR"


def test_usd_money_has_two_decimals_and_rates_and_months(fs) -> None:
    content = _csv(fs, "campaign-monthly", "IDR")
    header, _rows = read_rows(content)
    col = {c: i for i, c in enumerate(header)}
    sheet = _sheet(xlsx_bytes("campaign-monthly", content))
    usd = next(r for r in sheet.iter_rows(min_row=2) if r[col["currency"]].value == "USD")
    assert usd[col["spend"]].value == pytest.approx(45.51)
    assert usd[col["spend"]].number_format == "#,##0.00"
    assert usd[col["spend_reporting"]].number_format == "#,##0"  # reporting in IDR
    assert usd[col["month"]].value == dt.datetime(2026, 10, 1)
    assert usd[col["month"]].number_format == "yyyy-mm"
    assert usd[col["fx_rate"]].value == 16050
    assert usd[col["conversion_value"]].number_format == "#,##0.00"  # money, though not totalled
    assert usd[col["provisional"]].value == "false"  # a code, text


def test_formula_looking_text_stays_text_as_the_csv_writes_it(fs) -> None:
    content = _csv(fs, "campaign-daily")
    sheet = _sheet(xlsx_bytes("campaign-daily", content))
    names = {c.value: c.data_type for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert names['\'=HYPERLINK("http://x")'] == "s"
    assert names["'-Retarget +1"] == "s"
    assert names['Kopi, "Nusantara"\nID'] == "s"
    assert not any(str(k).startswith("=") for k in names)


def test_header_bold_frozen_and_widths_fitted(fs) -> None:
    sheet = _sheet(xlsx_bytes("campaign-daily", _csv(fs, "campaign-daily")))
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "campaign-daily"
    assert sheet.column_dimensions["A"].width == len("2026-10-30") + 2
    name_width = sheet.column_dimensions["E"].width  # campaign_name
    assert len("campaign_name") + 2 <= name_width <= 60


def test_the_file_holds_the_exact_decimal_text() -> None:
    """Excel reads numbers into doubles; the file itself keeps every digit the CSV has."""
    spec = get_spec("influencer-payments")
    row = ["7", "Sari", "P", "9007199254740993", "IDR", "paid", "2026-10-30", "", "INV", "USD", "0.0000623059"]
    row += ["12345678901234.57", "2026-10", "monthly_average", "", "", "payment", "", "", "finance", "false"]
    out = io.BytesIO()
    write_xlsx(spec, iter_csv(spec.columns, spec.text_indexes, [row]), out)
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>9007199254740993</v>" in xml  # 2**53 + 1: no double holds it
    assert "<v>12345678901234.57</v>" in xml
    assert "<v>0.0000623059</v>" in xml
    sheet = _sheet(out.getvalue())
    assert sheet["A2"].value == "7"  # payment_id is an ID: text
    assert sheet["A2"].data_type == "s"
    assert sheet["G2"].value == dt.datetime(2026, 10, 30)


def test_a_bahasa_title_row_file_odd_cells_and_chunks_cut_anywhere() -> None:
    spec = get_spec("marketing-spend")
    body = (
        "\ufeffmonth,channel,program_or_campaign,currency,planned\r\n"
        '2026-13,influencer_fee,"Program ""Ramadan""\r\nJakarta",IDR,1.250.000\r\n'
        "2026-10,meta,\x0bKampanye,IDR,-50000\r\n"
    ).encode()
    chunks = [body[i : i + 3] for i in range(0, len(body), 3)]  # cut mid-character and mid-line
    out = io.BytesIO()
    assert write_xlsx(spec, chunks, out) == 2
    rows = list(_sheet(out.getvalue()).iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("2026-13", "influencer_fee", 'Program "Ramadan"\nJakarta', "IDR", "1.250.000")  # as text
    assert rows[1] == (dt.datetime(2026, 10, 1), "meta", "\ufffdKampanye", "IDR", -50000)


def test_more_rows_than_a_sheet_holds_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS", 3)
    spec = get_spec("campaigns")
    rows = [["100", str(i)] + [""] * (len(spec.columns) - 2) for i in range(3)]
    temp_files = set(openpyxl_writer.ALL_TEMP_FILES)
    with pytest.raises(ExportError, match="more than 2 rows"):
        write_xlsx(spec, iter_csv(spec.columns, spec.text_indexes, rows), io.BytesIO())
    # The half-written sheet is ended and its temporary file removed at once, not when it is collected.
    assert set(openpyxl_writer.ALL_TEMP_FILES) == temp_files
    ignored: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    gc.collect()
    assert ignored == []


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), max_size=8), st.integers(1, 50))
def test_any_text_survives_csv_to_xlsx(cells: list[tuple[str, str]], cut: int) -> None:
    spec = get_spec("campaigns")
    rows = [[account, name] + [""] * (len(spec.columns) - 2) for account, name in cells]
    content = b"".join(iter_csv(spec.columns, spec.text_indexes, rows))
    assert list(csv_rows([content[i : i + cut] for i in range(0, len(content), cut)]))[1:] == read_rows(content)[1]
    out = io.BytesIO()
    assert write_xlsx(spec, [content], out) == len(rows)
    got = list(_sheet(out.getvalue()).iter_rows(min_row=2, max_row=len(rows) + 1, max_col=2, values_only=True))
    expected = read_rows(content)[1]
    for (account, name), row in zip(got, expected, strict=True):
        for value, text in ((account, row[0]), (name, row[1])):
            assert (value or "") == xlsx_module.cell_text(text)
            assert not (value or "").startswith("=")  # neutralised in the CSV, text in the sheet


def test_a_closed_month_xlsx_comes_from_its_snapshot_rows(fs) -> None:
    from sqlalchemy import update

    from campaigns.models import CampaignInsight
    from db.roles import Actor
    from finance.close import close_month
    from finance.exports import write_export

    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    close_month(fs, Actor("fin@example.com", "finance"), october[0], today=dt.date(2026, 12, 15), now=NOW)
    snapshot = b"".join(export_chunks(fs, "campaign-daily", *october, "IDR", now=NOW))
    fs.execute(update(CampaignInsight).values(spend=CampaignInsight.spend + 1000))  # Meta restates after the close
    fs.flush()
    out = io.BytesIO()
    write_export(
        fs, Actor("fin@example.com", "finance"), "campaign-daily", *october, "IDR", out, now=NOW, file_format="xlsx"
    )
    header, rows = read_rows(snapshot)
    col = header.index("spend")
    got = list(_sheet(out.getvalue()).iter_rows(min_row=2, values_only=True))
    assert [Decimal(str(r[col])) for r in got] == [Decimal(r[col]) for r in rows]  # the closed figures


def test_an_unknown_file_format_is_refused(fs) -> None:
    from db.roles import Actor
    from finance.exports import write_export

    with pytest.raises(ExportError, match="Unknown file format 'ods'"):
        write_export(
            fs, Actor("a@example.com", "admin"), "campaigns", SINCE, UNTIL, "IDR", io.BytesIO(), file_format="ods"
        )


def test_every_amount_column_has_a_label_on_the_page() -> None:
    from pages.components.finance_exports import AMOUNT_LABELS

    for spec in EXPORTS.values():
        assert {c for c, _cur in spec.amount_columns} <= set(AMOUNT_LABELS), spec.name
