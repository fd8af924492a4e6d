"""Plans on the Budgets page carry their scope's name, never an internal key such as `account:1`."""

from __future__ import annotations

import datetime as dt

from db.calendar import Period


def test_an_account_plan_is_named_after_its_ad_account(session) -> None:
    from budgets.overview import budget_overview
    from tests import builders

    account = builders.account(session, name="Toko Kopi Nusantara", currency="IDR")
    campaign = builders.campaign(session, account)
    builders.insights(session, campaign, [dt.date(2026, 11, 2)], spend="150000")
    builders.plan(session, account, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "3000000")
    session.flush()
    overview = budget_overview(
        session, Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)), today=dt.date(2026, 11, 10)
    )
    names = {p.scope.scope_type: p.scope.name for p in overview.pacings}
    assert names["account"] == "Toko Kopi Nusantara"
