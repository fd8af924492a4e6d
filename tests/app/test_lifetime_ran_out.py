"""A lifetime budget used up days ago while the campaign still runs, as the Budgets page shows it (AppTest on the
demo workspace): the alert says it ran out on the day its spend to date reached the budget, the table's flag
says "lifetime budget ran out", in English and Bahasa Indonesia; never "runs out around {today}"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db.engine import session_scope
from pages.components.data import today
from pages.components.i18n import date_text
from tests.pages import open_page

BUDGETS = "pages/budgets/budgets.py"


def _spent_out_campaign() -> tuple[str, dt.date]:
    """An IDR Meta campaign spending this month, given a lifetime budget equal to its spend up to a completed
    day (that day is when it ran out), running to the end of next month: (its name, that day)."""
    day = today()
    with session_scope() as s:
        month_start = day.replace(day=1) if day.day > 1 else (day - dt.timedelta(days=1)).replace(day=1)
        campaign = s.scalar(
            select(Campaign)
            .join(AdAccount)
            .where(AdAccount.currency == "IDR", Campaign.platform == "meta")
            .where(Campaign.id.in_(select(CampaignInsight.campaign_id).where(CampaignInsight.date >= month_start)))
            .order_by(Campaign.id)
            .limit(1)
        )
        rows = s.execute(
            select(CampaignInsight.date, CampaignInsight.spend)
            .where(CampaignInsight.campaign_id == campaign.id, CampaignInsight.date < day, CampaignInsight.spend > 0)
            .order_by(CampaignInsight.date)
        ).all()
        ran_out = rows[len(rows) // 2][0]
        campaign.lifetime_budget = sum((spend for d, spend in rows if d <= ran_out), Decimal(0))
        campaign.daily_budget = None
        campaign.status = campaign.effective_status = "ACTIVE"
        campaign.stop_time = dt.datetime.combine(day + dt.timedelta(days=45), dt.time(12), tzinfo=dt.UTC)
        return campaign.name, ran_out


def test_budgets_page_says_the_lifetime_budget_ran_out_on_its_day(demo_url, app_test) -> None:
    name, ran_out = _spent_out_campaign()
    assert ran_out < today()
    for language, said, flag in (
        ("en", f"the lifetime budget ran out on {date_text(ran_out, 'en_US')}", "lifetime budget ran out"),
        ("id", f"anggaran seumur hidup habis pada {date_text(ran_out, 'id_ID')}", "anggaran seumur hidup sudah habis"),
    ):
        at = open_page(app_test(timeout=90), BUDGETS, language=language)
        text = " ".join(m.value for m in at.markdown)
        assert said in text, (language, text)
        assert f"around {date_text(today(), 'en_US')}" not in text
        name_column, flags = ("Name", "Flags") if language == "en" else ("Nama", "Tanda")
        table = next(d.value for d in at.dataframe if flags in d.value.columns)
        row = table[table[name_column].str.startswith(name)]
        assert len(row) == 1, (name, table[name_column].tolist())
        assert flag in row[flags].iloc[0], row[flags].iloc[0]
