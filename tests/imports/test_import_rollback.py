"""An import is one unit of work: when the work it is part of fails after it, nothing it wrote stays (the new ad
account of an Ads Manager file and the FX rates of a file were committed on SQLite by their savepoints before
db.engine.savepoint; tests/db/test_savepoint.py holds the rule itself)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from campaigns.models import AdAccount, CampaignInsight
from db.engine import session_scope
from db.roles import CLI_ACTOR
from finance.fx import import_rates_csv
from finance.models import FxRate
from tests.imports.test_adsmanager_results import bahasa_file

RATES = b"date,from_currency,to_currency,rate\n2026-11-02,USD,IDR,16250\n2026-11-03,USD,IDR,16300\n"


class LaterFailure(RuntimeError):
    pass


def _count(url: str, column) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count(column))) or 0)


def _import_then_fail(url: str) -> None:
    with session_scope(url) as s:
        preview = preview_import(s, bahasa_file(), "Toko-Laporan.csv", AccountTarget(name="Toko Baru"))
        apply_import(s, CLI_ACTOR, preview)
        raise LaterFailure


def _rates_then_fail(url: str) -> None:
    with session_scope(url) as s:
        assert import_rates_csv(s, CLI_ACTOR, RATES).created == 2
        raise LaterFailure


def test_a_new_ad_account_is_rolled_back_with_its_import(migrated_url: str) -> None:
    with pytest.raises(LaterFailure):
        _import_then_fail(migrated_url)
    assert _count(migrated_url, AdAccount.id) == 0
    assert _count(migrated_url, CampaignInsight.id) == 0


def test_fx_rates_are_rolled_back_with_their_import(migrated_url: str) -> None:
    with pytest.raises(LaterFailure):
        _rates_then_fail(migrated_url)
    assert _count(migrated_url, FxRate.id) == 0
