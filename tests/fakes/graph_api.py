"""A fake Graph API server on 127.0.0.1 for driving the real facebook-business SDK (FB_GRAPH_URL).

It mimics the parts of the Marketing API Pantau uses: ad accounts, campaigns and ad sets (ARCHIVED
and DELETED hidden unless filtered for), daily insights at account/campaign/adset level with cursor
paging, async report runs, batch requests, budget updates (POST to a campaign id), usage headers,
`debug_token` (validity, expiry and scopes of the token), and injectable faults (error codes, HTTP 5xx,
"reduce the amount of data", slow or held requests).

Use:
    with FakeGraph() as fake:
        acc = fake.add_account("111", currency="IDR", timezone_name="Asia/Jakarta")
        camp = fake.add_campaign("111", "c1", objective="OUTCOME_SALES", daily_budget="500000")
        fake.add_insight("campaign", "c1", "2026-01-05", spend="12500", impressions=1000, clicks=30)
        os.environ["FB_GRAPH_URL"] = fake.url
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

from tests.fakes import loopback

HIDDEN_BY_DEFAULT = {"ARCHIVED", "DELETED"}
TOKEN = "fake-token-0123456789"


@dataclass
class Fault:
    """An error returned instead of a normal answer, `times` times, for paths containing `match`."""

    match: str
    status: int = 400
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    method: str | None = None
    min_limit: int | None = None  # only when the request's limit is above this ("reduce the amount of data")
    close: bool = False  # drop the connection instead of answering


@dataclass
class ReportRun:
    account: str
    params: dict[str, Any]
    polls: int = 0
    script: list[tuple[str, int]] = field(default_factory=list)  # (async_status, percent) per poll


@dataclass
class Generated:
    """Insights computed on the fly (for benchmarks): every object has a row every day."""

    start: dt.date
    days: int
    row: Callable[[str, str, dt.date], dict[str, Any]]  # (level, object id, day) -> metrics


class FakeGraph:
    """The fake server and its data. Thread-safe enough for one sync at a time."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.accounts: dict[str, dict[str, Any]] = {}  # "123" -> fields
        self.campaigns: dict[str, dict[str, Any]] = {}  # id -> fields (+ "account_id")
        self.adsets: dict[str, dict[str, Any]] = {}
        self.insights: dict[tuple[str, str, str], dict[str, Any]] = {}  # (level, object id, date) -> metrics
        self.generated: dict[str, Generated] = {}  # account -> generated insights
        self.faults: list[Fault] = []
        self.usage_headers: dict[str, str] = {}
        self.permissions = ["ads_read", "ads_management"]
        self.token_expires_at = 0  # debug_token: Unix time the token expires, 0 = never (system-user tokens)
        self.token_valid = True  # debug_token: False reports the token as invalidated (e.g. password change)
        self.async_script: list[tuple[str, int]] = [("Job Running", 50), ("Job Completed", 100)]
        self.async_scripts: list[list[tuple[str, int]]] = []  # consumed one per new run, before async_script
        self.runs: dict[str, ReportRun] = {}
        self.log: list[dict[str, Any]] = []  # every HTTP request: method, path, params
        self.hold: threading.Event | None = None  # when set to an Event, matching requests wait for it
        self.hold_match = ""
        self.held = threading.Event()  # set once a request is being held
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- data ---------------------------------------------------------------------------------------

    def add_account(
        self, account_id: str, name: str | None = None, currency: str = "USD", timezone_name: str = "UTC", **extra
    ) -> dict[str, Any]:
        row = {
            "id": f"act_{account_id}",
            "account_id": account_id,
            "name": name or f"Account {account_id}",
            "currency": currency,
            "timezone_name": timezone_name,
            "account_status": 1,
            "amount_spent": "0",
            "spend_cap": "0",
            **extra,
        }
        self.accounts[account_id] = row
        return row

    def add_campaign(self, account_id: str, campaign_id: str, name: str | None = None, **fields) -> dict[str, Any]:
        status = fields.pop("status", "ACTIVE")
        row = {
            "id": campaign_id,
            "account_id": account_id,
            "name": name or f"Campaign {campaign_id}",
            "status": status,
            "effective_status": fields.pop("effective_status", status),
            "objective": fields.pop("objective", "OUTCOME_SALES"),
            "buying_type": fields.pop("buying_type", "AUCTION"),
            "start_time": fields.pop("start_time", "2026-01-01T00:00:00+0700"),
            **fields,
        }
        self.campaigns[campaign_id] = row
        return row

    def add_adset(self, campaign_id: str, adset_id: str, name: str | None = None, **fields) -> dict[str, Any]:
        status = fields.pop("status", "ACTIVE")
        row = {
            "id": adset_id,
            "campaign_id": campaign_id,
            "account_id": self.campaigns[campaign_id]["account_id"],
            "name": name or f"Ad set {adset_id}",
            "status": status,
            "effective_status": fields.pop("effective_status", status),
            **fields,
        }
        self.adsets[adset_id] = row
        return row

    def add_insight(self, level: str, object_id: str, day: str, **metrics) -> None:
        """Metrics for one object and day: spend (major-unit string), impressions, clicks, actions, ..."""
        self.insights[(level, object_id, day)] = metrics

    def fail(self, match: str, code: int = 17, message: str = "User request limit reached", **kwargs) -> Fault:
        status = kwargs.pop("status", 400)
        subcode = kwargs.pop("subcode", None)
        error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "FAKE"}
        if subcode:
            error["error_subcode"] = subcode
        if "error_data" in kwargs:
            error["error_data"] = kwargs.pop("error_data")
        if "is_transient" in kwargs:
            error["is_transient"] = kwargs.pop("is_transient")
        fault = Fault(match=match, status=status, error=error, **kwargs)
        self.faults.append(fault)
        return fault

    def requests_to(self, fragment: str, method: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.log if fragment in r["path"] and (method is None or r["method"] == method)]

    # -- server -------------------------------------------------------------------------------------

    def __enter__(self) -> FakeGraph:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> FakeGraph:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

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

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(handler.path)
        params = dict(parse_qsl(parsed.query, keep_blank_values=True))
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            raw = handler.rfile.read(length).decode()
            ctype = handler.headers.get("Content-Type", "")
            if "multipart" in ctype:
                params.update(_multipart(raw, ctype))
            else:
                params.update(dict(parse_qsl(raw, keep_blank_values=True)))
        parts = [p for p in parsed.path.split("/") if p]
        if parts and parts[0].startswith("v") and parts[0][1:2].isdigit():
            parts = parts[1:]
        status, body, headers = self.answer(method, parts, params)
        if status == -1:  # drop the connection
            handler.close_connection = True
            return
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def answer(self, method: str, parts: list[str], params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        """One request's (status, JSON body, headers); also used for each item of a batch."""
        path = "/".join(parts)
        with self.lock:
            self.log.append({"method": method, "path": path, "params": dict(params)})
        headers = dict(self.usage_headers)
        if params.get("access_token") != self.token:
            error = {"message": "Error validating access token: Session has expired", "type": "OAuthException"}
            return 400, {"error": {**error, "code": 190, "error_subcode": 463}}, headers
        if self.hold is not None and self.hold_match in path:
            self.held.set()
            self.hold.wait(timeout=120)
        fault = self._fault(method, path, params)
        if fault is not None:
            if fault.close:
                return -1, None, {}
            return fault.status, {"error": fault.error}, {**headers, **fault.headers}
        try:
            if method == "POST" and not parts:
                return 200, self._batch(params), headers
            return 200, self._route(method, parts, params), headers
        except LookupError as exc:
            error = {"message": f"Unsupported get request: {exc}", "type": "GraphMethodException", "code": 100}
            return 400, {"error": error}, headers

    def _fault(self, method: str, path: str, params: dict[str, Any]) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times <= 0 or fault.match not in path:
                    continue
                if fault.method and fault.method != method:
                    continue
                if fault.min_limit is not None and int(params.get("limit") or 25) <= fault.min_limit:
                    continue
                fault.times -= 1
                return fault
        return None

    def _batch(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        items = json.loads(params["batch"])
        out = []
        for item in items:
            url = urlparse("/" + item["relative_url"].lstrip("/"))
            sub = dict(parse_qsl(url.query, keep_blank_values=True))
            sub.update(dict(parse_qsl(item.get("body") or "", keep_blank_values=True)))
            sub["access_token"] = params.get("access_token")
            parts = [p for p in url.path.split("/") if p]
            if parts and parts[0].startswith("v") and parts[0][1:2].isdigit():
                parts = parts[1:]
            status, body, headers = self.answer(item["method"], parts, sub)
            out.append(
                {
                    "code": status,
                    "headers": [{"name": k, "value": v} for k, v in headers.items()],
                    "body": json.dumps(body),
                }
            )
        return out

    def _route(self, method: str, parts: list[str], params: dict[str, Any]) -> Any:
        if parts == ["me", "adaccounts"]:
            rows = [self._fields(a, params) for a in self.accounts.values()]
            return self._page(rows, params, "me/adaccounts")
        if parts == ["me", "permissions"]:
            return {"data": [{"permission": p, "status": "granted"} for p in self.permissions]}
        if parts == ["debug_token"]:
            return self._debug_token(params.get("input_token", ""))
        head = parts[0]
        if head.startswith("act_"):
            account = head[4:]
            if account not in self.accounts:
                raise LookupError(f"Object with ID '{head}' does not exist")
            if len(parts) == 1:
                return self._fields(self.accounts[account], params)
            edge = parts[1]
            if edge in ("campaigns", "adsets"):
                source = self.campaigns if edge == "campaigns" else self.adsets
                allowed = _status_filter(params, "effective_status")
                rows = [
                    self._fields(r, params)
                    for r in source.values()
                    if r["account_id"] == account and _visible(r["effective_status"], allowed)
                ]
                return self._page(rows, params, f"{head}/{edge}")
            if edge == "insights":
                if method == "POST":
                    run_id = f"run_{len(self.runs) + 1}"
                    script = self.async_scripts.pop(0) if self.async_scripts else list(self.async_script)
                    self.runs[run_id] = ReportRun(account, dict(params), script=script)
                    return {"report_run_id": run_id}
                return self._page(self._insight_rows(account, params), params, f"{head}/insights")
        if head.startswith("run_"):
            run = self.runs.get(head)
            if run is None:
                raise LookupError(f"Object with ID '{head}' does not exist")
            if len(parts) == 2 and parts[1] == "insights":
                return self._page(self._insight_rows(run.account, run.params), params, f"{head}/insights")
            state, percent = run.script[min(run.polls, len(run.script) - 1)]
            run.polls += 1
            return {"id": head, "async_status": state, "async_percent_completion": percent}
        if head in self.campaigns and method == "POST":
            campaign = self.campaigns[head]
            for key in ("daily_budget", "lifetime_budget", "status", "name", "spend_cap"):
                if key in params:
                    campaign[key] = params[key]
            return {"success": True}
        if head in self.campaigns:
            return self._fields(self.campaigns[head], params)
        if head in self.adsets:
            return self._fields(self.adsets[head], params)
        raise LookupError(f"Object with ID '{head}' does not exist")

    def _debug_token(self, input_token: str) -> dict[str, Any]:
        """Graph's token metadata: validity, expiry (0 = never), scopes; an unknown token is not valid."""
        known = input_token == self.token
        data: dict[str, Any] = {
            "app_id": "100000000000001",
            "type": "SYSTEM_USER",
            "application": "Pantau (fake)",
            "data_access_expires_at": 0,
            "expires_at": self.token_expires_at,
            "is_valid": known and self.token_valid,
            "issued_at": 1767225600,
            "scopes": list(self.permissions) if known else [],
            "granular_scopes": [{"scope": p} for p in self.permissions] if known else [],
            "user_id": "900000000000001",
        }
        if not data["is_valid"]:
            data["error"] = {
                "code": 190,
                "message": "Error validating access token: The session has been invalidated.",
                "subcode": 460,
            }
        return {"data": data}

    @staticmethod
    def _fields(row: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        wanted = [f for f in (params.get("fields") or "").split(",") if f]
        if not wanted:
            return {"id": row["id"], "name": row.get("name")}
        out = {"id": row["id"]}
        out.update({f: row[f] for f in wanted if f in row})
        return out

    def _page(self, rows: Any, params: dict[str, Any], path: str) -> dict[str, Any]:
        """A page of `rows` (a list, or (count, get(i)) for generated data) with cursor paging."""
        limit = int(params.get("limit") or 25)
        offset = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
        if isinstance(rows, tuple):
            total, get = rows
            data = [get(i) for i in range(offset, min(total, offset + limit))]
        else:
            total = len(rows)
            data = rows[offset : offset + limit]
        body: dict[str, Any] = {"data": data}
        end = offset + len(data)
        if data:
            cursors = {
                "before": base64.b64encode(str(offset).encode()).decode(),
                "after": base64.b64encode(str(end).encode()).decode(),
            }
            body["paging"] = {"cursors": cursors}
            if end < total:
                body["paging"]["next"] = f"{self.url}/v0/{path}?after={cursors['after']}"
        return body

    def _insight_rows(self, account: str, params: dict[str, Any]) -> Any:
        level = params.get("level") or "account"
        time_range = params.get("time_range")
        time_range = json.loads(time_range) if isinstance(time_range, str) else time_range
        since = dt.date.fromisoformat(time_range["since"])
        until = dt.date.fromisoformat(time_range["until"])
        daily = str(params.get("time_increment") or "") == "1"
        allowed = _status_filter(params, f"{level}.effective_status")
        currency = self.accounts[account]["currency"]
        fields = [f for f in (params.get("fields") or "").split(",") if f]
        gen = self.generated.get(account)
        if gen is not None and level in ("campaign", "adset") and daily:
            return self._generated_rows(account, gen, level, since, until, fields)
        objects = self._objects(account, level, allowed)
        rows = []
        for obj in objects:
            days = sorted(
                d
                for (lvl, oid, d) in self.insights
                if lvl == level and oid == obj["id"] and since.isoformat() <= d <= until.isoformat()
            )
            for day in days:
                rows.append(self._insight(level, obj, day, day, self.insights[(level, obj["id"], day)], currency))
        if level == "account":
            spend = sum(
                (
                    _dec(m.get("spend"))
                    for (lvl, oid, d), m in self.insights.items()
                    if lvl == "campaign"
                    and self.campaigns.get(oid, {}).get("account_id") == account
                    and since.isoformat() <= d <= until.isoformat()
                ),
                _dec("0"),
            )
            if gen is not None:
                spend = sum(
                    (
                        _dec(gen.row("campaign", c["id"], day).get("spend"))
                        for c in self._objects(account, "campaign", None)
                        for day in _days(max(since, gen.start), min(until, gen.start + dt.timedelta(gen.days - 1)))
                    ),
                    spend,
                )
            return [
                {
                    "account_id": account,
                    "spend": str(spend),
                    "account_currency": currency,
                    "date_start": since.isoformat(),
                    "date_stop": until.isoformat(),
                }
            ]
        if fields:
            rows = [{k: v for k, v in r.items() if k in fields or k in ("date_start", "date_stop")} for r in rows]
        return rows

    def _objects(self, account: str, level: str, allowed: set[str] | None) -> list[dict[str, Any]]:
        source = self.campaigns if level == "campaign" else self.adsets
        return [r for r in source.values() if r["account_id"] == account and _visible(r["effective_status"], allowed)]

    def _insight(self, level, obj, start, stop, metrics, currency) -> dict[str, Any]:
        row = {"date_start": start, "date_stop": stop, "account_currency": currency}
        if level == "campaign":
            row.update(campaign_id=obj["id"], campaign_name=obj["name"])
        else:
            campaign = self.campaigns[obj["campaign_id"]]
            row.update(campaign_id=campaign["id"], campaign_name=campaign["name"])
            row.update(adset_id=obj["id"], adset_name=obj["name"])
        for key, value in metrics.items():
            row[key] = value if isinstance(value, list) else str(value)
        return row

    def _generated_rows(self, account, gen: Generated, level, since, until, fields) -> tuple[int, Callable]:
        objects = self._objects(account, level, None)
        first = max(since, gen.start)
        last = min(until, gen.start + dt.timedelta(days=gen.days - 1))
        ndays = max(0, (last - first).days + 1)
        currency = self.accounts[account]["currency"]

        def get(i: int) -> dict[str, Any]:
            obj = objects[i // ndays]
            day = (first + dt.timedelta(days=i % ndays)).isoformat()
            return self._insight(level, obj, day, day, gen.row(level, obj["id"], dt.date.fromisoformat(day)), currency)

        return len(objects) * ndays, get


def _dec(value: Any):
    from decimal import Decimal

    return Decimal(str(value or "0"))


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _status_filter(params: dict[str, Any], field_name: str) -> set[str] | None:
    raw = params.get("filtering")
    if not raw:
        return None
    for rule in json.loads(raw) if isinstance(raw, str) else raw:
        if rule.get("field") == field_name and rule.get("operator") == "IN":
            return set(rule.get("value") or ())
    return None


def _visible(status: str, allowed: set[str] | None) -> bool:
    if allowed is None:
        return status not in HIDDEN_BY_DEFAULT
    return status in allowed


def _multipart(raw: str, ctype: str) -> dict[str, str]:
    boundary = ctype.split("boundary=")[-1]
    out = {}
    for part in raw.split("--" + boundary):
        if "name=" not in part:
            continue
        head, _, value = part.partition("\r\n\r\n")
        name = head.split('name="')[1].split('"')[0]
        out[name] = unquote(value.rstrip("\r\n"))
    return out
