"""The Programs page's Results tab: a shop's sales by promo code uploaded, previewed (sales per creator, the rows
left out and why, in the user's language) and imported, then listed per creator (AppTest, real database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from db.engine import session_scope
from influencers.models import PromoSale
from tests import builders as b
from tests.influencers.conftest import program_tab
from tests.influencers.test_promo_sales import BAHASA, SHOPIFY
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"


def _program(url: str) -> None:
    with session_scope(url) as s:
        program = b.program(s, name="Kopi Nusantara", currency="IDR")
        b.collaboration(s, program, b.influencer(s, name="Ayu"), promo_code="KOPIAYU")
        b.collaboration(s, program, b.influencer(s, name="Budi"), promo_code="KOPIBUDI")


TABLES = {  # a column only that table has: the preview, the stored sales per creator, the rows left out
    "preview": "rows",
    "sales": "promo_code",
    "problems": {"en": "Reason", "id": "Alasan"},
}


def _cells(at, table: str, language: str = "en") -> list[str]:
    column = TABLES[table]
    name = column if isinstance(column, str) else column[language]
    frame = next(e.value for e in at.dataframe if name in e.value.columns)
    return [str(v) for c in frame.columns for v in frame[c]]


def test_a_shopify_file_is_previewed_then_imported_and_listed_per_creator(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS), "results")
    at.file_uploader(key="prog_promo_csv").upload("sales_by_discount.csv", SHOPIFY, "text/csv").run()
    assert not at.exception, at.exception
    infos = " | ".join(str(i.value) for i in at.info)
    assert "sales_by_discount.csv: 3 sale row(s) for 6 order(s), 0 row(s) with a code no creator" in infos
    assert "1 total row(s) were skipped." in " | ".join(str(c.value) for c in at.caption)
    preview = _cells(at, "preview")
    assert "IDR405,000" in preview
    assert "KOPIBUDI" in preview
    with session_scope(migrated_url) as s:
        assert s.scalars(select(PromoSale)).all() == []  # a preview writes nothing
    at.button(key="prog_promo_go").click().run()
    assert not at.exception, at.exception
    assert "Promo code sales imported: 3 sale row(s), 0 replaced." in " | ".join(str(x.value) for x in at.success)
    with session_scope(migrated_url) as s:
        stored = {(r.period_start, r.orders, r.revenue) for r in s.scalars(select(PromoSale))}
    assert (dt.date(2026, 11, 3), 3, Decimal("405000")) in stored
    assert len(stored) == 3
    at.run()
    listed = _cells(at, "sales")
    assert "Ayu" in listed
    assert "IDR405,000" in listed
    assert "IDR270,000" in listed


def test_an_unknown_code_is_shown_by_row_in_bahasa(migrated_url: str, app_test) -> None:
    _program(migrated_url)
    at = program_tab(open_page(app_test(), PROGRAMS, language="id"), "results")
    at.file_uploader(key="prog_promo_csv").upload("penjualan.csv", BAHASA, "text/csv").run()
    assert not at.exception, at.exception
    problems = _cells(at, "problems", "id")
    assert "5" in problems
    assert "tidak ada kreator di program ini yang memiliki kode WELCOME10" in problems, problems
    assert "Rp1.250.000" in _cells(at, "preview")
