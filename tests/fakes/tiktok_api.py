"""A fake TikTok Business API (v1.3) server on 127.0.0.1 for driving the real adapter over HTTP (TIKTOK_API_URL).

It answers the endpoints Pantau reads the way TikTok does: the `{code, message, request_id, data}` envelope
with errors as HTTP 200 and a non-zero code, the `Access-Token` header, JSON-encoded list and object query
parameters, `page`/`page_size` paging with `page_info`, deleted campaigns and ad groups hidden unless
`primary_status` asks for all, and the integrated report with its 30-day limit for `stat_time_day` and
its status filters. Faults can be injected (throttling 40100 or HTTP 429, temporary 5xxxx codes, dropped
connections, requests held until released) and the token can be expired or revoked. Every request is logged for
assertions. For benchmarks an advertiser's report rows can be generated on the fly (`generate`) instead of stored.

Its field and metric names are written out here, not imported from the adapter's settings, so a typo on
either side fails a test. `FakeTikTok.seeded(seed)` builds a small world (an IDR advertiser in Asia/Jakarta,
a USD one in America/Los_Angeles) and `expected_total` sums what the reports should add up to.

Use:
    with FakeTikTok.seeded(16) as fake:
        client = TikTokClient(TOKEN, base_url=fake.url, sleep=lambda s: None)
        list(client.daily_report(fake.idr, "AUCTION_CAMPAIGN", since, until))
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.fakes import loopback

TOKEN = "tt-fake-token-0123456789abcdef"
APP_ID = "7000000000000000001"
APP_SECRET = "fake-app-secret-9f8e7d6c"
PREFIX = "/open_api/v1.3/"
MAX_PAGE_SIZE = 1000
MAX_DAILY_SPAN_DAYS = 30

ADVERTISER_FIELDS = {
    "advertiser_id",
    "name",
    "currency",
    "timezone",
    "status",
    "role",
    "country",
    "company",
    "create_time",
    "balance",
}
CAMPAIGN_FIELDS = {
    "campaign_id",
    "advertiser_id",
    "campaign_name",
    "campaign_type",
    "objective_type",
    "budget",
    "budget_mode",
    "budget_optimize_on",
    "operation_status",
    "secondary_status",
    "is_smart_performance_campaign",
    "create_time",
    "modify_time",
}
AD_GROUP_FIELDS = {
    "adgroup_id",
    "campaign_id",
    "advertiser_id",
    "adgroup_name",
    "budget",
    "budget_mode",
    "operation_status",
    "secondary_status",
    "optimization_goal",
    "billing_event",
    "bid_type",
    "placement_type",
    "schedule_type",
    "schedule_start_time",
    "schedule_end_time",
    "create_time",
    "modify_time",
}
METRICS = (
    "spend",
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "complete_payment",
    "total_complete_payment_rate",
    "form",
    "onsite_form",
    "app_install",
)
MONEY = {"spend", "total_complete_payment_rate"}
ATTRIBUTES = {
    "AUCTION_CAMPAIGN": {"campaign_name"},
    "AUCTION_ADGROUP": {"adgroup_name", "campaign_id", "campaign_name"},
}
ID_DIMENSION = {"AUCTION_CAMPAIGN": "campaign_id", "AUCTION_ADGROUP": "adgroup_id"}
STATUS_FILTER = {"AUCTION_CAMPAIGN": "campaign_status", "AUCTION_ADGROUP": "adgroup_status"}
DELETED = {"CAMPAIGN_STATUS_DELETE", "ADGROUP_STATUS_DELETE", "ADGROUP_STATUS_CAMPAIGN_DELETE"}


class _Refusal(Exception):
    """An API error the fake answers with (HTTP 200 and a non-zero code, as TikTok does)."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Fault:
    """An error returned instead of the answer, `times` times, for endpoints containing `match`."""

    match: str
    code: int | None = 40100
    message: str = "Too many requests. Please retry in some time."
    status: int = 200
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    json_body: bool = True  # False: a plain-text body (a gateway's 429 or 503)
    close: bool = False  # drop the connection instead of answering
    after: int = 0  # let this many matching requests through first


@dataclass
class Generated:
    """Report rows computed on the fly (benchmarks): every object of the advertiser has a row every day."""

    start: dt.date
    days: int
    metrics: Callable[[str, str, dt.date], dict[str, Any]]  # (data_level, object id, day) -> metrics

    def covers(self, since: dt.date, until: dt.date) -> list[dt.date]:
        first = max(since, self.start)
        last = min(until, self.start + dt.timedelta(days=self.days - 1))
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


class FakeTikTok:
    """The fake server and its data. Thread-safe enough for one sync at a time."""

    def __init__(self, token: str = TOKEN, app_id: str = APP_ID, app_secret: str = APP_SECRET) -> None:
        self.token = token
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_state = "valid"  # valid, expired, revoked
        self.advertisers: dict[str, dict[str, Any]] = {}
        self.authorised: set[str] = set()  # advertisers the token may read
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.ad_groups: dict[str, dict[str, Any]] = {}
        self.rows: dict[tuple[str, str, str], dict[str, Any]] = {}  # (level, object id, day) -> metrics
        self.faults: list[Fault] = []
        self.log: list[dict[str, Any]] = []
        self.generated: dict[str, Generated] = {}  # advertiser -> rows computed on the fly
        # Requests for which hold_if(endpoint, params) is true wait until `hold` is set (a kill mid-sync).
        self.hold: threading.Event | None = None
        self.hold_if: Callable[[str, dict[str, str]], bool] | None = None
        self.held = threading.Event()  # set once a request is being held
        self._report_cache: dict[tuple, list[dict[str, Any]]] = {}
        self.lock = threading.Lock()
        self.idr = ""  # the seeded world's advertisers
        self.usd = ""
        self._server: ThreadingHTTPServer | None = None

    # -- data ---------------------------------------------------------------------------------------

    def add_advertiser(
        self,
        advertiser_id: str,
        name: str | None = None,
        currency: str = "USD",
        timezone: str = "Etc/GMT",
        *,
        authorised: bool = True,
        **extra: Any,
    ) -> dict[str, Any]:
        row = {
            "advertiser_id": advertiser_id,
            "name": name or f"Advertiser {advertiser_id}",
            "currency": currency,
            "timezone": timezone,
            "status": "STATUS_ENABLE",
            "role": "ROLE_ADVERTISER",
            "country": "ID" if currency == "IDR" else "US",
            "company": f"Company {advertiser_id}",
            "create_time": 1735689600,
            "balance": 0.0,
            **extra,
        }
        self.advertisers[advertiser_id] = row
        if authorised:
            self.authorised.add(advertiser_id)
        return row

    def add_campaign(
        self,
        advertiser_id: str,
        campaign_id: str,
        name: str | None = None,
        *,
        budget_mode: str = "BUDGET_MODE_INFINITE",
        budget: float = 0.0,
        deleted: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        operation = fields.pop("operation_status", "DISABLE" if deleted else "ENABLE")
        row = {
            "campaign_id": campaign_id,
            "advertiser_id": advertiser_id,
            "campaign_name": name or f"Campaign {campaign_id}",
            "campaign_type": "REGULAR_CAMPAIGN",
            "objective_type": fields.pop("objective_type", "WEB_CONVERSIONS"),
            "budget": budget,
            "budget_mode": budget_mode,
            "budget_optimize_on": budget_mode != "BUDGET_MODE_INFINITE",
            "operation_status": operation,
            "secondary_status": "CAMPAIGN_STATUS_DELETE" if deleted else f"CAMPAIGN_STATUS_{operation}",
            "is_smart_performance_campaign": False,
            "create_time": "2025-12-20 03:00:00",
            "modify_time": "2026-01-02 08:30:00",
            **fields,
        }
        self.campaigns[campaign_id] = row
        return row

    def add_ad_group(
        self,
        campaign_id: str,
        adgroup_id: str,
        name: str | None = None,
        *,
        budget_mode: str = "BUDGET_MODE_DAY",
        budget: float = 0.0,
        deleted: bool = False,
        **fields: Any,
    ) -> dict[str, Any]:
        campaign = self.campaigns[campaign_id]
        campaign_deleted = campaign["secondary_status"] == "CAMPAIGN_STATUS_DELETE"
        operation = fields.pop("operation_status", "DISABLE" if deleted or campaign_deleted else "ENABLE")
        if deleted:
            secondary = "ADGROUP_STATUS_DELETE"
        elif campaign_deleted:
            secondary = "ADGROUP_STATUS_CAMPAIGN_DELETE"
        else:
            secondary = "ADGROUP_STATUS_DELIVERY_OK" if operation == "ENABLE" else "ADGROUP_STATUS_DISABLE"
        row = {
            "adgroup_id": adgroup_id,
            "campaign_id": campaign_id,
            "advertiser_id": campaign["advertiser_id"],
            "adgroup_name": name or f"Ad group {adgroup_id}",
            "budget": budget,
            "budget_mode": budget_mode,
            "operation_status": operation,
            "secondary_status": secondary,
            "optimization_goal": "CONVERT",
            "billing_event": "OCPM",
            "bid_type": "BID_TYPE_NO_BID",
            "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
            "schedule_type": "SCHEDULE_START_END" if budget_mode == "BUDGET_MODE_TOTAL" else "SCHEDULE_FROM_NOW",
            "schedule_start_time": "2026-01-01 00:00:00",
            "schedule_end_time": "2026-03-31 23:59:59" if budget_mode == "BUDGET_MODE_TOTAL" else None,
            "create_time": "2025-12-20 03:05:00",
            "modify_time": "2026-01-02 08:31:00",
            **fields,
        }
        self.ad_groups[adgroup_id] = row
        return row

    def add_row(self, level: str, object_id: str, day: dt.date | str, **metrics: Any) -> None:
        """One object's metrics for one day (money as Decimal or text, counts as ints)."""
        self.rows[(level, object_id, str(day))] = metrics

    def remove_row(self, level: str, object_id: str, day: dt.date | str) -> None:
        """TikTok no longer reports this object on this day."""
        del self.rows[(level, object_id, str(day))]

    def generate(
        self, advertiser_id: str, start: dt.date, days: int, metrics: Callable[[str, str, dt.date], dict[str, Any]]
    ) -> None:
        """The advertiser's report rows computed on the fly: each object, each day from `start` for `days`."""
        self.generated[advertiser_id] = Generated(start, days, metrics)

    def throttle(self, match: str = "", times: int = 1, *, status: int = 200, **kwargs: Any) -> Fault:
        """Answer 'too many requests' (code 40100, or HTTP `status` 429) the next `times` times."""
        fault = Fault(match=match, times=times, status=status, **kwargs)
        self.faults.append(fault)
        return fault

    def fail(self, match: str, code: int | None, message: str, times: int = 1, **kwargs: Any) -> Fault:
        fault = Fault(match=match, code=code, message=message, times=times, **kwargs)
        self.faults.append(fault)
        return fault

    def requests_to(self, endpoint: str) -> list[dict[str, Any]]:
        return [r for r in self.log if r["endpoint"] == endpoint]

    def objects(self, level: str, advertiser_id: str) -> dict[str, dict[str, Any]]:
        source = self.campaigns if level == "AUCTION_CAMPAIGN" else self.ad_groups
        return {k: v for k, v in source.items() if v["advertiser_id"] == advertiser_id}

    def expected_total(
        self,
        advertiser_id: str,
        level: str,
        metric: str,
        since: dt.date,
        until: dt.date,
        *,
        object_id: str | None = None,
    ) -> Decimal:
        """What a report's `metric` adds up to for the advertiser (deleted objects included)."""
        ids = set(self.objects(level, advertiser_id)) if object_id is None else {object_id}
        total = Decimal(0)
        for (row_level, oid, day), metrics in self.rows.items():
            if row_level == level and oid in ids and since <= dt.date.fromisoformat(day) <= until:
                total += Decimal(str(metrics.get(metric) or 0))
        return total

    # -- a seeded world -----------------------------------------------------------------------------

    @classmethod
    def seeded(cls, seed: int = 16, *, start: dt.date = dt.date(2026, 1, 1), days: int = 75) -> FakeTikTok:
        """Two advertisers (IDR in Asia/Jakarta, USD in America/Los_Angeles), campaigns with every budget
        mode, a deleted campaign that spent, two ad groups each, and a row per ad group and day; campaign rows
        are the sums of their ad groups' rows."""
        fake = cls()
        rng = random.Random(seed)
        fake.idr, fake.usd = "7100000000000000001", "7200000000000000002"
        fake.add_advertiser(fake.idr, "Toko Batik Nusantara", "IDR", "Asia/Jakarta")
        fake.add_advertiser(fake.usd, "Nusantara Goods US", "USD", "America/Los_Angeles")
        plans = {
            fake.idr: [
                ("BUDGET_MODE_INFINITE", 0.0, ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL"), False),
                ("BUDGET_MODE_DAY", 1500000.0, ("BUDGET_MODE_INFINITE", "BUDGET_MODE_INFINITE"), False),
                ("BUDGET_MODE_INFINITE", 0.0, ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_DAY"), True),
                ("BUDGET_MODE_TOTAL", 30000000.0, ("BUDGET_MODE_INFINITE", "BUDGET_MODE_INFINITE"), False),
            ],
            fake.usd: [
                ("BUDGET_MODE_INFINITE", 0.0, ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL"), False),
                ("BUDGET_MODE_DAY", 250.5, ("BUDGET_MODE_INFINITE", "BUDGET_MODE_INFINITE"), False),
            ],
        }
        for a_index, (advertiser, plan) in enumerate(plans.items(), start=1):
            idr = advertiser == fake.idr
            for c_index, (mode, budget, group_modes, deleted) in enumerate(plan, start=1):
                campaign_id = f"17{a_index}00000000000{c_index:03d}"
                fake.add_campaign(
                    advertiser,
                    campaign_id,
                    f"Campaign {a_index}.{c_index}",
                    budget_mode=mode,
                    budget=budget,
                    deleted=deleted,
                )
                for g_index, group_mode in enumerate(group_modes, start=1):
                    adgroup_id = f"18{a_index}0000000000{c_index:03d}{g_index}"
                    group_budget = {
                        "BUDGET_MODE_DAY": 500000.0 if idr else 75.25,
                        "BUDGET_MODE_DYNAMIC_DAILY_BUDGET": 350000.0,
                        "BUDGET_MODE_TOTAL": 12345678.0 if idr else 1234.56,
                    }.get(group_mode, 0.0)
                    fake.add_ad_group(campaign_id, adgroup_id, budget_mode=group_mode, budget=group_budget)
                    # A deleted campaign's rows end on its 40th day: it spent, then was deleted.
                    for offset in range(40 if deleted else days):
                        day = start + dt.timedelta(days=offset)
                        fake.add_row("AUCTION_ADGROUP", adgroup_id, day, **_metrics(rng, idr))
                fake._campaign_rows(campaign_id)
        return fake

    def _campaign_rows(self, campaign_id: str) -> None:
        """Campaign rows as the sums of its ad groups' rows."""
        groups = {k for k, v in self.ad_groups.items() if v["campaign_id"] == campaign_id}
        sums: dict[str, dict[str, Any]] = {}
        for (level, oid, day), metrics in self.rows.items():
            if level != "AUCTION_ADGROUP" or oid not in groups:
                continue
            target = sums.setdefault(day, {})
            for name, value in metrics.items():
                target[name] = target.get(name, 0) + (Decimal(str(value)) if name in MONEY else int(value))
        for day, metrics in sums.items():
            metrics["reach"] = int(metrics["impressions"] * 0.6)
            self.rows[("AUCTION_CAMPAIGN", campaign_id, day)] = metrics

    # -- server -------------------------------------------------------------------------------------

    def __enter__(self) -> FakeTikTok:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> FakeTikTok:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self)

        self._server = loopback.serve(Handler)
        return self

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        if self._server is not None:
            loopback.stop(self._server)
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- request handling ---------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        params = dict(parse_qsl(parsed.query, keep_blank_values=True))
        endpoint = parsed.path[len(PREFIX) :] if parsed.path.startswith(PREFIX) else parsed.path
        token = handler.headers.get("Access-Token")
        with self.lock:
            self.log.append({"endpoint": endpoint, "path": parsed.path, "params": params, "token": token})
        if self.hold is not None and self.hold_if is not None and self.hold_if(endpoint, params):
            self.held.set()
            self.hold.wait(timeout=120)
        request_id = uuid.uuid4().hex.upper()
        status, headers = 200, {"X-Tt-Logid": request_id}
        fault = self._fault(endpoint)
        if fault is not None and fault.close:
            handler.close_connection = True  # no answer at all: the client sees the connection drop
            return
        if fault is not None:
            status, headers = fault.status, {**headers, **fault.headers}
            if fault.json_body:
                body: Any = {"code": fault.code, "message": fault.message, "request_id": request_id, "data": {}}
            else:
                body = fault.message
        else:
            try:
                self._check_token(token)
                data = self._route(endpoint, params)
                body = {"code": 0, "message": "OK", "request_id": request_id, "data": data}
            except _Refusal as exc:
                status = exc.status
                body = {"code": exc.code, "message": exc.message, "request_id": request_id, "data": {}}
        payload = (json.dumps(body, default=_json_default) if not isinstance(body, str) else body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _fault(self, endpoint: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in endpoint:
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _check_token(self, token: str | None) -> None:
        if not token:
            raise _Refusal(40104, "Access token is null.")
        if token != self.token or self.token_state == "revoked":
            raise _Refusal(40105, "Access token is incorrect or has been revoked.")
        if self.token_state == "expired":
            raise _Refusal(40102, "Access token has expired.")

    def _route(self, endpoint: str, params: dict[str, str]) -> dict[str, Any]:
        if endpoint == "oauth2/advertiser/get/":
            return self._advertiser_list(params)
        if endpoint == "advertiser/info/":
            return self._advertiser_info(params)
        if endpoint == "campaign/get/":
            return self._entities(params, self.campaigns, CAMPAIGN_FIELDS, "campaign_id")
        if endpoint == "adgroup/get/":
            return self._entities(params, self.ad_groups, AD_GROUP_FIELDS, "adgroup_id")
        if endpoint == "report/integrated/get/":
            return self._report(params)
        raise _Refusal(40400, f"Route {endpoint} not found.", status=404)

    def _advertiser_list(self, params: dict[str, str]) -> dict[str, Any]:
        if params.get("app_id") != self.app_id or params.get("secret") != self.app_secret:
            raise _Refusal(40001, "The app_id or secret is invalid.")
        rows = [{"advertiser_id": a, "advertiser_name": self.advertisers[a]["name"]} for a in sorted(self.authorised)]
        return {"list": rows}

    def _advertiser_info(self, params: dict[str, str]) -> dict[str, Any]:
        ids = _json_param(params, "advertiser_ids", list, required=True)
        if not 1 <= len(ids) <= 100:
            raise _Refusal(40002, "advertiser_ids: the list must hold 1 to 100 IDs.")
        denied = [a for a in ids if a not in self.authorised or a not in self.advertisers]
        if denied:
            raise _Refusal(40001, f"No permission to operate advertiser {', '.join(map(str, denied))}.")
        fields = _fields(params, ADVERTISER_FIELDS)
        return {"list": [_project(self.advertisers[a], fields, "advertiser_id") for a in ids]}

    def _entities(self, params: dict[str, str], source: dict, known: set[str], key: str) -> dict[str, Any]:
        advertiser = self._advertiser(params)
        fields = _fields(params, known)
        filtering = _json_param(params, "filtering", dict) or {}
        primary = filtering.get("primary_status", "STATUS_NOT_DELETE")
        if primary not in ("STATUS_ALL", "STATUS_NOT_DELETE", "STATUS_DELETE"):
            raise _Refusal(40002, f"filtering.primary_status: invalid value {primary}.")
        rows = []
        for object_id in sorted(source):
            row = source[object_id]
            deleted = row["secondary_status"] in DELETED
            if row["advertiser_id"] != advertiser:
                continue
            if (primary == "STATUS_NOT_DELETE" and deleted) or (primary == "STATUS_DELETE" and not deleted):
                continue
            rows.append(_project(row, fields, key))
        return _page(rows, params)

    def _report(self, params: dict[str, str]) -> dict[str, Any]:
        advertiser = self._advertiser(params)
        if params.get("report_type") != "BASIC":
            raise _Refusal(40002, "report_type: only BASIC is supported by this fake.")
        if params.get("service_type", "AUCTION") != "AUCTION":
            raise _Refusal(40002, "service_type: invalid value.")
        level = params.get("data_level")
        if level not in ID_DIMENSION:
            raise _Refusal(40002, f"data_level: invalid value {level}.")
        dimensions = _json_param(params, "dimensions", list, required=True)
        id_dimension = ID_DIMENSION[level]
        if sorted(dimensions) != sorted([id_dimension, "stat_time_day"]):
            raise _Refusal(40002, f"dimensions: {dimensions} do not match data_level {level}.")
        metrics = _json_param(params, "metrics", list, required=True)
        invalid = [m for m in metrics if m not in METRICS and m not in ATTRIBUTES[level]]
        if level != "AUCTION_CAMPAIGN":
            invalid += [m for m in metrics if m == "reach"]  # the fake's rule: reach is asked per campaign only
        if invalid:
            raise _Refusal(
                40002,
                f"Please correct the information in invalid metric fields and try again. Invalid metric "
                f"fields: {invalid}.",
            )
        try:
            since = dt.date.fromisoformat(params["start_date"])
            until = dt.date.fromisoformat(params["end_date"])
        except (KeyError, ValueError):
            raise _Refusal(40002, "start_date and end_date are required (YYYY-MM-DD).") from None
        if until < since:
            raise _Refusal(40002, "end_date must not be earlier than start_date.")
        if (until - since).days + 1 > MAX_DAILY_SPAN_DAYS:
            raise _Refusal(
                40002,
                "The time span between start_date and end_date cannot exceed 30 days when the dimensions "
                "include stat_time_day.",
            )
        include_deleted = self._status_filter(params, level)
        if advertiser in self.generated:
            return self._generated_report(advertiser, level, since, until, include_deleted, metrics, params)
        # A read's first page builds its rows; the next pages of the same read reuse them.
        key = (advertiser, level, since, until, include_deleted, tuple(metrics))
        cached = self._report_cache.get(key)
        if cached is not None and params.get("page", "1") != "1":
            return _page(cached, params)
        objects = self.objects(level, advertiser)
        rows = []
        for (row_level, object_id, day), values in sorted(self.rows.items()):
            if row_level != level or object_id not in objects or not since <= dt.date.fromisoformat(day) <= until:
                continue
            row = objects[object_id]
            if row["secondary_status"] in DELETED and not include_deleted:
                continue
            out: dict[str, Any] = {}
            for name in metrics:
                if name in ATTRIBUTES[level]:
                    out[name] = (
                        row.get(name)
                        if name != "campaign_name"
                        else self.campaigns[row["campaign_id"]]["campaign_name"]
                    )
                else:
                    out[name] = _metric_text(name, values.get(name, 0))
            rows.append({"dimensions": {id_dimension: object_id, "stat_time_day": f"{day} 00:00:00"}, "metrics": out})
        with self.lock:
            if len(self._report_cache) > 16:
                self._report_cache.clear()
            self._report_cache[key] = rows
        return _page(rows, params)

    def _generated_report(
        self,
        advertiser: str,
        level: str,
        since: dt.date,
        until: dt.date,
        include_deleted: bool,
        metrics: list[str],
        params: dict[str, str],
    ) -> dict[str, Any]:
        """One page of a generated report, computing only that page's rows (object by object, day by day)."""
        gen = self.generated[advertiser]
        key = ("generated", advertiser, level, include_deleted)
        ids = self._report_cache.get(key)
        if ids is None or params.get("page", "1") == "1":  # a read's first page looks again; later pages reuse
            objects = self.objects(level, advertiser)
            ids = sorted(k for k, v in objects.items() if include_deleted or v["secondary_status"] not in DELETED)
            self._report_cache[key] = ids
        days = [(day, f"{day} 00:00:00") for day in gen.covers(since, until)]
        id_dimension = ID_DIMENSION[level]
        total = len(ids) * len(days)
        page, size = int(params.get("page", "1")), int(params.get("page_size", "10"))
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise _Refusal(40002, f"page_size: must be between 1 and {MAX_PAGE_SIZE}.")
        attributes = [m for m in metrics if m in ATTRIBUTES[level]]
        numbers = [(m, m in MONEY) for m in metrics if m not in ATTRIBUTES[level]]
        source = self.campaigns if level == "AUCTION_CAMPAIGN" else self.ad_groups
        rows = []
        named: dict[str, dict[str, Any]] = {}
        for index in range((page - 1) * size, min(total, page * size)):
            object_id = ids[index // len(days)]
            day, stamp = days[index % len(days)]
            values = gen.metrics(level, object_id, day)
            out = named.get(object_id)
            if out is None:
                row = source[object_id]
                out = named[object_id] = {
                    m: self.campaigns[row["campaign_id"]]["campaign_name"] if m == "campaign_name" else row.get(m)
                    for m in attributes
                }
            out = dict(out)
            for name, money in numbers:
                value = values.get(name, 0)
                out[name] = value if isinstance(value, str) else (f"{value:.2f}" if money else str(value))
            rows.append({"dimensions": {id_dimension: object_id, "stat_time_day": stamp}, "metrics": out})
        info = {"page": page, "page_size": size, "total_number": total, "total_page": math.ceil(total / size)}
        return {"list": rows, "page_info": info}

    def _status_filter(self, params: dict[str, str], level: str) -> bool:
        """True when the report asks for every status (deleted objects included)."""
        filters = _json_param(params, "filtering", list) or []
        include = False
        for item in filters:
            if not isinstance(item, dict) or {"field_name", "filter_type", "filter_value"} - set(item):
                raise _Refusal(40002, "filtering: each filter needs field_name, filter_type and filter_value.")
            name = item["field_name"]
            if name in STATUS_FILTER.values() and name != STATUS_FILTER[level]:
                raise _Refusal(40002, f"filtering: {name} cannot be used when data_level is {level}.")
            if name == STATUS_FILTER[level]:
                try:
                    values = json.loads(item["filter_value"])
                except (TypeError, ValueError):
                    raise _Refusal(40002, "filtering.filter_value must be a JSON list as text.") from None
                include = include or "STATUS_ALL" in values
        return include

    def _advertiser(self, params: dict[str, str]) -> str:
        advertiser = params.get("advertiser_id", "")
        if not advertiser:
            raise _Refusal(40002, "advertiser_id: Missing data for required field.")
        if advertiser not in self.authorised or advertiser not in self.advertisers:
            raise _Refusal(40001, f"No permission to operate advertiser {advertiser}.")
        return advertiser


# -- helpers ------------------------------------------------------------------------------------------------


def _metrics(rng: random.Random, idr: bool) -> dict[str, Any]:
    """One ad group's day: spend in major units (rupiah whole, dollars with cents), counts consistent."""
    impressions = rng.randint(800, 20000)
    clicks = rng.randint(5, max(6, impressions // 40))
    payments = rng.randint(0, max(1, clicks // 8))
    if idr:
        spend = Decimal(rng.randint(50, 900) * 1000)
        value = Decimal(payments * rng.randint(80, 400) * 1000)
    else:
        spend = Decimal(rng.randint(500, 25000)) / 100
        value = Decimal(payments * rng.randint(1500, 9000)) / 100
    return {
        "spend": spend,
        "impressions": impressions,
        "clicks": clicks,
        "conversion": payments,
        "complete_payment": payments,
        "total_complete_payment_rate": value,
        "form": rng.randint(0, 3),
        "onsite_form": 0,
        "app_install": 0,
    }


def _metric_text(name: str, value: Any) -> str:
    """TikTok sends every metric as text; money with two decimals (text given to `add_row` goes as is)."""
    if isinstance(value, str):
        return value
    if name in MONEY:
        return f"{Decimal(str(value)):.2f}"
    return str(value)


def _json_param(params: dict[str, str], name: str, kind: type, *, required: bool = False) -> Any:
    raw = params.get(name)
    if raw in (None, ""):
        if required:
            raise _Refusal(40002, f"{name}: Missing data for required field.")
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise _Refusal(40002, f"{name}: Not a valid JSON {kind.__name__}.") from None
    if not isinstance(value, kind):
        raise _Refusal(40002, f"{name}: Not a valid {kind.__name__}.")
    return value


def _fields(params: dict[str, str], known: set[str]) -> list[str] | None:
    fields = _json_param(params, "fields", list)
    if fields is None:
        return None
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise _Refusal(40002, f"fields: invalid fields {unknown}.")
    return fields


def _project(row: dict[str, Any], fields: list[str] | None, key: str) -> dict[str, Any]:
    if fields is None:
        return dict(row)
    return {name: row.get(name) for name in dict.fromkeys([key, *fields])}


def _page(rows: list[dict[str, Any]], params: dict[str, str]) -> dict[str, Any]:
    try:
        page = int(params.get("page", "1"))
        size = int(params.get("page_size", "10"))
    except ValueError:
        raise _Refusal(40002, "page and page_size must be integers.") from None
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise _Refusal(40002, f"page_size: must be between 1 and {MAX_PAGE_SIZE}.")
    total_page = math.ceil(len(rows) / size)
    chunk = rows[(page - 1) * size : page * size]
    info = {"page": page, "page_size": size, "total_number": len(rows), "total_page": total_page}
    return {"list": chunk, "page_info": info}


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON: {value!r}")
