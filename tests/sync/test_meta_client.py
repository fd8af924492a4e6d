"""The Meta client adapter through the real SDK against the fake Graph API: paging, statuses, async runs,
batches, usage headers, throttling, transient errors, "reduce the amount of data", token and permission
errors, budget updates and account spend."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from facebook_business.session import FacebookSession

from campaigns.meta_client import MetaClient, MetaError, minor_to_major, parse_usage
from campaigns.meta_connection import meta_client
from tests.bahasa import in_bahasa
from tests.fakes.graph_api import TOKEN, FakeGraph

D = dt.date


def _campaigns(fake: FakeGraph, n: int, account: str = "111") -> None:
    fake.add_account(account, currency="USD")
    for i in range(n):
        fake.add_campaign(account, f"{account}{i:04d}")


def test_graph_url_points_the_sdk_session_at_the_fake_and_crash_log_is_off(fake: FakeGraph, client) -> None:
    assert fake.url == FacebookSession.GRAPH
    assert fake.url == client.api._session.GRAPH
    fake.add_account("111")
    client.get("act_111", {"fields": "name"})
    assert fake.log[-1]["path"] == "act_111"
    from facebook_business.crashreporter import CrashReporter

    assert CrashReporter.reporter_instance is None


def test_appsecret_proof_is_sent_when_the_app_secret_is_set(fake: FakeGraph, monkeypatch) -> None:
    monkeypatch.setenv("FB_APP_SECRET", "s3cret")
    fake.add_account("111")
    meta_client(sleep=lambda s: None).get("act_111")
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", TOKEN.encode(), hashlib.sha256).hexdigest()
    assert fake.log[-1]["params"]["appsecret_proof"] == expected


def test_paging_reads_every_page_with_large_limits(fake: FakeGraph, client) -> None:
    _campaigns(fake, 1203)
    pages = list(client.campaigns("111"))
    assert [len(p) for p in pages] == [500, 500, 203]
    assert len({c["id"] for p in pages for c in p}) == 1203
    calls = fake.requests_to("act_111/campaigns")
    assert len(calls) == 3
    assert all(c["params"]["limit"] == "500" for c in calls)


def test_archived_and_deleted_come_back_only_when_asked(fake: FakeGraph, client) -> None:
    _campaigns(fake, 2)
    fake.add_campaign("111", "gone", status="DELETED")
    fake.add_campaign("111", "old", status="ARCHIVED")
    hidden = {c["id"] for p in client.campaigns("111", include_deleted=False) for c in p}
    shown = {c["id"] for p in client.campaigns("111") for c in p}
    assert "gone" not in hidden
    assert "old" not in hidden
    assert {"gone", "old"} <= shown


def test_short_ranges_read_insights_synchronously_with_time_increment(fake: FakeGraph, client) -> None:
    _campaigns(fake, 3)
    for i in range(3):
        for day in ("2026-01-01", "2026-01-02"):
            fake.add_insight("campaign", f"111{i:04d}", day, spend="1.5", impressions=10, clicks=1)
    rows = [r for p in client.insights("111", "campaign", D(2026, 1, 1), D(2026, 1, 10)) for r in p]
    assert len(rows) == 6
    call = fake.requests_to("act_111/insights")[0]
    assert call["method"] == "GET"
    assert call["params"]["time_increment"] == "1"
    assert call["params"]["level"] == "campaign"
    assert json.loads(call["params"]["time_range"]) == {"since": "2026-01-01", "until": "2026-01-10"}


def test_async_run_waits_for_completed_and_100_percent(fake: FakeGraph, client) -> None:
    _campaigns(fake, 2)
    fake.add_insight("campaign", "1110000", "2026-01-05", spend="3")
    # 100 % while still running must not be taken as done.
    fake.async_script = [("Job Running", 40), ("Job Running", 100), ("Job Completed", 100)]
    rows = [r for p in client.insights("111", "campaign", D(2026, 1, 1), D(2026, 3, 31)) for r in p]
    assert len(rows) == 1
    assert len([r for r in fake.requests_to("run_1") if r["path"] == "run_1"]) == 3
    assert fake.requests_to("run_1/insights")


def test_failed_async_run_is_split_into_halves(fake: FakeGraph, client) -> None:
    _campaigns(fake, 1)
    fake.add_insight("campaign", "1110000", "2026-01-05", spend="3")
    fake.add_insight("campaign", "1110000", "2026-03-20", spend="4")
    fake.async_scripts = [[("Job Failed", 0)], [("Job Skipped", 0)]]
    client.async_threshold_days = 30
    rows = [r for p in client.insights("111", "campaign", D(2026, 1, 1), D(2026, 3, 31)) for r in p]
    assert sorted(r["date_start"] for r in rows) == ["2026-01-05", "2026-03-20"]
    assert len(fake.runs) >= 3  # the failed run, then its halves (and theirs)


def test_async_run_that_never_finishes_fails_with_a_clear_error(
    fake: FakeGraph, fake_clock_client, monkeypatch
) -> None:
    _campaigns(fake, 1)
    fake.async_script = [("Job Running", 100)]
    with pytest.raises(MetaError, match="still 'Job Running' at 100%") as caught:
        list(fake_clock_client.insights("111", "campaign", D(2026, 1, 1), D(2026, 3, 31)))
    assert "(campaign, 2026-01-01..2026-03-31)" in str(caught.value)  # the command line: ISO, and its options
    assert str(caught.value).endswith("or with a shorter --since/--until window.")
    shown = in_bahasa(monkeypatch, caught.value.message)  # the Sync page: its dates, no command-line options
    assert "(campaign, 1 Jan 2026..31 Mar 2026) masih 'Job Running' di 100%" in shown
    assert shown.endswith("; jalankan sinkronisasi lagi nanti.")


@pytest.fixture
def fake_clock_client(fake: FakeGraph) -> MetaClient:
    return meta_client(async_max_wait=0.05, poll_seconds=0.01)


def test_explicit_accounts_are_read_in_one_batch(fake: FakeGraph, client) -> None:
    for a in ("111", "222", "333"):
        fake.add_account(a, currency="IDR")
    accounts = client.ad_accounts(["act_111", "222", "333"])
    assert [a["account_id"] for a in accounts] == ["111", "222", "333"]
    assert client.requests == 1
    assert client.calls == 3
    assert fake.log[0]["path"] == ""
    assert fake.log[0]["method"] == "POST"


def test_usage_headers_are_read_and_the_client_slows_down(fake: FakeGraph) -> None:
    waits: list[float] = []
    client = meta_client(sleep=waits.append, max_wait=100)
    fake.add_account("111")
    fake.usage_headers = {
        "x-business-use-case-usage": json.dumps(
            {"111": [{"type": "ads_insights", "call_count": 95, "total_cputime": 10, "total_time": 10}]}
        ),
        "x-app-usage": json.dumps({"call_count": 5, "total_time": 1, "total_cputime": 1}),
    }
    client.get("act_111")
    assert client.usage["pct"] == 95
    assert not waits
    client.get("act_111")
    assert waits
    assert 40 < waits[0] <= 60


def test_usage_is_read_from_error_responses_too() -> None:
    usage = parse_usage(
        {
            "X-Ad-Account-Usage": json.dumps({"acc_id_util_pct": 99.5, "reset_time_duration": 120}),
            "x-fb-ads-insights-throttle": json.dumps({"app_id_util_pct": 10, "acc_id_util_pct": 20}),
        }
    )
    assert usage["pct"] == 99.5
    assert usage["regain_seconds"] == 120


def test_throttling_is_retried_honouring_regain_time_capped(fake: FakeGraph) -> None:
    waits: list[float] = []
    client = meta_client(sleep=waits.append, max_wait=7)
    fake.add_account("111")
    header = json.dumps({"111": [{"type": "ads_management", "call_count": 100, "estimated_time_to_regain_access": 3}]})
    fake.fail("act_111", code=80004, message="There have been too many calls", times=2)
    fake.faults[-1].headers = {"x-business-use-case-usage": header}
    assert client.get("act_111")["id"] == "act_111"
    assert waits[:2] == [7, 7]  # Meta said 3 minutes; FB_MAX_WAIT_SECONDS caps it
    assert client.requests == 3


@pytest.mark.parametrize("code", [1, 2, 4, 17, 32, 613, 80000, 80014])
def test_retry_codes_are_retried(fake: FakeGraph, client, code: int) -> None:
    fake.add_account("111")
    fake.fail("act_111", code=code, message="temporary", times=1)
    assert client.get("act_111")["id"] == "act_111"
    assert client.requests == 2


def test_retries_are_bounded(fake: FakeGraph, client) -> None:
    fake.add_account("111")
    fake.fail("act_111", code=17, message="User request limit reached", times=100)
    with pytest.raises(MetaError, match="after 6 attempts") as info:
        client.get("act_111")
    assert info.value.kind == "throttled"
    assert client.requests == 6


def test_transient_server_errors_and_dropped_connections_are_retried(fake: FakeGraph, client) -> None:
    fake.add_account("111")
    fake.fail("act_111", code=2, message="Service temporarily unavailable", status=503, times=1)
    fake.faults.append(__import__("tests.fakes.graph_api", fromlist=["Fault"]).Fault(match="act_111", close=True))
    assert client.get("act_111")["id"] == "act_111"
    assert len(fake.requests_to("act_111")) == 3


def test_reduce_the_amount_of_data_halves_the_limit(fake: FakeGraph, client) -> None:
    _campaigns(fake, 300)
    for i in range(300):
        fake.add_insight("campaign", f"111{i:04d}", "2026-01-01", spend="1")
    fake.fail(
        "act_111/insights",
        code=1,
        message="Please reduce the amount of data you're asking for, then retry your request",
        min_limit=125,
        times=100,
    )
    rows = [r for p in client.insights("111", "campaign", D(2026, 1, 1), D(2026, 1, 1)) for r in p]
    assert len(rows) == 300
    limits = [c["params"]["limit"] for c in fake.requests_to("act_111/insights")]
    assert limits[:3] == ["500", "250", "125"]


def test_reduce_data_at_the_smallest_limit_splits_the_range(fake: FakeGraph, client) -> None:
    _campaigns(fake, 1)
    fake.add_insight("campaign", "1110000", "2026-01-01", spend="1")
    fake.add_insight("campaign", "1110000", "2026-01-04", spend="2")
    fake.fail("act_111/insights", code=1, message="Please reduce the amount of data", times=5)
    rows = [r for p in client.insights("111", "campaign", D(2026, 1, 1), D(2026, 1, 4)) for r in p]
    assert sorted(r["spend"] for r in rows) == ["1", "2"]
    ranges = {c["params"]["time_range"] for c in fake.requests_to("act_111/insights")}
    assert len(ranges) > 1


def test_expired_token_fails_fast_and_says_how_to_renew(fake: FakeGraph) -> None:
    fake.add_account("111")
    fake.token = "a-different-token"
    client = MetaClient(token="expired-token-abcdef", sleep=lambda s: None)
    with pytest.raises(MetaError) as info:
        client.get("act_111")
    assert info.value.kind == "token"
    assert "expired" in str(info.value)
    assert "FB_ACCESS_TOKEN" in str(info.value)
    assert "expired-token-abcdef" not in str(info.value)
    assert client.requests == 1  # not retried


def test_missing_permission_names_it(fake: FakeGraph, client) -> None:
    fake.add_account("111")
    fake.fail("act_111", code=200, message="(#200) Requires ads_management permission to manage the object")
    with pytest.raises(MetaError, match="missing the ads_management permission") as info:
        client.get("act_111")
    assert info.value.kind == "permission"
    assert client.requests == 1


def test_bad_request_fails_fast(fake: FakeGraph, client) -> None:
    with pytest.raises(MetaError, match=r"invalid \(code 100\)") as info:
        client.get("act_999")
    assert info.value.kind == "bad_request"
    assert client.requests == 1


def test_unreachable_server_error_has_no_token(monkeypatch) -> None:
    monkeypatch.setenv("FB_ACCESS_TOKEN", "secret-token-xyz")
    client = meta_client(graph_url="http://127.0.0.1:9", max_wait=0, max_retries=2, sleep=lambda s: None)
    with pytest.raises(MetaError) as info:
        client.get("act_1")
    assert "secret-token-xyz" not in str(info.value)
    assert "Could not reach" in str(info.value)


def test_missing_token_is_a_clear_configuration_error(migrated_url: str, monkeypatch) -> None:
    monkeypatch.delenv("FB_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("PANTAU_SECRETS_FILE", "/nonexistent/secrets.toml")
    with pytest.raises(MetaError, match="set FB_ACCESS_TOKEN"):
        meta_client()


@pytest.mark.parametrize(
    ("currency", "raw", "major"),
    [("IDR", "150000", Decimal("150000")), ("JPY", "5000", Decimal("5000")), ("USD", "2550", Decimal("25.50"))],
)
def test_budget_minor_units_use_metas_offsets(currency: str, raw: str, major: Decimal) -> None:
    assert minor_to_major(raw, currency) == major


def test_update_campaign_budget_posts_minor_units(fake: FakeGraph, client) -> None:
    _campaigns(fake, 1)
    assert client.update_campaign_budget("1110000", "daily_budget", Decimal("25.50"), "USD") == {"success": True}
    assert fake.campaigns["1110000"]["daily_budget"] == "2550"
    client.update_campaign_budget("1110000", "lifetime_budget", Decimal("1500000"), "IDR")
    assert fake.campaigns["1110000"]["lifetime_budget"] == "1500000"
    assert fake.log[-1]["method"] == "POST"
    with pytest.raises(ValueError, match="not a positive amount"):
        client.update_campaign_budget("1110000", "daily_budget", Decimal("0.001"), "USD")
    with pytest.raises(ValueError, match="budget field"):
        client.update_campaign_budget("1110000", "spend_cap", Decimal("1"), "USD")


def test_account_spend_uses_one_account_level_query(fake: FakeGraph, client) -> None:
    _campaigns(fake, 2)
    fake.add_insight("campaign", "1110000", "2026-01-01", spend="10.25")
    fake.add_insight("campaign", "1110001", "2026-01-02", spend="0.75")
    fake.add_insight("campaign", "1110001", "2026-02-02", spend="99")
    assert client.account_spend("111", D(2026, 1, 1), D(2026, 1, 31)) == Decimal("11.00")
    call = fake.requests_to("act_111/insights")[-1]
    assert call["params"]["level"] == "account"
    assert "time_increment" not in call["params"]


def test_each_response_body_is_decoded_once(fake: FakeGraph, client, monkeypatch) -> None:
    """The SDK decodes every body to look for an error; that decode is the one the client reads."""
    import facebook_business.api

    _campaigns(fake, 3)
    decoded: list[str] = []
    real_loads = json.loads

    def counting_loads(text, *args, **kwargs):
        decoded.append(text)
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(facebook_business.api.json, "loads", counting_loads)
    pages = list(client.campaigns("111"))
    assert [len(p) for p in pages] == [3]
    bodies = [t for t in decoded if t.startswith('{"data"')]  # (the SDK also decodes JSON-looking params)
    assert len(bodies) == 1  # one HTTP response, one decode
    # Errors are still recognised from that decode.
    fake.fail("act_111/campaigns", code=100, message="Invalid parameter", times=1)
    with pytest.raises(MetaError, match="code 100"):
        list(client.campaigns("111"))
