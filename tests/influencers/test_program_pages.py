"""The Programs page's components through streamlit_app.py: the board (labels in both languages, one-click and
"Move to" moves, bulk moves, the Completed question, fee warnings), amounts and dates as people type them, the
payment guard, and a record changed by someone else between render and save (program, board, terms, results,
payment) shown as a conflict that says what changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from db.engine import session_scope
from influencers.contacts import create_influencer
from influencers.deliverables import add_deliverable, record_results
from influencers.models import Collaboration, Deliverable, Payment, Program, StageChange
from influencers.payments import add_payment, cancel_payment
from influencers.programs import (
    PIPELINE,
    add_collaboration,
    create_program,
    move_stage,
    move_stages,
    update_collaboration,
    update_program,
)
from tests.influencers.conftest import MANAGER, SPECIALIST, contract, program_tab
from tests.pages import open_page

PROGRAMS = "pages/programs/programs.py"


def _open(at, language: str = "en"):
    return open_page(at, PROGRAMS, language=language)


def _texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


def _frame(at, *columns: str):
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    raise AssertionError(f"no table with columns {columns}")


def _program(url: str, *names: str, currency: str = "IDR", fee: str = "1000000") -> dict[str, int]:
    """A program with one prospect per name; name -> collaboration id."""
    with session_scope(url) as s:
        program = create_program(s, SPECIALIST, {"name": "Ramadan", "currency": currency})
        ids = {}
        for name in names:
            person = create_influencer(s, SPECIALIST, {"name": name})
            ids[name] = add_collaboration(s, SPECIALIST, program.id, person.id, {"fee": fee}).id
        ids["program"] = program.id
        return ids


def _stage(url: str, cid: int) -> str:
    with session_scope(url) as s:
        return s.get(Collaboration, cid).stage


def test_every_stage_has_its_column_in_both_languages(migrated_url: str, app_test) -> None:
    stages = [*PIPELINE, "declined"]
    ids = _program(migrated_url, *[f"Kreator {i}" for i in range(len(stages))])
    with session_scope(migrated_url) as s:
        for i, stage in enumerate(stages):
            cid = ids[f"Kreator {i}"]
            path = ["declined"] if stage == "declined" else PIPELINE[1 : PIPELINE.index(stage) + 1]
            for step in path:
                move_stages(s, SPECIALIST, {cid: None}, step, confirm_undelivered=True)
    english = [m.value for m in _open(app_test()).markdown if m.value.endswith("** (1)")]
    assert english == [
        "**Prospect** (1)",
        "**Contacted** (1)",
        "**Negotiating** (1)",
        "**Contracted** (1)",
        "**Content in review** (1)",
        "**Live** (1)",
        "**Completed** (1)",
        "**Declined** (1)",
    ]
    at = _open(app_test(), "id")
    indonesian = [m.value for m in at.markdown if m.value.endswith("** (1)")]
    assert indonesian == [
        "**Prospek** (1)",
        "**Sudah dihubungi** (1)",
        "**Negosiasi** (1)",
        "**Sudah dikontrak** (1)",
        "**Konten sedang direviu** (1)",
        "**Tayang** (1)",
        "**Selesai** (1)",
        "**Ditolak** (1)",
    ]
    buttons = {b.label for b in at.button if b.key and b.key.startswith("prog_move_")}
    assert "→ Sudah dihubungi" in buttons
    assert "↺ Prospek" in buttons
    # stage names in the tables are words too, never codes
    program_tab(at, "collaborations")
    assert "content_in_review" not in set(_frame(at, "stage", "fee_type")["stage"])


def _walk(node):
    """Every element of an AppTest tree in page order."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def test_the_board_says_it_scrolls_sideways_in_both_languages(migrated_url: str, app_test) -> None:
    from pages.components.program_pipeline import BOARD, COLUMNS_IN_VIEW

    assert len(BOARD) == 8
    assert len(BOARD) > COLUMNS_IN_VIEW  # eight 13.5rem columns never fit beside the sidebar at 1280 px
    _program(migrated_url, "Oki")
    hint = ":material/swipe_right: Scroll the board sideways to see all 8 stages."
    assert hint in [c.value for c in _open(app_test()).caption]
    at = _open(app_test(), "id")
    hint_id = ":material/swipe_right: Geser papan ke samping untuk melihat semua 8 tahap."
    assert hint_id in [c.value for c in at.caption]
    order = [v for e in _walk(at.main) if isinstance(v := getattr(e, "value", None), str)]
    assert order.index(hint_id) < order.index("**Prospek** (1)")  # above the board's first column


def test_an_empty_board_has_no_scroll_hint(migrated_url: str, app_test) -> None:
    with session_scope(migrated_url) as s:
        create_program(s, SPECIALIST, {"name": "Empty", "currency": "IDR"})
    at = _open(app_test())
    assert "No creators in this program yet. Add one below." in [i.value for i in at.info]
    assert not [c.value for c in at.caption if "sideways" in c.value]


def test_only_the_open_tab_renders_and_a_language_switch_keeps_it_open(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Oki")
    with session_scope(migrated_url) as s:
        contract(s, s.get(Collaboration, ids["Oki"]))
    at = _open(app_test())
    tabs = at.tabs
    assert [t.label for t in tabs] == ["Pipeline", "Collaborations", "Deliverables", "Payments", "Results", "Program"]
    keys = {w.key for w in [*at.button, *at.text_input, *at.selectbox]}
    assert any(k and k.startswith("prog_move_") for k in keys)
    assert not any(k and k.startswith(("prog_pay_", "prog_edit_", "prog_item_", "prog_terms_")) for k in keys)
    program_tab(at, "payments")
    keys = {w.key for w in [*at.button, *at.text_input, *at.selectbox]}
    assert "prog_pay_new_amount" in keys
    assert not any(k and k.startswith(("prog_move_", "prog_edit_", "prog_item_")) for k in keys)
    at.session_state["language"] = "id"
    at.run()
    assert [t.label for t in at.tabs][3] == "Pembayaran"
    assert at.session_state["prog_tab"] == "Pembayaran"
    assert "prog_pay_new_amount" in {w.key for w in at.text_input}


def test_one_click_moves_and_bulk_moves(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Ayu", "Budi", "Citra", "Dewi")
    at = _open(app_test())
    at.button(key=f"prog_move_{ids['Ayu']}_contacted").click().run()
    assert "Moved to Contacted." in _texts(at.success)
    at.selectbox(key=f"prog_moveto_{ids['Budi']}").set_value("declined").run()
    assert not at.exception, at.exception
    assert (_stage(migrated_url, ids["Ayu"]), _stage(migrated_url, ids["Budi"])) == ("contacted", "declined")
    assert at.selectbox(key=f"prog_moveto_{ids['Budi']}").value is None

    # Ayu (contacted) and Citra (prospect) cannot both move to Negotiating: nothing moves, Citra is named
    at.checkbox(key=f"prog_pick_{ids['Ayu']}").check()
    at.checkbox(key=f"prog_pick_{ids['Citra']}").check()
    at.selectbox(key="prog_bulk_stage").set_value("negotiating").run()
    assert "**2 selected**" in _texts(at.markdown)
    at.button(key="prog_bulk_go").click().run()
    assert not at.exception, at.exception
    assert "Nothing was moved: 1 of the selected collaborations cannot move to Negotiating." in _texts(at.error)
    assert "**Citra** cannot move from Prospect to Negotiating" in _texts(at.markdown)
    assert _stage(migrated_url, ids["Ayu"]) == "contacted"

    at.checkbox(key=f"prog_pick_{ids['Ayu']}").uncheck()
    at.checkbox(key=f"prog_pick_{ids['Dewi']}").check()
    at.selectbox(key="prog_bulk_stage").set_value("contacted").run()
    at.button(key="prog_bulk_go").click().run()
    assert "Moved 2 creators to Contacted." in _texts(at.success)
    assert {_stage(migrated_url, ids[n]) for n in ("Citra", "Dewi")} == {"contacted"}
    assert not at.checkbox(key=f"prog_pick_{ids['Citra']}").value
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(StageChange.id)).where(StageChange.to_stage == "contacted")) == 3


def test_completed_asks_first_when_deliverables_are_not_published(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Eka")
    cid = ids["Eka"]
    with session_scope(migrated_url) as s:
        move_stages(s, SPECIALIST, {cid: None}, "contacted")
        for stage in PIPELINE[2:6]:
            move_stage(s, SPECIALIST, cid, stage)
        add_deliverable(s, SPECIALIST, cid, {"platform": "tiktok", "type": "short"})
    at = _open(app_test())
    at.button(key=f"prog_move_{cid}_completed").click().run()
    assert not at.exception, at.exception
    assert "Some deliverables are not published yet. Move to Completed anyway?" in _texts(at.warning)
    assert "Eka has 1 of 1 deliverables not published yet" in _texts(at.markdown)
    assert _stage(migrated_url, cid) == "live"
    at.button(key="prog_move_cancel").click().run()
    assert not at.warning
    at.selectbox(key=f"prog_moveto_{cid}").set_value("completed").run()
    at.button(key="prog_move_confirm").click().run()
    assert "Moved to Completed." in _texts(at.success)
    assert _stage(migrated_url, cid) == "completed"


def test_a_contract_without_fee_warns_on_its_card_and_in_the_terms_form(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Fajar", fee="0")
    cid = ids["Fajar"]
    with session_scope(migrated_url) as s:
        contract(s, s.get(Collaboration, cid))
    at = _open(app_test())
    assert "No fee agreed yet" in _texts(at.markdown)
    program_tab(at, "collaborations")
    at.selectbox(key="prog_collab_pick").set_value(cid).run()
    assert "Fajar is at Contracted but no fee is agreed" in _texts(at.warning)
    at.text_input(key="prog_terms_fee").set_value("1,500,000").run()
    assert "Understood as IDR1,500,000" in _texts(at.caption)
    assert "no fee is agreed" not in _texts(at.warning)  # the form's warning follows what is typed
    at.button(key="prog_terms_submit").click().run()
    assert not at.exception, at.exception
    assert "Terms saved. Fee: IDR1,500,000." in _texts(at.success)
    with session_scope(migrated_url) as s:
        assert s.get(Collaboration, cid).fee == Decimal("1500000")
    program_tab(at, "pipeline")
    assert "No fee agreed yet" not in _texts(at.markdown)


def test_amounts_are_read_as_typed_in_indonesian_and_refused_when_not_understood(migrated_url: str, app_test) -> None:
    at = _open(app_test(), "id")
    at.text_input(key="prog_new_name").set_value("Lebaran")
    at.text_input(key="prog_new_budget").set_value("50,000,000.50").run()  # English grouping in Indonesian
    assert "50,000,000.50" in _texts(at.error)
    at.button(key="prog_new_submit").click().run()
    assert "tidak terbaca" in _texts(at.error)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Program.id))) == 0
    at.text_input(key="prog_new_budget").set_value("Rp 50.000.000").run()
    assert "Terbaca sebagai Rp50.000.000" in _texts(at.caption)
    at.button(key="prog_new_submit").click().run()
    assert not at.exception, at.exception
    assert "Anggaran: Rp50.000.000." in _texts(at.success)
    with session_scope(migrated_url) as s:
        program = s.scalars(select(Program)).one()
        assert (program.name, program.budget) == ("Lebaran", Decimal("50000000"))
        person = create_influencer(s, SPECIALIST, {"name": "Gita"})
        cid = add_collaboration(s, SPECIALIST, program.id, person.id, {"fee": "0"}).id
        contract(s, s.get(Collaboration, cid))
    program_tab(at, "deliverables")
    at.text_input(key="prog_item_fee").set_value("Rp 750.000")
    at.button(key="prog_item_submit").click().run()
    program_tab(at, "payments")
    at.text_input(key="prog_pay_new_amount").set_value("1.250.000")
    at.button(key="prog_pay_new_submit").click().run()
    # Gita's flat fee is Rp0: paying her needs the "more than the agreed fee" box, said in Bahasa with rupiah.
    assert "Rp1.250.000 membuat total pembayaran kreator ini menjadi Rp1.250.000, melebihi fee yang disepakati" in (
        _texts(at.error)
    )
    at.checkbox(key="prog_pay_new_over_fee").check()
    at.button(key="prog_pay_new_submit").click().run()
    assert not at.exception, at.exception
    assert "Rp1.250.000 untuk Gita" in _texts(at.success)
    with session_scope(migrated_url) as s:
        assert s.scalars(select(Deliverable.fee)).one() == Decimal("750000")
        assert s.scalars(select(Payment.amount)).one() == Decimal("1250000")


def test_every_date_field_keeps_what_is_typed_and_the_service_refuses_it(migrated_url: str, app_test) -> None:
    """The pickers take any date (bounded pickers turn a typed 1900-01-01 into *no date*); a date outside
    2000..2100 is refused under the field and by the service (tests/influencers/test_pipeline.py)."""
    ids = _program(migrated_url, "Nia")
    with session_scope(migrated_url) as s:
        contract(s, s.get(Collaboration, ids["Nia"]))
    at = _open(app_test())
    dates = {d.key: (d.min, d.max) for d in at.date_input}
    for tab in ("collaborations", "deliverables", "payments", "program"):  # only the open tab renders
        dates.update({d.key: (d.min, d.max) for d in program_tab(at, tab).date_input})
    assert {
        "prog_new_start_date",
        "prog_new_end_date",
        "prog_edit_start_date",
        "prog_terms_contract_date",
        "prog_terms_start_date",
        "prog_item_due",
        "prog_pay_new_due",
    } <= set(dates)
    for key, bounds in dates.items():
        assert bounds == (dt.date(1, 1, 1), dt.date(9999, 12, 31)), key
    at.text_input(key="prog_new_name").set_value("Old times")
    at.date_input(key="prog_new_start_date").set_value(dt.date(1900, 1, 1))
    at.button(key="prog_new_submit").click().run()
    assert not at.exception, at.exception
    assert "Jan 1, 1900 is before Jan 1, 2000, the earliest date allowed." in _texts(at.error)  # dates as read
    assert "Program created" not in _texts(at.success)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Program.id)).where(Program.name == "Old times")) == 0


def test_a_payment_for_a_creator_moved_back_before_contract_is_refused(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Hana", "Indah")
    with session_scope(migrated_url) as s:
        contract(s, s.get(Collaboration, ids["Hana"]))
    at = program_tab(_open(app_test()), "payments")
    assert at.selectbox(key="prog_pay_new_collab").options == ["Hana (IDR)"]
    assert "Not payable yet (before Contracted): Indah (Prospect)." in _texts(at.caption)
    with session_scope(migrated_url) as s:
        move_stage(s, SPECIALIST, ids["Hana"], "negotiating")
    at.text_input(key="prog_pay_new_amount").set_value("100,000")
    at.button(key="prog_pay_new_submit").click().run()
    assert "A payment needs a collaboration at Contracted or later; Hana is at Negotiating." in _texts(at.error)
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(Payment.id))) == 0


# -- someone else saves between render and save ------------------------------------------------------------


def test_program_saved_by_someone_else_shows_what_changed(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Joko")
    at = program_tab(_open(app_test()), "program")
    assert at.text_input(key="prog_edit_brand").value == ""
    with session_scope(migrated_url) as s:
        saved = {"name": "Ramadan", "currency": "IDR", "brand": "Kopi A", "owner": SPECIALIST.email}
        update_program(s, MANAGER, ids["program"], saved, None)
    at.text_input(key="prog_edit_brand").set_value("Kopi B")
    at.button(key="prog_edit_submit").click().run()
    assert not at.exception, at.exception
    assert "This program (#1) was changed by someone else since you opened it" in _texts(at.error)
    changed = _frame(at, "Field", "When you opened it", "Saved now")
    assert changed.to_dict("records") == [
        {"Field": "Brand or product", "When you opened it": "—", "Saved now": "Kopi A"}
    ]
    with session_scope(migrated_url) as s:
        assert s.get(Program, ids["program"]).brand == "Kopi A"
    at.button(key="prog_edit_reload").click().run()
    assert at.text_input(key="prog_edit_brand").value == "Kopi A"


def test_a_card_moved_by_someone_else_is_not_moved_again(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Kiki")
    cid = ids["Kiki"]
    at = _open(app_test())
    with session_scope(migrated_url) as s:
        move_stage(s, MANAGER, cid, "contacted")
    at.button(key=f"prog_move_{cid}_contacted").click().run()
    assert not at.exception, at.exception
    assert (
        "Someone else changed Kiki's card since the board was loaded: it is now at Contacted "
        f"(moved by {MANAGER.email})." in _texts(at.error)
    )
    with session_scope(migrated_url) as s:
        assert s.scalar(select(func.count(StageChange.id)).where(StageChange.to_stage == "contacted")) == 1


def test_terms_saved_by_someone_else_show_what_changed(migrated_url: str, app_test) -> None:
    ids = _program(migrated_url, "Lina", currency="USD", fee="100")
    cid = ids["Lina"]
    at = program_tab(_open(app_test()), "collaborations")
    assert at.text_input(key="prog_terms_fee").value == "$100.00"
    with session_scope(migrated_url) as s:
        update_collaboration(s, MANAGER, cid, {"fee": "150", "currency": "USD"}, None)
    at.text_input(key="prog_terms_fee").set_value("90")
    at.button(key="prog_terms_submit").click().run()
    assert "This collaboration (#1) was changed by someone else" in _texts(at.error)
    rows = _frame(at, "Field", "When you opened it", "Saved now").to_dict("records")
    assert {"Field": "Fee", "When you opened it": "$100.00", "Saved now": "$150.00"} in rows
    with session_scope(migrated_url) as s:
        assert s.get(Collaboration, cid).fee == Decimal("150")


def test_results_and_payment_actions_on_a_changed_record_are_conflicts(migrated_url: str, as_role) -> None:
    ids = _program(migrated_url, "Maya")
    cid = ids["Maya"]
    with session_scope(migrated_url) as s:
        contract(s, s.get(Collaboration, cid))
        item = add_deliverable(s, SPECIALIST, cid, {"platform": "instagram", "type": "reel"}).id
        payment = add_payment(s, SPECIALIST, cid, "500000").id
    at = program_tab(_open(as_role("manager")), "payments")
    with session_scope(migrated_url) as s:
        cancel_payment(s, SPECIALIST, payment)
    at.button(key="prog_pay_approve").click().run()
    assert "This payment (#1) was changed by someone else" in _texts(at.error)
    program_tab(at, "deliverables")
    with session_scope(migrated_url) as s:
        record_results(s, SPECIALIST, item, {"views": 100})
    at.text_input(key="prog_results_views").set_value("999")
    at.button(key="prog_results_submit").click().run()
    assert "This deliverable (#1) was changed by someone else" in _texts(at.error)
    with session_scope(migrated_url) as s:
        assert s.get(Deliverable, item).views == 100
        assert (s.get(Payment, payment).status, s.get(Payment, payment).approved_by) == ("cancelled", None)
