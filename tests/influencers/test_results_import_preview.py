"""The Programs page's results import shows what a file would write before writing it: an Excel workbook (title
line, Bahasa headers, a rejected row, a totals row) is read, previewed with its rows, rejected rows and reasons,
and nothing reaches the database until "Import N row(s)" is pressed."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from db.engine import session_scope
from influencers.models import Deliverable
from tests import builders as b
from tests.influencers.conftest import program_tab
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(item_id: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hasil"
    sheet.append(["Hasil kampanye Kopi Nusantara - November 2026"])  # a title line above the header
    sheet.append([])
    sheet.append(["deliverable_id", "Tayangan", "Suka", "Pendapatan"])
    sheet.append([item_id, 120500, 8930, "Rp 1.250.000"])
    sheet.append([999, 10, 1, 0])  # no such deliverable in this program
    sheet.append(["Jumlah", 120510, 8931, None])  # the sheet's totals row
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _stored(url: str, item_id: int) -> tuple:
    with session_scope(url) as s:
        item = s.get(Deliverable, item_id)
        return item.views, item.likes, item.revenue


def test_an_excel_results_file_is_previewed_then_written_on_import(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        program = b.program(s, name="Kopi Nusantara", currency="IDR")
        collab = b.collaboration(s, program)
        item = b.deliverable(s, collab, status="published", url="https://instagram.com/p/kopi1")
        s.flush()
        item_id = item.id
    before = _stored(migrated_url, item_id)
    at = program_tab(open_page(app_test(), PROGRAMS), "deliverables")
    at.file_uploader(key="prog_results_csv").upload("hasil-november.xlsx", _workbook(item_id), XLSX).run()
    assert not at.exception, at.exception
    infos = " | ".join(str(i.value) for i in at.info)
    assert "hasil-november.xlsx: 1 row(s) to import, 1 rejected. Nothing is written until you press Import." in infos
    assert "1 total row(s) were skipped." in " | ".join(str(c.value) for c in at.caption)
    assert "1 row(s) will be rejected:" in " | ".join(str(w.value) for w in at.warning)
    reasons = [str(v) for e in at.dataframe for column in e.value.columns for v in e.value[column]]
    assert "no deliverable #999 in this program" in reasons, reasons
    preview = next(e.value for e in at.dataframe if "Views" in e.value.columns)
    assert preview.to_dict("records") == [
        {"Row": 4, "Deliverable": f"#{item_id}", "Views": "120,500", "Likes": "8,930", "Revenue": "IDR1,250,000"}
    ]
    assert _stored(migrated_url, item_id) == before  # the preview wrote nothing
    go = at.button(key="prog_results_csv_go")
    assert go.label == "Import 1 row(s)"
    go.click().run()
    assert not at.exception, at.exception
    assert "Results imported: 1 updated, 1 rejected." in " | ".join(str(s.value) for s in at.success)
    assert _stored(migrated_url, item_id) == (120500, 8930, Decimal("1250000"))


def test_a_file_with_no_importable_row_offers_no_import(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        program = b.program(s, name="Kopi Nusantara", currency="IDR")
        b.deliverable(s, b.collaboration(s, program), status="published", url="https://instagram.com/p/kopi1")
    data = "deliverable_id;Tayangan\r\n999;100".encode("cp1252")  # unknown deliverable, no line break at the end
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "deliverables")
    at.file_uploader(key="prog_results_csv").upload("hasil.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    assert "Berkas tidak diakhiri dengan baris baru" in " | ".join(str(w.value) for w in at.warning)
    assert not [x for x in at.button if x.key == "prog_results_csv_go"]
    errors = " | ".join(str(e.value) for e in at.error)
    assert "Tidak ada baris berkas ini yang bisa diimpor" in errors, errors
    infos = " | ".join(str(i.value) for i in at.info)
    assert "hasil.csv: 0 baris akan diimpor, 1 ditolak. Belum ada yang ditulis sampai Anda menekan Impor." in infos
