"""The TikTok adapter against the fake TikTok Business API over real HTTP on loopback: advertisers, paging to
the end, deleted objects, budgets and their modes, 30-day report windows, retries on throttling and temporary
failures, token and permission errors, configuration, and the number of requests a full read costs."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import socket
from decimal import Decimal

import pytest
import requests

from campaigns import tiktok_settings as ts
from campaigns.tiktok_client import (
    TikTokClient,
    TikTokConfigError,
    TikTokPermissionError,
    TikTokRateLimitError,
    TikTokRequestError,
    TikTokTokenError,
    TikTokTransientError,
    api_url,
    configured_api_url,
    configured_max_wait_seconds,
    report_windows,
)
from db.errors import DomainError
from pages.components.i18n import date_text
from tests.bahasa import in_bahasa
from tests.fakes.tiktok_api import APP_ID, APP_SECRET, TOKEN, FakeTikTok

D = dt.date
SINCE, UNTIL = D(2026, 1, 1), D(2026, 3, 16)  # 75 days: windows of 30, 30 and 15
CAMPAIGN, AD_GROUP = ts.LEVEL_CAMPAIGN, ts.LEVEL_AD_GROUP


def _raw_get(fake: FakeTikTok, endpoint: str, **params: str) -> dict:
    response = requests.get(f"{fake.url}/open_api/v1.3/{endpoint}", params=params, headers={"Access-Token": TOKEN})
    return response.json()


def _deleted_campaign(fake: FakeTikTok, advertiser: str) -> str:
    return next(
        c["campaign_id"]
        for c in fake.campaigns.values()
        if c["advertiser_id"] == advertiser and c["secondary_status"] == "CAMPAIGN_STATUS_DELETE"
    )


# -- connection and advertisers -------------------------------------------------------------------------


def test_the_token_travels_only_in_the_access_token_header(fake: FakeTikTok, client: TikTokClient) -> None:
    assert client.base_url == fake.url  # from TIKTOK_API_URL
    list(client.campaigns(fake.idr))
    list(client.advertiser_info([fake.idr]))
    assert len(fake.log) == 2
    assert all(r["token"] == TOKEN for r in fake.log)
    assert all(TOKEN not in json.dumps(r["params"]) for r in fake.log)
    assert all(r["path"].startswith("/open_api/v1.3/") for r in fake.log)
    assert TOKEN not in repr(client)


def test_advertisers_lists_every_advertiser_that_authorised_the_app(fake: FakeTikTok, client: TikTokClient) -> None:
    advertisers = list(client.advertisers())
    assert [a["advertiser_id"] for a in advertisers] == sorted([fake.idr, fake.usd])
    assert {a["name"] for a in advertisers} == {"Toko Batik Nusantara", "Nusantara Goods US"}
    (call,) = fake.requests_to("oauth2/advertiser/get/")
    assert call["params"]["app_id"] == APP_ID


def test_advertisers_needs_the_app_id_and_secret(fake: FakeTikTok) -> None:
    with pytest.raises(TikTokConfigError, match="TIKTOK_ADVERTISER_IDS"):
        list(TikTokClient(TOKEN).advertisers())
    assert fake.log == []


def test_a_refusal_that_repeats_the_app_secret_never_shows_it(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.fail("oauth2/advertiser/get/", 40001, f"The secret {APP_SECRET} does not belong to app {APP_ID}.")
    with pytest.raises(TikTokPermissionError) as info:
        list(client.advertisers())
    assert APP_SECRET not in str(info.value)
    assert "***" in str(info.value)


def test_advertiser_info_gives_the_currency_and_time_zone_of_each(fake: FakeTikTok, client: TikTokClient) -> None:
    info = {a["advertiser_id"]: a for a in client.advertiser_info([fake.idr, fake.usd, fake.idr])}
    assert info[fake.idr]["currency"] == "IDR"
    assert info[fake.idr]["timezone"] == "Asia/Jakarta"
    assert info[fake.idr]["name"] == "Toko Batik Nusantara"
    assert info[fake.idr]["status"] == ts.ADVERTISER_STATUS_ENABLE
    assert info[fake.usd]["currency"] == "USD"
    assert info[fake.usd]["timezone"] == "America/Los_Angeles"
    (call,) = fake.requests_to("advertiser/info/")
    assert json.loads(call["params"]["advertiser_ids"]) == [fake.idr, fake.usd]  # each id asked once
    assert {"currency", "timezone", "name", "status"} <= set(json.loads(call["params"]["fields"]))


def test_advertiser_info_asks_for_100_advertisers_at_a_time(fake: FakeTikTok, client: TikTokClient) -> None:
    ids = [f"73000000000{i:05d}" for i in range(230)]
    for advertiser in ids:
        fake.add_advertiser(advertiser, currency="SGD", timezone="Asia/Singapore")
    assert len(list(client.advertiser_info(ids))) == 230
    calls = fake.requests_to("advertiser/info/")
    assert [len(json.loads(c["params"]["advertiser_ids"])) for c in calls] == [100, 100, 30]
    assert client.requests == 3


def test_a_time_zone_zoneinfo_does_not_know_is_left_empty(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.add_advertiser("7400000000000000004", currency="SGD", timezone="Etc/GMT-8")
    fake.add_advertiser("7400000000000000005", currency="SGD", timezone="Mars/Olympus")
    info = {a["advertiser_id"]: a for a in client.advertiser_info(["7400000000000000004", "7400000000000000005"])}
    assert info["7400000000000000004"]["timezone"] == "Etc/GMT-8"
    assert info["7400000000000000005"]["timezone"] is None
    assert info["7400000000000000005"]["raw"]["timezone"] == "Mars/Olympus"


def test_a_currency_that_is_not_iso_4217_is_refused(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.add_advertiser("7400000000000000006", currency="XYZ")
    with pytest.raises(TikTokRequestError, match="XYZ"):
        list(client.advertiser_info(["7400000000000000006"]))


def test_an_advertiser_the_token_may_not_read_is_a_permission_error(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.add_advertiser("7500000000000000005", authorised=False)
    with pytest.raises(TikTokPermissionError) as info:
        list(client.advertiser_info(["7500000000000000005"]))
    message = str(info.value)
    assert "advertiser 7500000000000000005" in message
    assert "code 40001" in message
    assert "TIKTOK_ADVERTISER_IDS" in message
    assert TOKEN not in message
    assert client.requests == 1  # not retried


# -- campaigns, ad groups, budgets ----------------------------------------------------------------------


def test_campaigns_page_to_the_end_with_the_largest_pages(fake: FakeTikTok, client: TikTokClient) -> None:
    for i in range(2345):
        fake.add_campaign(fake.usd, f"19{i:015d}")
    campaigns = list(client.campaigns(fake.usd))
    assert len(campaigns) == 2345 + 2
    assert len({c["campaign_id"] for c in campaigns}) == len(campaigns)
    calls = fake.requests_to("campaign/get/")
    assert [c["params"]["page"] for c in calls] == ["1", "2", "3"]
    assert {c["params"]["page_size"] for c in calls} == {"1000"}
    assert client.requests == math.ceil(len(campaigns) / 1000)


def test_deleted_campaigns_and_ad_groups_come_back_marked_deleted(fake: FakeTikTok, client: TikTokClient) -> None:
    deleted_id = _deleted_campaign(fake, fake.idr)
    campaigns = {c["campaign_id"]: c for c in client.campaigns(fake.idr)}
    assert [c for c, row in campaigns.items() if row["deleted"]] == [deleted_id]
    assert campaigns[deleted_id]["secondary_status"] == ts.CAMPAIGN_STATUS_DELETE
    (call,) = fake.requests_to("campaign/get/")
    assert json.loads(call["params"]["filtering"]) == {"primary_status": "STATUS_ALL"}
    groups = [g for g in client.ad_groups(fake.idr) if g["campaign_id"] == deleted_id]
    assert len(groups) == 2
    assert all(g["deleted"] and g["secondary_status"] == "ADGROUP_STATUS_CAMPAIGN_DELETE" for g in groups)
    # Without the filter TikTok (and the fake) leave deleted objects out.
    plain = _raw_get(fake, "campaign/get/", advertiser_id=fake.idr, page_size="1000")
    assert deleted_id not in [c["campaign_id"] for c in plain["data"]["list"]]
    assert len(plain["data"]["list"]) == len(campaigns) - 1


def test_budgets_arrive_as_exact_decimals_with_their_mode(fake: FakeTikTok, client: TikTokClient) -> None:
    for advertiser in (fake.idr, fake.usd):
        for campaign in client.campaigns(advertiser):
            source = fake.campaigns[campaign["campaign_id"]]
            assert campaign["budget_mode"] == source["budget_mode"]
            if source["budget_mode"] == ts.BUDGET_MODE_INFINITE:
                assert campaign["budget"] is None
            else:
                assert campaign["budget"] == Decimal(repr(source["budget"]))
    groups = {g["adgroup_id"]: g for a in (fake.idr, fake.usd) for g in client.ad_groups(a)}
    assert {g["budget_mode"] for g in groups.values()} == set(ts.BUDGET_MODES)
    for group in groups.values():
        assert not any(isinstance(v, float) for v in group.values())
        mode, budget = group["budget_mode"], group["budget"]
        assert group["daily_budget"] == (budget if mode in ts.DAILY_BUDGET_MODES else None)
        assert group["lifetime_budget"] == (budget if mode == ts.BUDGET_MODE_TOTAL else None)
        assert (budget is None) == (mode == ts.BUDGET_MODE_INFINITE)
    usd_total = [g for g in groups.values() if g["advertiser_id"] == fake.usd and g["lifetime_budget"]]
    assert [str(g["lifetime_budget"]) for g in usd_total] == ["1234.56"]  # not 1234.5599999...
    dynamic = [g for g in groups.values() if g["budget_mode"] == ts.BUDGET_MODE_DYNAMIC_DAILY]
    assert [g["daily_budget"] for g in dynamic] == [Decimal("350000.0")]


def test_a_campaign_budget_mode_names_its_daily_or_lifetime_budget(fake: FakeTikTok, client: TikTokClient) -> None:
    by_mode = {c["budget_mode"]: c for c in client.campaigns(fake.idr) if not c["deleted"]}
    assert by_mode[ts.BUDGET_MODE_DAY]["daily_budget"] == Decimal("1500000.0")
    assert by_mode[ts.BUDGET_MODE_DAY]["lifetime_budget"] is None
    assert by_mode[ts.BUDGET_MODE_TOTAL]["lifetime_budget"] == Decimal("30000000.0")
    assert by_mode[ts.BUDGET_MODE_TOTAL]["budget_optimize_on"] is True
    assert by_mode[ts.BUDGET_MODE_INFINITE]["budget_optimize_on"] is False


# -- daily reports --------------------------------------------------------------------------------------


def test_daily_report_reads_the_range_in_windows_of_at_most_30_days(fake: FakeTikTok, client: TikTokClient) -> None:
    rows = list(client.daily_report(fake.idr, CAMPAIGN, SINCE, UNTIL))
    calls = fake.requests_to("report/integrated/get/")
    assert [(c["params"]["start_date"], c["params"]["end_date"]) for c in calls] == [
        ("2026-01-01", "2026-01-30"),
        ("2026-01-31", "2026-03-01"),
        ("2026-03-02", "2026-03-16"),
    ]
    assert {r["date"] for r in rows} == {SINCE + dt.timedelta(days=n) for n in range(75)}
    for metric in ("spend", "impressions", "clicks", "complete_payment", "total_complete_payment_rate", "reach"):
        assert sum(r[metric] for r in rows) == fake.expected_total(fake.idr, CAMPAIGN, metric, SINCE, UNTIL), metric
    assert all(isinstance(r["spend"], Decimal) and isinstance(r["impressions"], int) for r in rows)
    params = calls[0]["params"]
    assert params["data_level"] == CAMPAIGN
    assert params["report_type"] == "BASIC"
    assert json.loads(params["dimensions"]) == ["campaign_id", "stat_time_day"]


def test_the_fake_refuses_a_daily_report_longer_than_30_days_like_tiktok(fake: FakeTikTok) -> None:
    params = {
        "advertiser_id": fake.idr,
        "report_type": "BASIC",
        "data_level": CAMPAIGN,
        "dimensions": json.dumps(["campaign_id", "stat_time_day"]),
        "metrics": json.dumps(["spend"]),
        "start_date": "2026-01-01",
    }
    refused = _raw_get(fake, "report/integrated/get/", **params, end_date="2026-01-31")
    assert refused["code"] == 40002
    assert "30 days" in refused["message"]
    assert _raw_get(fake, "report/integrated/get/", **params, end_date="2026-01-30")["code"] == 0


def test_report_windows_cover_any_range_without_gaps_or_overlaps(monkeypatch) -> None:
    for length in (1, 2, 29, 30, 31, 59, 60, 61, 365):
        until = SINCE + dt.timedelta(days=length - 1)
        windows = report_windows(SINCE, until)
        assert windows[0][0] == SINCE
        assert windows[-1][1] == until
        assert all((end - start).days + 1 <= 30 for start, end in windows)
        assert all(b[0] == a[1] + dt.timedelta(days=1) for a, b in itertools.pairwise(windows))
        assert len(windows) == math.ceil(length / 30)
    with pytest.raises(TikTokRequestError, match="ends before it starts") as caught:
        report_windows(UNTIL, SINCE)
    assert str(caught.value) == f"The report range {UNTIL.isoformat()} to {SINCE.isoformat()} ends before it starts."
    assert in_bahasa(monkeypatch, caught.value.message) == (
        f"Rentang laporan {date_text(UNTIL, 'id_ID')} sampai {date_text(SINCE, 'id_ID')} berakhir sebelum dimulai."
    )


def test_the_deleted_campaign_spend_is_in_the_report(fake: FakeTikTok, client: TikTokClient) -> None:
    deleted_id = _deleted_campaign(fake, fake.idr)
    rows = [r for r in client.daily_report(fake.idr, CAMPAIGN, SINCE, UNTIL) if r["campaign_id"] == deleted_id]
    expected = fake.expected_total(fake.idr, CAMPAIGN, "spend", SINCE, UNTIL, object_id=deleted_id)
    assert expected > 0
    assert sum(r["spend"] for r in rows) == expected
    assert len(rows) == 40
    (first, *_) = fake.requests_to("report/integrated/get/")
    assert json.loads(first["params"]["filtering"]) == [
        {"field_name": "campaign_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}
    ]


def test_ad_group_rows_name_their_campaign_and_add_up_to_the_campaign_rows(
    fake: FakeTikTok, client: TikTokClient
) -> None:
    for advertiser in (fake.idr, fake.usd):
        groups = list(client.daily_report(advertiser, AD_GROUP, SINCE, UNTIL))
        campaigns = list(client.daily_report(advertiser, CAMPAIGN, SINCE, UNTIL))
        assert sum(r["spend"] for r in groups) == sum(r["spend"] for r in campaigns)
        assert sum(r["spend"] for r in groups) == fake.expected_total(advertiser, AD_GROUP, "spend", SINCE, UNTIL)
        for row in groups:
            source = fake.ad_groups[row["adgroup_id"]]
            assert row["campaign_id"] == source["campaign_id"]
            assert row["campaign_name"] == fake.campaigns[source["campaign_id"]]["campaign_name"]
            assert row["adgroup_name"] == source["adgroup_name"]
            assert "reach" not in row  # a unique count: campaign level only
            assert row["metrics"]["spend"] == f"{row['spend']:.2f}"  # the raw text is kept
    filters = [json.loads(c["params"]["filtering"]) for c in fake.requests_to("report/integrated/get/")]
    assert {f[0]["field_name"] for f in filters} == {"adgroup_status", "campaign_status"}


def test_a_report_with_more_than_1000_rows_pages_to_the_end(fake: FakeTikTok, client: TikTokClient) -> None:
    campaign = next(c for c in fake.campaigns if fake.campaigns[c]["advertiser_id"] == fake.usd)
    for g in range(40):
        adgroup_id = f"18900000000{g:06d}"
        fake.add_ad_group(campaign, adgroup_id, budget_mode=ts.BUDGET_MODE_DAY, budget=20.0)
        for n in range(30):
            fake.add_row(AD_GROUP, adgroup_id, SINCE + dt.timedelta(days=n), spend=Decimal("1.25"), impressions=10)
    until = SINCE + dt.timedelta(days=29)
    rows = list(client.daily_report(fake.usd, AD_GROUP, SINCE, until))
    assert len(rows) == 30 * (40 + 4)
    assert sum(r["spend"] for r in rows) == fake.expected_total(fake.usd, AD_GROUP, "spend", SINCE, until)
    assert [c["params"]["page"] for c in fake.requests_to("report/integrated/get/")] == ["1", "2"]


def test_empty_metrics_are_none_and_corrupt_ones_are_refused(fake: FakeTikTok, client: TikTokClient) -> None:
    campaign = next(c for c in fake.campaigns if fake.campaigns[c]["advertiser_id"] == fake.usd)
    fake.add_row(CAMPAIGN, campaign, "2026-01-02", spend="-", impressions="-", clicks="3")
    (row,) = [r for r in client.daily_report(fake.usd, CAMPAIGN, D(2026, 1, 2), D(2026, 1, 2)) if r["clicks"] == 3]
    assert row["spend"] is None
    assert row["impressions"] is None
    for corrupt in ({"spend": "NaN"}, {"spend": "1e400"}, {"clicks": "2.5"}, {"impressions": "-4"}):
        fake.add_row(CAMPAIGN, campaign, "2026-01-03", **corrupt)
        with pytest.raises(TikTokRequestError) as info:
            list(client.daily_report(fake.usd, CAMPAIGN, D(2026, 1, 3), D(2026, 1, 3)))
        assert campaign in str(info.value)


# -- retries and errors ---------------------------------------------------------------------------------


def test_throttling_is_retried_then_the_read_succeeds(fake: FakeTikTok, client: TikTokClient, sleeps: list) -> None:
    fake.throttle("campaign/get/", times=2)
    assert len(list(client.campaigns(fake.usd))) == 2
    assert client.requests == 3
    assert sleeps == [0.05, 0.05]  # capped by TIKTOK_MAX_WAIT_SECONDS


def test_backoff_doubles_up_to_the_longest_wait(fake: FakeTikTok, sleeps: list) -> None:
    client = TikTokClient(TOKEN, base_url=fake.url, max_wait_seconds=5, sleep=sleeps.append)
    fake.throttle("adgroup/get/", times=4)
    assert len(list(client.ad_groups(fake.usd))) == 4
    assert sleeps == [1.0, 2.0, 4.0, 5.0]
    assert client.waited == 12.0


def test_http_429_is_retried_after_the_servers_retry_after(fake: FakeTikTok, sleeps: list) -> None:
    client = TikTokClient(TOKEN, base_url=fake.url, max_wait_seconds=30, sleep=sleeps.append)
    fake.throttle("report/", status=429, json_body=False, message="Too Many Requests", headers={"Retry-After": "7"})
    rows = list(client.daily_report(fake.usd, CAMPAIGN, SINCE, SINCE))
    assert {r["date"] for r in rows} == {SINCE}
    assert sleeps == [7.0]


def test_throttling_that_never_stops_is_one_clear_error(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.throttle("campaign/get/", times=100)
    with pytest.raises(TikTokRateLimitError) as info:
        list(client.campaigns(fake.usd))
    assert client.requests == ts.MAX_ATTEMPTS
    assert "too frequent (code 40100)" in str(info.value)
    assert info.value.request_id


def test_temporary_failures_are_retried(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.fail("adgroup/get/", 50002, "System timeout, please retry.")
    fake.fail("adgroup/get/", None, "Service Unavailable", status=503, json_body=False)
    fake.fail("adgroup/get/", 51000, "RPC error.")
    assert len(list(client.ad_groups(fake.idr))) == 8
    assert client.requests == 4


def test_a_dropped_connection_is_retried(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.fail("advertiser/info/", None, "", close=True)
    assert [a["currency"] for a in client.advertiser_info([fake.idr])] == ["IDR"]
    assert client.requests == 2


def test_an_unreachable_host_is_one_clear_error(sleeps: list) -> None:
    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = TikTokClient(TOKEN, base_url=f"http://127.0.0.1:{port}", max_wait_seconds=0, max_attempts=3)
    with pytest.raises(TikTokTransientError) as info:
        list(client.campaigns("7100000000000000001"))
    assert "Could not reach the TikTok API" in str(info.value)
    assert "TIKTOK_API_URL" in str(info.value)
    assert client.requests == 3


def test_an_expired_token_is_a_clear_error_and_is_not_retried(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.token_state = "expired"
    with pytest.raises(TikTokTokenError) as info:
        list(client.daily_report(fake.idr, CAMPAIGN, SINCE, UNTIL))
    error = info.value
    assert isinstance(error, DomainError)
    assert error.code == 40102
    assert "has expired (code 40102" in str(error)
    assert "TIKTOK_ACCESS_TOKEN" in str(error)
    assert "{code}" in error.message.text  # a translatable template with its parameters
    assert TOKEN not in str(error)
    assert client.requests == 1


def test_a_wrong_token_is_a_clear_error(fake: FakeTikTok) -> None:
    client = TikTokClient("tt-not-the-right-token", base_url=fake.url, sleep=lambda s: None)
    with pytest.raises(TikTokTokenError) as info:
        list(client.campaigns(fake.idr))
    assert "rejected the access token (code 40105" in str(info.value)
    assert "tt-not-the-right-token" not in str(info.value)
    assert client.requests == 1


def test_a_token_echoed_by_the_server_is_masked(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.fail("campaign/get/", 40105, f"Access token {TOKEN} is incorrect or has been revoked.")
    with pytest.raises(TikTokTokenError) as info:
        list(client.campaigns(fake.idr))
    assert TOKEN not in str(info.value)
    assert "Access token *** is incorrect" in str(info.value)


def test_an_invalid_request_is_refused_without_retrying(fake: FakeTikTok, client: TikTokClient) -> None:
    fake.fail("report/", 40002, "Please correct the information in invalid metric fields and try again.")
    with pytest.raises(TikTokRequestError, match="as invalid \\(code 40002"):
        list(client.daily_report(fake.idr, CAMPAIGN, SINCE, SINCE))
    assert client.requests == 1


def test_a_host_that_is_not_the_tiktok_api_is_a_clear_error(fake: FakeTikTok) -> None:
    client = TikTokClient(TOKEN, sleep=lambda s: None)
    client.base_url = fake.url + "/elsewhere"
    with pytest.raises(TikTokRequestError, match="HTTP 404 and no usable reply; check TIKTOK_API_URL"):
        list(client.campaigns(fake.idr))  # TikTok's own "route not found" (code 40400)
    fake.fail("campaign/get/", None, "<html>Not Found</html>", status=404, json_body=False)
    with pytest.raises(TikTokRequestError, match="HTTP 404 and no usable reply; check TIKTOK_API_URL"):
        list(client.campaigns(fake.idr))  # any other server's page


# -- configuration --------------------------------------------------------------------------------------


def test_no_token_is_refused_before_any_request(fake: FakeTikTok) -> None:
    with pytest.raises(TikTokConfigError, match="TIKTOK_ACCESS_TOKEN"):
        TikTokClient("   ")
    assert fake.log == []


def test_the_api_url_is_the_host_root(monkeypatch: pytest.MonkeyPatch) -> None:
    assert api_url("https://business-api.tiktok.com/open_api/v1.3/") == "https://business-api.tiktok.com"
    assert api_url(" http://127.0.0.1:8123/ ") == "http://127.0.0.1:8123"
    for wrong in ("business-api.tiktok.com", "ftp://example.com", "https://x.example/?a=1"):
        with pytest.raises(TikTokConfigError, match="TIKTOK_API_URL"):
            api_url(wrong)
    monkeypatch.delenv("TIKTOK_API_URL", raising=False)
    assert configured_api_url() == "https://business-api.tiktok.com"


def test_the_longest_wait_is_a_bounded_number_of_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIKTOK_MAX_WAIT_SECONDS", raising=False)
    assert configured_max_wait_seconds() == 300.0
    monkeypatch.setenv("TIKTOK_MAX_WAIT_SECONDS", "2.5")
    assert configured_max_wait_seconds() == 2.5
    for wrong in ("nan", "inf", "-1", "soon", "100000"):
        monkeypatch.setenv("TIKTOK_MAX_WAIT_SECONDS", wrong)
        with pytest.raises(TikTokConfigError, match="TIKTOK_MAX_WAIT_SECONDS"):
            configured_max_wait_seconds()


def test_advertiser_ids_are_digits(fake: FakeTikTok, client: TikTokClient) -> None:
    with pytest.raises(TikTokConfigError, match="act_123 is not a TikTok advertiser ID"):
        list(client.campaigns("act_123"))
    with pytest.raises(ValueError, match="level must be one of"):
        list(client.daily_report(fake.idr, "AUCTION_AD", SINCE, SINCE))
    assert fake.log == []


# -- the cost of a full read ----------------------------------------------------------------------------


def test_a_full_read_sends_exactly_the_minimum_number_of_pages(fake: FakeTikTok, client: TikTokClient) -> None:
    advertisers = [fake.idr, fake.usd]
    list(client.advertiser_info(advertisers))
    minimum = 1
    for advertiser in advertisers:
        minimum += math.ceil(len(list(client.campaigns(advertiser))) / ts.PAGE_SIZE)
        minimum += math.ceil(len(list(client.ad_groups(advertiser))) / ts.PAGE_SIZE)
        for level in ts.REPORT_LEVELS:
            rows = list(client.daily_report(advertiser, level, SINCE, UNTIL))
            per_window: dict[tuple, int] = {}
            for window in report_windows(SINCE, UNTIL):
                per_window[window] = sum(1 for r in rows if window[0] <= r["date"] <= window[1])
            minimum += sum(max(1, math.ceil(n / ts.PAGE_SIZE)) for n in per_window.values())
    assert minimum == 1 + 2 * (1 + 1 + 3 + 3)
    assert client.requests == minimum == len(fake.log)
