"""Moving a program's stored promo code sales from one shop to another (influencers/promo_shops.py): sales kept as
`other` by migration 0018, or imported with the wrong shop, go to the shop they are from, so that shop's next
import replaces them instead of adding up with them. All of a shop's sales or one file's; refused whole when the
target shop already holds overlapping days of the same creator; audited; the command line and the Programs page
in Bahasa Indonesia (AppTest). SQLite and, with TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.errors import DomainError, FieldErrors
from db.models import AuditEntry
from db.roles import Actor, PermissionDenied
from influencers.models import PromoSale
from influencers.promo_sales import import_promo_sales, sales_by_shop
from influencers.promo_shops import move_shop, shop_files
from tests import builders as b
from tests.cli_run import run_cli
from tests.influencers.conftest import SPECIALIST, program_tab
from tests.influencers.test_promo_sales import shop as promo_shop
from tests.influencers.test_promo_sales_shops import SHOPEE_NOV
from tests.pages import open_page

D = dt.date
shop = promo_shop  # the IDR program of Ayu (KOPIAYU) and Budi (KOPIBUDI)
OLD_FILE = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,2,200000\nKOPIBUDI,2026-11-03,1,50000\n"
OTHER_FILE = b"code,date,orders,revenue\nKOPIAYU,2026-11-10,1,90000\n"


def _shops(session, program_id: int) -> dict[str, tuple[int, Decimal]]:
    frame = sales_by_shop(session, program_id)
    return {row.shop: (row.orders, row.revenue) for row in frame.itertuples()}


def _stored_as_other(session, program_id: int) -> None:
    """Sales as migration 0018 left them: imported from files whose names named no shop."""
    import_promo_sales(session, SPECIALIST, program_id, OLD_FILE, shop="other", file_name="penjualan-nov.csv")
    import_promo_sales(session, SPECIALIST, program_id, OTHER_FILE, shop="other", file_name="web-nov.csv")


def _committed_world(url: str) -> int:
    """The IDR program of Ayu and Budi with their sales stored as `other`, committed (for the CLI and the page)."""
    with session_scope(url) as s:
        program = b.program(s, name="Kopi Nusantara", currency="IDR")
        b.collaboration(s, program, b.influencer(s, name="Ayu"), promo_code="KOPIAYU")
        b.collaboration(s, program, b.influencer(s, name="Budi"), promo_code="KOPIBUDI")
        s.flush()
        _stored_as_other(s, program.id)
        return program.id


def test_other_sales_moved_to_shopee_are_then_replaced_by_shopees_import(session, shop) -> None:
    program, _ayu, _budi = shop
    _stored_as_other(session, program.id)
    assert shop_files(session, program.id, "other") == ["penjualan-nov.csv", "web-nov.csv"]
    report = move_shop(session, SPECIALIST, program.id, "other", "shopee", source_file="penjualan-nov.csv")
    assert (report.moved, report.orders, report.creators, report.files) == (2, 3, 2, ["penjualan-nov.csv"])
    assert _shops(session, program.id) == {"shopee": (3, Decimal(250000)), "other": (1, Decimal(90000))}
    # Shopee's own November file replaces the moved days: nothing counted twice
    result = import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")
    assert (result.replaced, result.other_shops) == (2, 1)
    assert _shops(session, program.id) == {"shopee": (4, Decimal(350000)), "other": (1, Decimal(90000))}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "promo_sale")).all()[-2]
    assert entry.summary == (
        f"Moved 2 promo code sale rows of program #{program.id} from other to shopee (file penjualan-nov.csv)"
    )


def test_every_file_of_a_shop_moves_without_a_file_and_a_dry_run_writes_nothing(session, shop) -> None:
    program, _ayu, _budi = shop
    _stored_as_other(session, program.id)
    preview = move_shop(session, SPECIALIST, program.id, "other", "tokopedia", dry_run=True)
    assert (preview.moved, preview.orders) == (3, 4)
    assert set(_shops(session, program.id)) == {"other"}
    move_shop(session, SPECIALIST, program.id, "other", "tokopedia")
    assert _shops(session, program.id) == {"tokopedia": (4, Decimal(340000))}


def test_days_the_target_shop_holds_refuse_the_whole_move(session, shop) -> None:
    program, _ayu, _budi = shop
    _stored_as_other(session, program.id)
    import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")  # holds Ayu's and Budi's 3 Nov
    with pytest.raises(DomainError) as refused:
        move_shop(session, SPECIALIST, program.id, "other", "shopee")
    assert str(refused.value) == (
        "Ayu already has shopee sales of 2026-11-03 to 2026-11-03, which the sales to move (2026-11-03 to 2026-11-03) "
        "overlap: moving them would count those days twice; delete one of them by importing that shop's file again, "
        "then move the rest; Budi already has shopee sales of 2026-11-03 to 2026-11-03, which the sales to move "
        "(2026-11-03 to 2026-11-03) overlap: moving them would count those days twice; delete one of them by "
        "importing that shop's file again, then move the rest"
    )
    assert session.scalar(select(func.count()).select_from(PromoSale).where(PromoSale.shop == "other")) == 3


def test_clashes_past_the_named_ones_are_counted_not_dropped(session, shop, monkeypatch) -> None:
    program, _ayu, _budi = shop
    _stored_as_other(session, program.id)
    import_promo_sales(session, SPECIALIST, program.id, SHOPEE_NOV, shop="shopee")
    monkeypatch.setattr("influencers.promo_shops.MAX_CLASHES", 1)
    with pytest.raises(DomainError) as refused:
        move_shop(session, SPECIALIST, program.id, "other", "shopee")
    text = str(refused.value)
    assert text.startswith("Ayu already has shopee sales of 2026-11-03")
    assert "Budi" not in text
    assert text.endswith("; and 1 more of the sales to move overlap days shopee holds the same way")


def test_bad_shops_nothing_to_move_and_a_viewer_are_refused(session, shop) -> None:
    program, _ayu, _budi = shop
    with pytest.raises(FieldErrors) as bad:
        move_shop(session, SPECIALIST, program.id, "amazon", "shopee")
    assert set(bad.value.errors) == {"from_shop"}
    with pytest.raises(FieldErrors) as same:
        move_shop(session, SPECIALIST, program.id, "shopee", "shopee")
    assert str(same.value.errors["to_shop"]) == "the sales are in shopee already; choose another shop"
    with pytest.raises(DomainError, match=r"^This program has no promo code sales in other from x.csv to move\.$"):
        move_shop(session, SPECIALIST, program.id, "other", "shopee", source_file="x.csv")
    with pytest.raises(PermissionDenied):
        move_shop(session, Actor("v@example.com", "viewer"), program.id, "other", "shopee")


def test_the_command_line_moves_and_refuses(migrated_url: str) -> None:
    program_id = _committed_world(migrated_url)
    base = ("promo", "move-shop", "--program", str(program_id))
    dry = run_cli(*base, "--from", "Other", "--to", "TikTok Shop", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"Would move 3 sale rows (4 orders, 2 creators) of program #{program_id} from other to tiktok_shop" in (
        dry.stdout.decode()
    )
    bad = run_cli(*base, "--from", "other", "--to", "amazon")
    assert bad.returncode == 1
    assert bad.stderr.decode().startswith("error: --to: ")
    clash = run_cli(*base, "--from", "other", "--to", "other")
    assert clash.returncode == 1
    assert "the sales are in other already" in clash.stderr.decode()
    missing = run_cli(*base, "--from", "other", "--to", "shopee", "--file", "nope.csv")
    assert missing.returncode == 1
    assert missing.stderr.decode().strip() == (
        "error: This program has no promo code sales in other from nope.csv to move. "
        "(the files stored under other: penjualan-nov.csv, web-nov.csv)"
    )
    done = run_cli(*base, "--from", "other", "--to", "shopee", "--file", "web-nov.csv")
    assert done.returncode == 0, done.stderr
    assert "Imported from: web-nov.csv" in done.stdout.decode()
    with session_scope(migrated_url) as s:
        assert _shops(s, program_id) == {"shopee": (1, Decimal(90000)), "other": (3, Decimal(250000))}


def test_the_programs_page_moves_other_sales_in_bahasa(migrated_url: str, app_test) -> None:
    program_id = _committed_world(migrated_url)
    at = program_tab(open_page(app_test(), "pages/programs/programs.py", language="id"), "results")
    assert at.selectbox(key="prog_promo_move_from").options == ["Toko lain"]  # the one shop holding sales, by label
    at.selectbox(key="prog_promo_move_file_other").select("penjualan-nov.csv").run()
    at.selectbox(key="prog_promo_move_to_other").select("shopee").run()
    assert not at.exception, at.exception
    infos = " | ".join(str(i.value) for i in at.info)
    assert "2 baris penjualan dari 2 kreator, 3 pesanan, dipindahkan dari Toko lain ke Shopee." in infos
    with session_scope(migrated_url) as s:
        assert set(_shops(s, program_id)) == {"other"}  # the preview wrote nothing
    at.button(key="prog_promo_move_go").click().run()
    assert not at.exception, at.exception
    assert "2 baris penjualan dipindahkan ke Shopee." in " | ".join(str(x.value) for x in at.success)
    with session_scope(migrated_url) as s:
        assert _shops(s, program_id) == {"shopee": (3, Decimal(250000)), "other": (1, Decimal(90000))}


def test_the_page_says_why_a_move_is_refused_in_bahasa_and_offers_no_button(migrated_url: str, app_test) -> None:
    program_id = _committed_world(migrated_url)
    with session_scope(migrated_url) as s:
        import_promo_sales(s, SPECIALIST, program_id, SHOPEE_NOV, shop="shopee")  # Shopee holds 3 Nov already
    at = program_tab(open_page(app_test(), "pages/programs/programs.py", language="id"), "results")
    at.selectbox(key="prog_promo_move_to_other").select("shopee").run()
    assert not at.exception, at.exception
    errors = " | ".join(str(e.value) for e in at.error)
    assert "Ayu sudah punya penjualan Shopee tanggal 3 Nov 2026 sampai 3 Nov 2026" in errors
    assert "memindahkannya akan menghitung hari-hari itu dua kali" in errors
    assert not [b for b in at.button if b.key == "prog_promo_move_go"]
