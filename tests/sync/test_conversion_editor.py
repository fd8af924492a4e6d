"""The conversion definition editor on the Campaigns page (AppTest through streamlit_app.py, demo workspace)
and the service behind it (overview, recompute with progress, synced_at kept)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from campaigns.conversion_definitions import account_definitions, set_conversion_definition
from campaigns.conversions import count_conversions
from campaigns.models import AdAccount, AdSet, AdSetInsight, Campaign, CampaignInsight, ConversionDefinition
from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR
from tests.pages import open_page

PAGE = "pages/campaigns/campaigns.py"
US = "Kopi Nusantara US"


def _open(app_test, email: str | None = None):
    return open_page(app_test(timeout=90), PAGE, email=email)


def _account_id(name: str) -> int:
    with session_scope() as s:
        return s.scalar(select(AdAccount.id).where(AdAccount.name == name))


def _pick_account(at, name: str):
    at.selectbox(key="conv_def_account").select(_account_id(name)).run()
    assert not at.exception, at.exception
    return _account_id(name)


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.success] + [e.value for e in at.error] + [e.value for e in at.info]
    return "\n".join(str(p) for p in parts)


def _rows_match_definition(account_id: int, events: tuple[str, ...]) -> tuple[int, int]:
    """(rows checked, rows whose stored conversions differ from the raw actions under `events`)."""
    checked = wrong = 0
    with session_scope() as s:
        rows = s.execute(
            select(CampaignInsight.actions, CampaignInsight.action_values, CampaignInsight.conversions)
            .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
            .where(Campaign.account_id == account_id)
        ).all()
        for actions, values, stored in rows:
            checked += 1
            wrong += count_conversions(actions, values, events)[0] != stored
    return checked, wrong


def test_admin_sets_an_account_default_and_conversions_are_recomputed(demo_url: str, app_test) -> None:
    at = _open(app_test)
    account_id = _pick_account(at, US)
    text = _texts(at)
    assert "No account default is set" in text
    assert at.radio(key="conv_def_scope").value == "account"
    reference = next(d.value for d in at.dataframe if "Meta action types, in order" in d.value.columns)
    purchases = reference[reference["Event"] == "Purchases"].iloc[0]
    assert purchases["Meta action types, in order"].startswith("omni_purchase, purchase")
    events = at.multiselect(key=f"conv_def_events_{account_id}_account")
    assert events.value == []  # nothing set yet: each campaign follows its objective
    before = _rows_match_definition(account_id, ("lead",))
    assert before[1] > 0  # the sales campaigns do not count leads yet

    events.set_value(["lead"]).run()
    at.button(key="conv_def_save").click().run()
    assert not at.exception, at.exception
    assert "Saved for Kopi Nusantara US: Leads now count as conversions" in _texts(at)
    assert "Account default: **Leads**." in _texts(at)
    checked, wrong = _rows_match_definition(account_id, ("lead",))
    assert checked > 0
    assert wrong == 0
    with session_scope() as s:
        row = s.scalar(select(ConversionDefinition).where(ConversionDefinition.account_id == account_id))
        assert row.events == ["lead"]
        assert row.updated_by == "local-admin@localhost"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "conversion_definition")).all()
        assert len(audit) == 1
        assert "rows recomputed" in audit[0].summary
    overview = next(d.value for d in at.dataframe if "Conversions counted" in d.value.columns)
    assert set(overview["Conversions counted"]) <= {"Leads"}  # no campaign override in the demo
    assert set(overview["From"]) == {"the ad account's default"}

    # Removing the default goes back to each campaign's objective.
    at.button(key="conv_def_remove").click().run()
    assert not at.exception, at.exception
    assert "Definition removed for Kopi Nusantara US" in _texts(at)
    with session_scope() as s:
        assert s.scalar(select(func.count(ConversionDefinition.id))) == 0
        campaigns = s.execute(select(Campaign.id, Campaign.objective).where(Campaign.account_id == account_id)).all()
    from campaigns.conversions import default_events

    for campaign_id, objective in campaigns:
        with session_scope() as s:
            for actions, values, stored in s.execute(
                select(CampaignInsight.actions, CampaignInsight.action_values, CampaignInsight.conversions).where(
                    CampaignInsight.campaign_id == campaign_id
                )
            ):
                assert count_conversions(actions, values, default_events(objective))[0] == stored


def test_campaign_override_and_validation(demo_url: str, app_test) -> None:
    at = _open(app_test)
    account_id = _pick_account(at, US)
    at.radio(key="conv_def_scope").set_value("campaign").run()
    with session_scope() as s:
        campaign = s.execute(
            select(Campaign.id, Campaign.name)
            .where(Campaign.account_id == account_id, Campaign.objective == "OUTCOME_SALES")
            .order_by(Campaign.name)
        ).first()
    at.selectbox(key="conv_def_campaign").select(campaign.id).run()
    assert "In force now: **Purchases**, from the default for the campaign's objective." in _texts(at)
    key = f"conv_def_events_{account_id}_{campaign.id}"
    assert at.multiselect(key=key).value == ["purchase"]  # pre-filled with what the campaign inherits

    # Nothing picked: a clear message, nothing written.
    at.multiselect(key=key).set_value([]).run()
    at.button(key="conv_def_save").click().run()
    assert "Pick at least one event to count as a conversion" in _texts(at)
    with session_scope() as s:
        assert s.scalar(select(func.count(ConversionDefinition.id))) == 0

    at.multiselect(key=key).set_value(["purchase", "add_to_cart"]).run()
    at.button(key="conv_def_save").click().run()
    assert not at.exception, at.exception
    assert f"Saved for {campaign.name}: Purchases, Adds to cart now count as conversions" in _texts(at)
    assert "from this campaign's override" in _texts(at)
    with session_scope() as s:
        row = s.scalar(select(ConversionDefinition).where(ConversionDefinition.campaign_id == campaign.id))
        assert row.events == ["purchase", "add_to_cart"]
        stored = s.execute(
            select(CampaignInsight.actions, CampaignInsight.action_values, CampaignInsight.conversions).where(
                CampaignInsight.campaign_id == campaign.id
            )
        ).all()
    assert stored
    assert all(count_conversions(a, v, ("purchase", "add_to_cart"))[0] == c for a, v, c in stored)
    assert any(c > count_conversions(a, v, ("purchase",))[0] for a, v, c in stored)  # carts are counted now

    # Saving the same events again says so instead of writing.
    at.button(key="conv_def_save").click().run()
    assert "Nothing to save" in _texts(at)
    with session_scope() as s:
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "conversion_definition")) == 1


def test_viewer_sees_definitions_but_may_not_change_them(demo_url: str, app_test) -> None:
    at = _open(app_test, email="viewer@demo.pantau.example")
    account_id = _pick_account(at, US)
    assert at.multiselect(key=f"conv_def_events_{account_id}_account").disabled
    assert "not permitted for your role" in _texts(at)
    assert not [b for b in at.button if b.key in ("conv_def_save", "conv_def_remove")]


def test_editor_in_bahasa_indonesia(demo_url: str, app_test) -> None:
    at = app_test(timeout=90)
    at.run()
    at.selectbox(key="auth_language").set_value("id").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    _pick_account(at, US)
    assert (
        at.multiselect(key=f"conv_def_events_{_account_id(US)}_account").label
        == "Peristiwa yang dihitung sebagai konversi"
    )
    assert "Belum ada bawaan akun" in _texts(at)


def test_account_definitions_and_recompute_progress_keep_synced_at(session) -> None:
    account = AdAccount(account_id="9", name="Shop", currency="USD", timezone_name="UTC")
    session.add(account)
    session.flush()
    sales = Campaign(account_id=account.id, name="Sales", currency="USD", objective="OUTCOME_SALES")
    leads = Campaign(account_id=account.id, name="Leads", currency="USD", objective="OUTCOME_LEADS")
    session.add_all([sales, leads])
    session.flush()
    adset = AdSet(campaign_id=sales.id, name="a", currency="USD")
    session.add(adset)
    session.flush()
    actions = [{"action_type": "purchase", "value": "2"}, {"action_type": "lead", "value": "5"}]
    import datetime as dt

    stamp = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    for campaign in (sales, leads):
        session.add(
            CampaignInsight(
                campaign_id=campaign.id,
                date=dt.date(2026, 1, 1),
                currency="USD",
                actions=actions,
                conversions=Decimal(0),
                synced_at=stamp,
            )
        )
    session.add(
        AdSetInsight(ad_set_id=adset.id, date=dt.date(2026, 1, 1), currency="USD", actions=actions, synced_at=stamp)
    )
    session.flush()
    seen: list[tuple[int, int]] = []
    changed = set_conversion_definition(
        session, CLI_ACTOR, ["lead", "lead"], account_id=account.id, progress=lambda d, t: seen.append((d, t))
    )
    assert changed == 3  # both campaigns' rows and the ad set row
    assert seen == [(1, 2), (2, 2)]
    state = account_definitions(session, account.id)
    assert state.events == ("lead",)  # a repeated event is stored once (it would count twice)
    assert {c.name: (c.events, c.origin) for c in state.campaigns} == {
        "Leads": (("lead",), "account"),
        "Sales": (("lead",), "account"),
    }
    rows = session.scalars(select(CampaignInsight)).all()
    assert [r.conversions for r in rows] == [Decimal(5), Decimal(5)]
    assert all(r.synced_at == stamp for r in rows)  # a recompute is not a sync
    set_conversion_definition(session, CLI_ACTOR, ["purchase"], campaign_id=sales.id)
    state = account_definitions(session, account.id)
    by_name = {c.name: c for c in state.campaigns}
    assert (by_name["Sales"].events, by_name["Sales"].origin, by_name["Sales"].override) == (
        ("purchase",),
        "campaign",
        ("purchase",),
    )
    assert session.scalar(select(AdSetInsight.conversions)) == Decimal(2)


def test_campaigns_imported_from_an_ads_manager_file_say_they_count_the_files_results(
    migrated_url: str, app_test
) -> None:
    """A Bahasa Indonesia Ads Manager export (BOM, totals row, no Delivery column) beside a synced campaign: the
    panel says the imported one counts the file's Results column, the synced one its definition."""
    import datetime as dt

    from campaigns.adsmanager import AccountTarget, apply_import, preview_import
    from tests import builders as b

    day = dt.date.today() - dt.timedelta(days=3)
    header = "Awal pelaporan,Akhir pelaporan,Nama kampanye,Hasil,Indikator Hasil,Jumlah yang dibelanjakan (IDR)"
    lines = [header, f"{day},{day},,,,500000", f"{day},{day},Promo Harbolnas 12.12,14,actions:purchase,500000"]
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    with session_scope() as s:
        preview = preview_import(s, data, "Toko-Kopi-Kampanye.csv", AccountTarget(name="Toko Kopi"))
        assert not preview.rejected
        apply_import(s, CLI_ACTOR, preview)
        account = s.scalar(select(AdAccount).where(AdAccount.name == "Toko Kopi"))
        synced = b.campaign(s, account, name="Retargeting 30 hari")
        rows = {c.name: c.from_file for c in account_definitions(s, account.id).campaigns}
        account_id, synced_id = account.id, synced.id
    assert rows == {"Promo Harbolnas 12.12": True, "Retargeting 30 hari": False}

    at = _open(app_test)
    at.selectbox(key="conv_def_account").select(account_id).run()
    assert not at.exception, at.exception
    assert "count the file's Results column, as the import stored it, not these definitions" in _texts(at)
    table = next(d.value for d in at.dataframe if "Conversions counted" in d.value.columns).set_index("Campaign")
    assert table.loc["Promo Harbolnas 12.12", "Conversions counted"] == "the file's Results column"
    assert table.loc["Promo Harbolnas 12.12", "From"] == "the imported Ads Manager file"
    assert table.loc["Retargeting 30 hari", "Conversions counted"] == "Purchases"

    at.radio(key="conv_def_scope").set_value("campaign").run()
    at.selectbox(key="conv_def_campaign").select(synced_id).run()
    assert not [i.value for i in at.info if "Results column" in str(i.value)]
    with session_scope() as s:
        imported_id = s.scalar(select(Campaign.id).where(Campaign.name == "Promo Harbolnas 12.12"))
    at.selectbox(key="conv_def_campaign").select(imported_id).run()
    assert [i.value for i in at.info if "count the file's Results column" in str(i.value)]
