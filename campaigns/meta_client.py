"""The Meta Marketing API adapter: one SDK session, paging, batches, async reports, usage-aware retries.

Everything that talks to the Graph API goes through `MetaClient`. It uses the official
`facebook-business` SDK (`FacebookAdsApi.call`, batches) and adds what the SDK leaves to callers:
reading the usage headers on every response, slowing down before a limit, bounded retries with
back-off, halving `limit` when Meta asks for less data, and clear errors that never contain the token.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import facebook_business.api
import requests
from facebook_business.api import FacebookAdsApi, FacebookResponse
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from campaigns import meta_settings as ms
from db.config import env
from db.errors import N_, Day, DomainError, Message

BUDGET_FIELDS = ("daily_budget", "lifetime_budget")
_UNPARSED = object()


class _ParsedOnceResponse(FacebookResponse):
    """The SDK's response object, decoding its JSON body once.

    `FacebookAdsApi.call` decodes every body to check it for an error (`is_failure`) and throws the
    result away; the caller then decodes it again with `json()`. For 500-row insight pages that second
    decode was a large share of the sync's CPU time. Same class, same answers: the first decode is kept.
    """

    _parsed: Any = _UNPARSED

    def json(self):
        if self._parsed is _UNPARSED:
            self._parsed = super().json()
        return self._parsed


# The SDK builds its responses from this module attribute (calls and batches alike).
facebook_business.api.FacebookResponse = _ParsedOnceResponse


def max_wait_seconds() -> float:
    """The longest single back-off wait (FB_MAX_WAIT_SECONDS, default 15 minutes)."""
    raw = env("FB_MAX_WAIT_SECONDS")
    try:
        return float(raw) if raw else ms.DEFAULT_MAX_WAIT_SECONDS
    except ValueError:
        return ms.DEFAULT_MAX_WAIT_SECONDS


class MetaError(DomainError):
    """A Meta API failure explained in one translatable sentence; `kind` says what to do (never the token).

    `str(error)` is the English sentence (the CLI prints it); pages translate `error.message`.
    """

    def __init__(self, kind: str, message: str | Message, /, *, code: int | None = None, **params: Any) -> None:
        super().__init__(message, code="" if code is None else code, **params)
        self.kind = kind  # config token permission bad_request throttled transient reduce_data async
        self.code = code


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def parse_usage(headers: Any) -> dict[str, Any]:
    """The usage headers of one response as {"pct": highest % of any limit, "regain_seconds": ..., ...}."""
    lowered = {str(k).lower(): v for k, v in dict(headers or {}).items()}
    pct = 0.0
    regain = 0.0
    found: dict[str, Any] = {}
    for name in ms.USAGE_HEADERS:
        data = _json_header(lowered.get(name))
        if data is None:
            continue
        found[name] = data
        entries: list[dict[str, Any]] = []
        if name == "x-business-use-case-usage" and isinstance(data, dict):
            for items in data.values():
                entries.extend(i for i in items or () if isinstance(i, dict))
        elif isinstance(data, dict):
            entries.append(data)
        for entry in entries:
            for key in ("call_count", "total_cputime", "total_time", "acc_id_util_pct", "app_id_util_pct"):
                pct = max(pct, _number(entry.get(key)))
            regain = max(regain, _number(entry.get("estimated_time_to_regain_access")) * 60)
            regain = max(regain, _number(entry.get("reset_time_duration")))
    return {"pct": pct, "regain_seconds": regain, "headers": found}


def _missing_permission(message: str) -> str:
    match = re.search(r"\b(ads_management|ads_read|business_management|read_insights|pages_\w+)\b", message)
    return match.group(1) if match else "ads_read"


class _PantauApi(FacebookAdsApi):
    """The SDK's API object with our request policy around every HTTP call (pages, batches, polls)."""

    client: MetaClient

    def call(self, method, path, params=None, headers=None, files=None, url_override=None, api_version=None):
        client = self.client
        client.pause_if_busy()

        def once() -> FacebookResponse:
            client.requests += 1
            client.calls += len(params.get("batch", ())) if params and "batch" in params else 1
            try:
                response = FacebookAdsApi.call(self, method, path, params, headers, files, url_override, api_version)
            except FacebookRequestError as exc:
                client.note_usage(exc.http_headers())
                raise
            client.note_usage(response.headers())
            return response

        retrying = Retrying(
            stop=stop_after_attempt(client.max_retries),
            wait=client.retry_wait,
            retry=retry_if_exception(client.retryable),
            sleep=client.sleep,
            reraise=True,
        )
        try:
            return retrying(once)
        except FacebookRequestError as exc:
            raise client.translate(exc, retried=client.retryable(exc)) from None
        except requests.RequestException as exc:
            raise MetaError(
                "transient",
                N_(
                    "Could not reach the Graph API at {url} after {attempts} attempts: {reason}. Check the network "
                    "and FB_GRAPH_URL, then run the sync again."
                ),
                url=client.graph_url,
                attempts=client.max_retries,
                reason=client.scrub(type(exc).__name__),
            ) from None


class MetaClient:
    """One Graph API connection with Pantau's request policy; counts HTTP requests and charged calls."""

    def __init__(
        self,
        token: str | None,
        *,
        graph_url: str | None = None,
        api_version: str | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        timeout: float = ms.REQUEST_TIMEOUT_SECONDS,
        max_wait: float | None = None,
        max_retries: int = ms.MAX_RETRIES,
        poll_seconds: float | None = None,
        async_max_wait: float | None = None,
        async_threshold_days: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not token:
            raise MetaError(
                "config",
                N_(
                    "No Meta access token: set FB_ACCESS_TOKEN to a system-user token with the ads_read permission "
                    "(see docs/meta-sync.md)."
                ),
            )
        self._secrets = [token]
        app_secret = app_secret if app_secret is not None else env("FB_APP_SECRET")
        self._settings: dict[str, Any] = {"app_id": app_id, "app_secret": app_secret or "", "timeout": timeout}
        self.graph_url = (graph_url or env("FB_GRAPH_URL") or "https://graph.facebook.com").rstrip("/")
        self.api_version = api_version or env("FB_API_VERSION") or FacebookAdsApi.API_VERSION
        self.api: _PantauApi = _PantauApi.init(
            app_id=app_id or env("FB_APP_ID"),
            app_secret=app_secret,
            access_token=token,
            api_version=self.api_version,
            timeout=timeout,
            crash_log=False,  # the SDK's default ships crash reports (with request data) to Meta
        )
        self.api.client = self
        # The SDK builds URLs from the session instance's GRAPH; the class attribute covers new sessions.
        FacebookSession.GRAPH = self.graph_url
        self.api._session.GRAPH = self.graph_url
        if app_secret:
            self._secrets.append(self.api._session.appsecret_proof)
        self.max_wait = max_wait if max_wait is not None else max_wait_seconds()
        self.max_retries = max_retries
        poll = poll_seconds if poll_seconds is not None else _env_float("FB_ASYNC_POLL_SECONDS")
        self.poll_seconds: float = poll if poll is not None else ms.ASYNC_POLL_SECONDS
        self.async_max_wait = async_max_wait or _env_float("FB_ASYNC_MAX_WAIT_SECONDS") or ms.ASYNC_MAX_WAIT_SECONDS
        self.async_threshold_days = async_threshold_days or ms.ASYNC_THRESHOLD_DAYS
        self.sleep = sleep
        self.requests = 0  # HTTP requests sent (a batch is one)
        self.calls = 0  # calls Meta charges (each batch item is one)
        self.waited = 0.0  # seconds spent slowing down or backing off
        self.usage: dict[str, Any] = {"pct": 0.0, "regain_seconds": 0.0, "headers": {}}
        self.peak_usage_pct = 0.0

    def clone(self) -> MetaClient:
        """Another connection with the same token and settings (its own SDK session), for a reader thread
        of its own; its requests and calls are added back with `absorb`."""
        return MetaClient(
            self._secrets[0],
            graph_url=self.graph_url,
            api_version=self.api_version,
            max_wait=self.max_wait,
            max_retries=self.max_retries,
            poll_seconds=self.poll_seconds,
            async_max_wait=self.async_max_wait,
            async_threshold_days=self.async_threshold_days,
            sleep=self.sleep,
            **self._settings,
        )

    def absorb(self, other: MetaClient) -> None:
        """Count a clone's requests, calls and waits as this client's (once, when the clone is done)."""
        self.requests += other.requests
        self.calls += other.calls
        self.waited += other.waited
        self.peak_usage_pct = max(self.peak_usage_pct, other.peak_usage_pct)
        other.requests = other.calls = 0
        other.waited = 0.0

    # -- policy -------------------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """`text` with the token, the appsecret_proof and any access_token parameter masked."""
        for secret in self._secrets:
            if secret:
                text = text.replace(secret, "***")
        return re.sub(r"(access_token|appsecret_proof)=[^&\s'\"]+", r"\1=***", text)

    def note_usage(self, headers: Any) -> None:
        usage = parse_usage(headers)
        if usage["headers"]:
            self.usage = usage
            self.peak_usage_pct = max(self.peak_usage_pct, usage["pct"])

    def _wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        if seconds:
            self.waited += seconds
            self.sleep(seconds)

    def pause_if_busy(self) -> None:
        """Slow down before Meta's limit: the closer the last usage header is to 100 %, the longer the pause."""
        pct = self.usage.get("pct", 0.0)
        if pct >= 100 and self.usage.get("regain_seconds"):
            self._wait(self.usage["regain_seconds"])
        elif pct >= ms.USAGE_SLOWDOWN_PCT:
            self._wait((pct - ms.USAGE_SLOWDOWN_PCT) / (100 - ms.USAGE_SLOWDOWN_PCT) * 60)

    @staticmethod
    def is_reduce_data(exc: FacebookRequestError) -> bool:
        message = (exc.api_error_message() or "").lower()
        return any(marker in message for marker in ms.REDUCE_DATA_MARKERS)

    def retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
            return True
        if not isinstance(exc, FacebookRequestError) or self.is_reduce_data(exc):
            return False
        code = exc.api_error_code()
        if code in ms.TOKEN_CODES or code in ms.PERMISSION_CODES or code in ms.BAD_REQUEST_CODES:
            return False
        return (
            code in ms.RETRY_CODES or exc.http_status() in ms.TRANSIENT_HTTP_STATUSES or bool(exc.api_transient_error())
        )

    def retry_wait(self, state: RetryCallState) -> float:
        """Meta's advice (estimated_time_to_regain_access) or exponential back-off, capped by max_wait."""
        exc = state.outcome.exception() if state.outcome else None
        hint = 0.0
        if isinstance(exc, FacebookRequestError):
            hint = parse_usage(exc.http_headers())["regain_seconds"]
            body = exc.body() if isinstance(exc.body(), dict) else {}
            data = (body.get("error") or {}).get("error_data")
            data = _json_header(data) if isinstance(data, str) else data
            if isinstance(data, dict):
                hint = max(hint, _number(data.get("estimated_time_to_regain_access")) * 60)
        seconds = min(self.max_wait, max(hint, 2.0 ** (state.attempt_number - 1)))
        self.waited += seconds
        return seconds

    def translate(self, exc: FacebookRequestError, retried: bool = False) -> MetaError:
        """A clear MetaError for an SDK error (the message names the cause and the next step)."""
        code = exc.api_error_code()
        subcode = exc.api_error_subcode()
        message = self.scrub(exc.api_error_message() or f"HTTP {exc.http_status()}")
        status = exc.http_status()
        if self.is_reduce_data(exc):
            return MetaError(
                "reduce_data", N_("Meta asked for less data per request: {message}"), code=code, message=message
            )
        if code in ms.TOKEN_CODES:
            rejected = (
                N_(
                    "Meta rejected the access token (expired, code {code}): {message}. Create a new system-user "
                    "token with ads_read in Business Settings > Users > System users, set FB_ACCESS_TOKEN, and sync "
                    "again."
                )
                if subcode == 463
                else N_(
                    "Meta rejected the access token (code {code}): {message}. Create a new system-user token with "
                    "ads_read in Business Settings > Users > System users, set FB_ACCESS_TOKEN, and sync again."
                )
            )
            return MetaError("token", rejected, code=code, message=message)
        if code in ms.PERMISSION_CODES:
            return MetaError(
                "permission",
                N_(
                    "The access token is missing the {permission} permission or access to this ad account "
                    "(code {code}): {message}. Grant {permission} to the system user and assign it to the ad account."
                ),
                code=code,
                permission=_missing_permission(message),
                message=message,
            )
        if code in ms.BAD_REQUEST_CODES:
            return MetaError(
                "bad_request",
                N_("Meta refused the request as invalid (code {code}): {message}"),
                code=code,
                message=message,
            )
        if retried:
            kind = "throttled" if code in ms.RETRY_CODES else "transient"
            return MetaError(
                kind,
                N_(
                    "Meta kept failing after {attempts} attempts (code {code}, HTTP {status}): {message}. Wait a "
                    "while (rate limits recover within an hour) and run the sync again."
                ),
                code=code,
                attempts=self.max_retries,
                status=status,
                message=message,
            )
        return MetaError(
            "api",
            N_("Meta returned an error (code {code}, HTTP {status}): {message}"),
            code=code,
            status=status,
            message=message,
        )

    # -- requests -----------------------------------------------------------------------------------

    @staticmethod
    def _path(path: str) -> tuple[str, ...]:
        return tuple(p for p in path.strip("/").split("/") if p)

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.api.call("GET", self._path(path), params=dict(params or {})).json()

    def post(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.api.call("POST", self._path(path), params=dict(params or {})).json()

    def pages(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        limit: int = ms.PAGE_LIMIT,
        first: dict[str, Any] | None = None,
    ) -> Iterator[list]:
        """Every page of an edge (cursor paging); halves `limit` when Meta asks for less data.

        `first` is a first page already fetched (in a batch): paging continues from its cursor.
        """
        params = dict(params or {})
        after: str | None = None
        if first is not None:
            yield first.get("data") or []
            paging = first.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
        while True:
            query = {**params, "limit": limit}
            if after:
                query["after"] = after
            try:
                body = self.get(path, query)
            except MetaError as exc:
                if exc.kind == "reduce_data" and limit // 2 >= ms.MIN_PAGE_LIMIT:
                    limit //= 2
                    continue
                raise
            yield body.get("data") or []
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return

    def batch_get(self, items: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """GET several objects in as few HTTP requests as possible (each item still counts as a call)."""
        results: list[dict[str, Any] | None] = [None] * len(items)
        for start in range(0, len(items), ms.BATCH_SIZE):
            chunk = list(enumerate(items))[start : start + ms.BATCH_SIZE]
            batch = self.api.new_batch()
            failed: list[int] = []
            for index, (path, params) in chunk:

                def ok(response: FacebookResponse, index: int = index) -> None:
                    results[index] = response.json()
                    self.note_usage(_batch_headers(response.headers()))

                def bad(response: FacebookResponse, index: int = index, failed: list[int] = failed) -> None:
                    failed.append(index)

                batch.add("GET", "/".join(self._path(path)), params=dict(params), success=ok, failure=bad)
            leftover = batch.execute()
            if leftover is not None:  # items Meta did not process (timeouts): ask again individually
                failed.extend(i for i, _ in chunk if results[i] is None and i not in failed)
            for index in failed:  # individual retries apply the full error policy and messages
                path, params = items[index]
                results[index] = self.get(path, params)
        return [r or {} for r in results]

    # -- entities -----------------------------------------------------------------------------------

    def ad_accounts(self, account_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The ad accounts to sync: the given ids (one batch) or every account the token can see."""
        fields = ",".join(ms.ACCOUNT_FIELDS)
        if account_ids:
            return self.batch_get([(act_id(a), {"fields": fields}) for a in account_ids])
        return [row for page in self.pages("me/adaccounts", {"fields": fields}) for row in page]

    def _status_filter(self, include_deleted: bool, field: str = "effective_status") -> dict[str, Any]:
        if not include_deleted:
            return {}
        return {"filtering": [{"field": field, "operator": "IN", "value": list(ms.ALL_EFFECTIVE_STATUSES)}]}

    def campaigns(self, account_id: str, include_deleted: bool = True) -> Iterator[list[dict[str, Any]]]:
        """Pages of campaigns; ARCHIVED and DELETED ones only come back when asked for explicitly."""
        params = {"fields": ",".join(ms.CAMPAIGN_FIELDS), **self._status_filter(include_deleted)}
        return self.pages(f"{act_id(account_id)}/campaigns", params)

    def ad_sets(self, account_id: str, include_deleted: bool = True) -> Iterator[list[dict[str, Any]]]:
        params = {"fields": ",".join(ms.ADSET_FIELDS), **self._status_filter(include_deleted)}
        return self.pages(f"{act_id(account_id)}/adsets", params)

    def campaigns_and_ad_sets(
        self, account_id: str, include_deleted: bool = True
    ) -> tuple[Iterator[list[dict[str, Any]]], Iterator[list[dict[str, Any]]]]:
        """Campaign and ad set pages; both first pages come in one batch request."""
        edges: list[tuple[str, dict[str, Any]]] = [
            (f"{act_id(account_id)}/campaigns", {"fields": ",".join(ms.CAMPAIGN_FIELDS)}),
            (f"{act_id(account_id)}/adsets", {"fields": ",".join(ms.ADSET_FIELDS)}),
        ]
        edges = [
            (path, {**params, **self._status_filter(include_deleted), "limit": ms.PAGE_LIMIT}) for path, params in edges
        ]
        firsts = self.batch_get(edges)
        campaigns, ad_sets = (
            self.pages(path, params, first=body) for (path, params), body in zip(edges, firsts, strict=True)
        )
        return campaigns, ad_sets

    def permissions(self) -> list[str]:
        """Permissions granted to the token (empty when Meta does not say)."""
        body = self.get("me/permissions")
        return sorted(p.get("permission", "") for p in body.get("data") or () if p.get("status") == "granted")

    # -- insights -----------------------------------------------------------------------------------

    def insights(
        self, account_id: str, level: str, since: dt.date, until: dt.date, include_deleted: bool = True, depth: int = 0
    ) -> Iterator[list[dict[str, Any]]]:
        """Daily insight rows of every object at `level` in one account, page by page.

        Long ranges go through an async report run; "reduce the amount of data" first halves `limit`,
        then splits the range, and for a single day falls back to an async run.
        """
        if (until - since).days + 1 > self.async_threshold_days:
            yield from self._async_insights(account_id, level, since, until, include_deleted, depth)
            return
        try:
            yield from self.pages(f"{act_id(account_id)}/insights", self._insight_params(level, since, until))
        except MetaError as exc:
            if exc.kind != "reduce_data":
                raise
            if since < until and depth < ms.ASYNC_MAX_SPLITS:
                for a, b in _halves(since, until):
                    yield from self.insights(account_id, level, a, b, include_deleted, depth + 1)
            else:
                yield from self._async_insights(account_id, level, since, until, include_deleted, depth)

    def _insight_params(self, level: str, since: dt.date, until: dt.date, include_deleted: bool = True) -> dict:
        return {
            "level": level,
            "fields": ",".join(ms.INSIGHT_FIELDS[level]),
            "time_range": {"since": since.isoformat(), "until": until.isoformat()},
            "time_increment": 1,
            **self._status_filter(include_deleted, f"{level}.effective_status"),
        }

    def _async_insights(
        self, account_id: str, level: str, since: dt.date, until: dt.date, include_deleted: bool, depth: int
    ) -> Iterator[list[dict[str, Any]]]:
        params = self._insight_params(level, since, until, include_deleted)
        run = self.post(f"{act_id(account_id)}/insights", params)
        run_id = str(run.get("report_run_id") or run.get("id") or "")
        if not run_id:
            raise MetaError(
                "async",
                N_("Meta did not start a report run for {account} ({level})."),
                account=act_id(account_id),
                level=level,
            )
        started = time.monotonic()
        interval = self.poll_seconds
        which: dict[str, Any] = {
            "account": act_id(account_id),
            "level": level,
            "since": Day(since),
            "until": Day(until),
        }
        while True:
            status = self.get(run_id, {"fields": "async_status,async_percent_completion"})
            state = status.get("async_status") or ""
            percent = float(status.get("async_percent_completion") or 0)
            if state == "Job Completed" and percent >= 100:  # 100 % alone can still be running
                break
            if state in ("Job Failed", "Job Skipped"):
                if since < until and depth < ms.ASYNC_MAX_SPLITS:
                    for a, b in _halves(since, until):
                        yield from self.insights(account_id, level, a, b, include_deleted, depth + 1)
                    return
                raise MetaError(
                    "async",
                    N_(
                        "Meta's report run for {account} ({level}, {since}..{until}) ended with '{state}' even for "
                        "the smallest range; try again later."
                    ),
                    state=state,
                    **which,
                )
            if time.monotonic() - started > self.async_max_wait:
                raise MetaError(
                    "async",
                    Message(
                        N_(
                            "Meta's report run for {account} ({level}, {since}..{until}) was still '{state}' at "
                            "{percent}% after {seconds} s; run the sync again later or with a shorter "
                            "--since/--until window."
                        ),
                        page_text=N_(
                            "Meta's report run for {account} ({level}, {since}..{until}) was still '{state}' at "
                            "{percent}% after {seconds} s; run the sync again later."
                        ),
                    ),
                    state=state or "not started",
                    percent=f"{percent:.0f}",
                    seconds=f"{self.async_max_wait:.0f}",
                    **which,
                )
            self.sleep(interval)
            interval = min(interval * 1.5, ms.ASYNC_POLL_MAX_SECONDS)
        yield from self.pages(f"{run_id}/insights")

    # -- budgets and reconciliation -----------------------------------------------------------------

    def update_campaign_budget(
        self, campaign_meta_id: str, field: str, amount_major: Decimal, currency: str
    ) -> dict[str, Any]:
        """Set a campaign's daily or lifetime budget (major units in, Meta's minor units out)."""
        if field not in BUDGET_FIELDS:
            raise ValueError(f"budget field must be one of {', '.join(BUDGET_FIELDS)}, not {field!r}")
        minor = Decimal(amount_major) * ms.currency_offset(currency)
        if minor != minor.to_integral_value() or minor <= 0:
            raise ValueError(f"{amount_major} {currency} is not a positive amount Meta can hold for {field}")
        return self.post(str(campaign_meta_id), {field: str(int(minor))})

    def account_spend(self, account_id: str, since: dt.date, until: dt.date) -> Decimal:
        """An account's total spend (major units) over a date range, as Meta reports it (level=account)."""
        params = {
            "level": "account",
            "fields": "spend,account_currency",
            "time_range": {"since": since.isoformat(), "until": until.isoformat()},
        }
        total = Decimal(0)
        for page in self.pages(f"{act_id(account_id)}/insights", params):
            for row in page:
                total += Decimal(str(row.get("spend") or "0"))
        return total


def _batch_headers(headers: Any) -> dict[str, str]:
    if isinstance(headers, list):  # batch items carry headers as [{"name":..., "value":...}]
        return {h.get("name", ""): h.get("value", "") for h in headers if isinstance(h, dict)}
    return dict(headers or {})


def _env_float(name: str) -> float | None:
    raw = env(name)
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def _halves(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    middle = since + dt.timedelta(days=(until - since).days // 2)
    return [(since, middle), (middle + dt.timedelta(days=1), until)]


def act_id(account_id: str) -> str:
    """`act_<digits>` from either form."""
    account_id = str(account_id).strip()
    return account_id if account_id.startswith("act_") else f"act_{account_id}"


def minor_to_major(value: Any, currency: str) -> Decimal | None:
    """A Meta budget string in minor units as a Decimal in major units (None for empty or zero-less)."""
    if value in (None, ""):
        return None
    return Decimal(str(value)) / ms.currency_offset(currency)


def push_campaign_budget(client: MetaClient, campaign: Any, field: str, amount: Decimal) -> str:
    """Set an approved daily or lifetime budget on the Meta campaign (the budget approval's push)."""
    if not campaign.meta_id:
        raise MetaError(
            "bad_request",
            N_("Campaign {name} has no Meta ID (imported by name): nothing to push."),
            name=repr(campaign.name),
        )
    answer = client.update_campaign_budget(campaign.meta_id, field, amount, campaign.currency)
    return f"Meta accepted {field} {amount} {campaign.currency} for campaign {campaign.meta_id}: {answer}"


def account_spend(client: MetaClient, account_id: str, since: dt.date, until: dt.date) -> Decimal:
    """An ad account's spend over a date range as Meta reports it: one account-level insights call."""
    return client.account_spend(account_id, since, until)
