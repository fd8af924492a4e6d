"""The Programs page's results import as an Indonesian specialist sees it: figures read in the file's one number
convention (said in a caption), the import's refusals and the cut-last-row warning in Bahasa Indonesia."""

from __future__ import annotations

from decimal import Decimal

from db.engine import session_scope
from influencers.models import Deliverable
from tests import builders as b
from tests.influencers.conftest import program_tab
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"


def test_an_indonesian_results_file_is_read_and_explained_in_bahasa(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        program = b.program(s, name="Kopi Nusantara", currency="IDR")
        collab = b.collaboration(s, program)
        item = b.deliverable(s, collab, status="published", url="https://instagram.com/p/kopi1")
        s.flush()
        item_id = item.id
    data = (
        "deliverable_id;Tayangan;Suka;Pendapatan\r\n"
        "999;100;1;0\r\n"  # no such deliverable
        "Jumlah;100;1;0\r\n"  # a totals row: skipped
        f"{item_id};120.500;8.930;16.201"  # the download may have stopped inside `16.201.500`
    ).encode("cp1252")
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "deliverables")
    at.file_uploader(key="prog_results_csv").upload("hasil.csv", data, "text/csv").run()
    at.button(key="prog_results_csv_go").click().run()
    assert not at.exception, at.exception
    warnings = " | ".join(str(w.value) for w in at.warning)
    assert "Berkas tidak diakhiri dengan baris baru, jadi baris terakhirnya (baris 4)" in warnings
    assert "(Pendapatan: 16.201)" in warnings
    captions = " | ".join(str(c.value) for c in at.caption)
    assert "1 baris total dilewati." in captions
    # no figure proves the marks (`120.500` reads both ways): the Bahasa headers decide
    assert "Angka dibaca dengan ',' sebagai tanda desimal (judul kolomnya berbahasa Indonesia)." in captions
    reasons = [str(v) for e in at.dataframe for column in e.value.columns for v in e.value[column]]
    assert "tidak ada deliverable #999 di program ini" in reasons, reasons
    with session_scope(migrated_url) as s:
        stored = s.get(Deliverable, item_id)
        assert (stored.views, stored.likes, stored.revenue) == (120500, 8930, Decimal("16201"))
