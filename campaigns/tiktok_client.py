"""The TikTok Business API adapter: one HTTP session, paging to the end, 30-day report chunks, retries, clear errors.

Everything that talks to TikTok's Marketing API (v1.3) goes through `TikTokClient`. It is a small adapter
over the documented REST API with `requests` and `tenacity` (docs/tiktok-sync.md says why not the official
SDK). It pages every list to its last page with the largest page TikTok allows, splits daily reports into
windows of at most 30 days, retries rate limits and TikTok's temporary failures with capped back-off, and
turns refusals into `TikTokError`s (translatable `DomainError`s) that never contain the token.

The caller passes the token; nothing here reads it from the environment or the database.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from campaigns import tiktok_settings as ts
from db.config import env
from db.errors import N_, Day, DomainError, Message
from db.money import CurrencyError, currency_code

_MAX_WAIT_LIMIT = 86_400.0  # a day: a longer single wait is a typo, not a policy
_COUNTS = {level: (*ts.COUNT_METRICS, *ts.UNIQUE_METRICS[level]) for level in ts.REPORT_LEVELS}


class TikTokError(DomainError):
    """A TikTok API refusal or failure explained in one translatable sentence (never with the token)."""

    def __init__(
        self, message: str | Message, /, *, code: int | None = None, request_id: str | None = None, **params: Any
    ) -> None:
        super().__init__(message, code="" if code is None else code, **params)
        self.code = code
        self.request_id = request_id


class TikTokConfigError(TikTokError):
    """The client cannot start: no token, no app credentials where needed, or a malformed setting."""


class TikTokTokenError(TikTokError):
    """The access token is missing, invalid, expired or revoked."""


class TikTokPermissionError(TikTokError):
    """The token works but may not read this advertiser or use this endpoint."""


class TikTokRequestError(TikTokError):
    """TikTok refused a request as invalid, or answered with something the adapter cannot use."""


class TikTokRateLimitError(TikTokError):
    """TikTok kept answering 'too many requests' after every retry."""


class TikTokTransientError(TikTokError):
    """TikTok (or the network) kept failing temporarily after every retry."""


class _Retry(Exception):
    """A failure worth another attempt; turned into a TikTokError when the attempts run out."""

    def __init__(
        self,
        kind: str,
        *,
        code: int | None = None,
        reason: str = "",
        retry_after: float = 0.0,
        request_id: str | None = None,
    ) -> None:
        super().__init__(kind)
        self.kind = kind  # rate_limit transient network
        self.code = code
        self.reason = reason
        self.retry_after = retry_after
        self.request_id = request_id


# -- configuration ----------------------------------------------------------------------------------------


def configured_api_url() -> str:
    """The API host root: TIKTOK_API_URL (tests point it at a fake server) or TikTok's own host."""
    return api_url(env("TIKTOK_API_URL") or ts.DEFAULT_API_URL)


def api_url(value: str) -> str:
    """`value` as a host root without a trailing slash (a pasted `/open_api/v1.3` suffix is dropped)."""
    text = str(value).strip().rstrip("/")
    text = re.sub(r"/open_api(/v\d+(\.\d+)?)?$", "", text)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise TikTokConfigError(
            N_("TIKTOK_API_URL must be the API host root, such as {example}, not {value}."),
            example=ts.DEFAULT_API_URL,
            value=str(value),
        )
    return text


def configured_max_wait_seconds() -> float:
    """The longest single back-off wait: TIKTOK_MAX_WAIT_SECONDS (tests set a few hundredths) or 300 s."""
    raw = env("TIKTOK_MAX_WAIT_SECONDS")
    if raw is None:
        return ts.DEFAULT_MAX_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 <= seconds <= _MAX_WAIT_LIMIT:
        raise TikTokConfigError(
            N_("TIKTOK_MAX_WAIT_SECONDS must be a number of seconds from 0 to {limit}, not {value}."),
            limit=int(_MAX_WAIT_LIMIT),
            value=raw,
        )
    return seconds


def advertiser_id(value: Any) -> str:
    """A TikTok advertiser ID given by a person or a setting, as digits; anything else is refused."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text.isdigit() or len(text) > 32:
        raise TikTokConfigError(N_("{value} is not a TikTok advertiser ID (digits only)."), value=str(value))
    return text


def report_windows(since: dt.date, until: dt.date, days: int = ts.REPORT_MAX_DAYS) -> list[tuple[dt.date, dt.date]]:
    """`since..until` (both included) cut into consecutive windows of at most `days` days."""
    if until < since:
        raise TikTokRequestError(
            N_("The report range {since} to {until} ends before it starts."),
            since=Day(since),
            until=Day(until),
        )
    windows = []
    start = since
    while start <= until:
        end = min(until, start + dt.timedelta(days=days - 1))
        windows.append((start, end))
        start = end + dt.timedelta(days=1)
    return windows


# -- the client ---------------------------------------------------------------------------------------------


class TikTokClient:
    """One connection to the TikTok Business API with Pantau's request policy; counts HTTP requests."""

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str | None = None,
        timeout: float = ts.REQUEST_TIMEOUT_SECONDS,
        max_wait_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = ts.MAX_ATTEMPTS,
        app_id: str | None = None,
        app_secret: str | None = None,
    ) -> None:
        token = (access_token or "").strip()
        if not token:
            raise TikTokConfigError(
                N_("No TikTok access token: set TIKTOK_ACCESS_TOKEN to a long-term token (see docs/tiktok-sync.md).")
            )
        self.base_url = api_url(base_url) if base_url else configured_api_url()
        self.timeout = timeout
        self.max_wait_seconds = configured_max_wait_seconds() if max_wait_seconds is None else max_wait_seconds
        self.max_attempts = max(1, max_attempts)
        self.sleep = sleep
        self.app_id = (app_id or "").strip() or None
        self._app_secret = (app_secret or "").strip() or None
        self._secrets = [s for s in (token, self._app_secret) if s]
        self._session = requests.Session()
        self._session.headers.update({"Access-Token": token, "Accept": "application/json"})
        self.requests = 0  # HTTP requests sent, retries included
        self.waited = 0.0  # seconds spent backing off
        self._days: dict[str, dt.date] = {}

    def __repr__(self) -> str:
        return f"TikTokClient(base_url={self.base_url!r}, requests={self.requests})"

    def __enter__(self) -> TikTokClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session (its pooled connections)."""
        self._session.close()

    def scrub(self, text: str) -> str:
        """`text` with the token and the app secret masked."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    # -- the public reads ---------------------------------------------------------------------------

    def advertisers(self) -> Iterator[dict[str, Any]]:
        """Every advertiser that authorised the app for this token: `{advertiser_id, name}` (needs app ID + secret)."""
        if not (self.app_id and self._app_secret):
            raise TikTokConfigError(
                N_(
                    "Listing the advertisers a TikTok token can see needs the app ID and secret of the app that "
                    "issued it; give them, or list the advertisers in TIKTOK_ADVERTISER_IDS."
                )
            )
        data = self._get(ts.ADVERTISERS_ENDPOINT, {"app_id": self.app_id, "secret": self._app_secret})
        for item in _rows(data, ts.ADVERTISERS_ENDPOINT):
            yield {"advertiser_id": _id(item.get("advertiser_id")), "name": item.get("advertiser_name")}

    def advertiser_info(self, advertiser_ids: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Name, currency, time zone and status of each advertiser (100 per request)."""
        ids = list(dict.fromkeys(advertiser_id(a) for a in advertiser_ids))
        for start in range(0, len(ids), ts.ADVERTISER_INFO_BATCH):
            batch = ids[start : start + ts.ADVERTISER_INFO_BATCH]
            params = {"advertiser_ids": batch, "fields": list(ts.ADVERTISER_INFO_FIELDS)}
            data = self._get(ts.ADVERTISER_INFO_ENDPOINT, params, advertiser=", ".join(batch))
            for item in _rows(data, ts.ADVERTISER_INFO_ENDPOINT):
                yield self._advertiser(item)

    def campaigns(self, advertiser: str) -> Iterator[dict[str, Any]]:
        """Every campaign of the advertiser, deleted ones included, with its budget and statuses."""
        params: dict[str, Any] = {
            "advertiser_id": advertiser_id(advertiser),
            "fields": list(ts.CAMPAIGN_FIELDS),
            "filtering": ts.ALL_STATUSES_FILTER,
        }
        seen: set[str] = set()
        for item in self._paged(ts.CAMPAIGNS_ENDPOINT, params, advertiser=params["advertiser_id"]):
            campaign = self._campaign(item, params["advertiser_id"])
            if campaign["campaign_id"] not in seen:  # a page boundary can move while paging
                seen.add(campaign["campaign_id"])
                yield campaign

    def ad_groups(self, advertiser: str) -> Iterator[dict[str, Any]]:
        """Every ad group of the advertiser, deleted ones included, with its budget, schedule and statuses."""
        params: dict[str, Any] = {
            "advertiser_id": advertiser_id(advertiser),
            "fields": list(ts.AD_GROUP_FIELDS),
            "filtering": ts.ALL_STATUSES_FILTER,
        }
        seen: set[str] = set()
        for item in self._paged(ts.AD_GROUPS_ENDPOINT, params, advertiser=params["advertiser_id"]):
            ad_group = self._ad_group(item, params["advertiser_id"])
            if ad_group["adgroup_id"] not in seen:
                seen.add(ad_group["adgroup_id"])
                yield ad_group

    def daily_report(self, advertiser: str, level: str, since: dt.date, until: dt.date) -> Iterator[dict[str, Any]]:
        """Daily rows per campaign (`AUCTION_CAMPAIGN`) or ad group (`AUCTION_ADGROUP`), deleted ones included.

        Days are the advertiser's calendar days. The range is read in windows of at most 30 days (TikTok's
        limit for `stat_time_day`); money is Decimal in major units, counts are ints.
        """
        if level not in ts.REPORT_LEVELS:
            raise ValueError(f"level must be one of {', '.join(ts.REPORT_LEVELS)}, not {level!r}")
        advertiser = advertiser_id(advertiser)
        id_dimension = ts.REPORT_ID_DIMENSION[level]
        for start, end in report_windows(since, until):
            params = {
                "advertiser_id": advertiser,
                "service_type": ts.SERVICE_TYPE,
                "report_type": ts.REPORT_TYPE,
                "data_level": level,
                "dimensions": [id_dimension, ts.DAY_DIMENSION],
                "metrics": list(ts.report_metrics(level)),
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "filtering": [
                    {
                        "field_name": ts.REPORT_STATUS_FILTER[level],
                        "filter_type": "IN",
                        "filter_value": json.dumps([ts.REPORT_ALL_STATUSES]),
                    }
                ],
            }
            seen: set[tuple[str, dt.date]] = set()
            for item in self._paged(ts.REPORT_ENDPOINT, params, advertiser=advertiser):
                row = self._report_row(item, advertiser, level, id_dimension)
                key = (row[id_dimension], row["date"])
                if key not in seen:
                    seen.add(key)
                    yield row

    # -- shaping ------------------------------------------------------------------------------------

    def _advertiser(self, item: Mapping[str, Any]) -> dict[str, Any]:
        advertiser_id = _id(item.get("advertiser_id"))
        try:
            currency = currency_code(item.get("currency"))
        except CurrencyError:
            raise TikTokRequestError(
                N_("TikTok sent {value} as the currency of advertiser {advertiser}, which is not an ISO 4217 code."),
                value=str(item.get("currency")),
                advertiser=advertiser_id,
            ) from None
        return {
            "advertiser_id": advertiser_id,
            "name": item.get("name"),
            "currency": currency,
            "timezone": _timezone(item.get("timezone")),
            "status": item.get("status"),
            "role": item.get("role"),
            "country": item.get("country"),
            "company": item.get("company"),
            "raw": dict(item),
        }

    def _campaign(self, item: Mapping[str, Any], advertiser_id: str) -> dict[str, Any]:
        campaign_id = _id(item.get("campaign_id"))
        return {
            "campaign_id": campaign_id,
            "advertiser_id": _id(item.get("advertiser_id") or advertiser_id),
            "name": item.get("campaign_name"),
            "objective_type": item.get("objective_type"),
            "campaign_type": item.get("campaign_type"),
            "budget_optimize_on": bool(item.get("budget_optimize_on")),
            **_budget(item, f"campaign {campaign_id}"),
            **_statuses(item),
            "create_time": item.get("create_time"),
            "modify_time": item.get("modify_time"),
            "raw": dict(item),
        }

    def _ad_group(self, item: Mapping[str, Any], advertiser_id: str) -> dict[str, Any]:
        adgroup_id = _id(item.get("adgroup_id"))
        return {
            "adgroup_id": adgroup_id,
            "campaign_id": _id(item.get("campaign_id")),
            "advertiser_id": _id(item.get("advertiser_id") or advertiser_id),
            "name": item.get("adgroup_name"),
            "optimization_goal": item.get("optimization_goal"),
            "billing_event": item.get("billing_event"),
            "bid_type": item.get("bid_type"),
            **_budget(item, f"ad group {adgroup_id}"),
            **_statuses(item),
            "schedule_type": item.get("schedule_type"),
            "schedule_start_time": item.get("schedule_start_time"),
            "schedule_end_time": item.get("schedule_end_time"),
            "create_time": item.get("create_time"),
            "modify_time": item.get("modify_time"),
            "raw": dict(item),
        }

    def _report_row(self, item: Mapping[str, Any], advertiser_id: str, level: str, id_dimension: str) -> dict:
        dimensions = item.get("dimensions") or {}
        metrics = item.get("metrics") or {}
        if not isinstance(dimensions, Mapping) or not isinstance(metrics, Mapping):
            raise _unusable("report row", item)
        object_id = _id(dimensions.get(id_dimension))
        where = f"{id_dimension} {object_id}"
        stamp = dimensions.get(ts.DAY_DIMENSION)
        day = self._days.get(stamp) if isinstance(stamp, str) else None
        if day is None:
            day = _day(stamp, where)
            if isinstance(stamp, str) and len(self._days) < 100_000:
                self._days[stamp] = day  # a report repeats the same few days on every row
        row: dict[str, Any] = {"advertiser_id": advertiser_id, "level": level, id_dimension: object_id, "date": day}
        for name in ts.REPORT_ATTRIBUTES[level]:
            value = metrics.get(name)
            row[name] = _id(value) if name.endswith("_id") and value not in (None, "") else value
        get = metrics.get
        for name in ts.MONEY_METRICS:
            row[name] = _amount(get(name), name, where)
        for name in _COUNTS[level]:
            row[name] = _count(get(name), name, where)
        row["metrics"] = dict(metrics)  # kept whole (JSON keys are text): a new definition needs no re-read
        return row

    # -- HTTP ---------------------------------------------------------------------------------------

    def _paged(self, endpoint: str, params: Mapping[str, Any], *, advertiser: str = "") -> Iterator[dict[str, Any]]:
        """The items of every page, asking for the largest pages, until the last one.

        The next page is requested (in a helper thread) as soon as this one says there is more, so TikTok
        prepares it while this one is read: the same requests, one at a time, without waiting in between.
        """
        page = 1
        data = self._get(endpoint, {**params, "page": page, "page_size": ts.PAGE_SIZE}, advertiser=advertiser)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tiktok-next-page") as ahead:
            while True:
                rows = _rows(data, endpoint)
                total_pages = _page_count((data.get("page_info") or {}).get("total_page"))
                more = page < total_pages if total_pages is not None else len(rows) >= ts.PAGE_SIZE
                following = None
                if rows and more:
                    if page + 1 > ts.MAX_PAGES:
                        raise TikTokRequestError(
                            N_("TikTok kept reporting more pages of {endpoint} after {pages}; the sync stopped."),
                            endpoint=endpoint,
                            pages=ts.MAX_PAGES,
                        )
                    query = {**params, "page": page + 1, "page_size": ts.PAGE_SIZE}
                    following = ahead.submit(self._get, endpoint, query, advertiser=advertiser)
                yield from rows
                if following is None:
                    return
                page += 1
                data = following.result()

    def _get(self, endpoint: str, params: Mapping[str, Any], *, advertiser: str = "") -> dict[str, Any]:
        """One GET with retries; returns the envelope's `data` or raises a TikTokError."""
        url = f"{self.base_url}{ts.API_PATH}{endpoint}"
        query = {k: _query_value(v) for k, v in params.items() if v is not None}
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._backoff,
            retry=retry_if_exception_type(_Retry),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, endpoint, url, query, advertiser)
        except _Retry as exc:
            raise self._exhausted(exc, endpoint) from None

    def _once(self, endpoint: str, url: str, query: dict[str, str], advertiser: str) -> dict[str, Any]:
        self.requests += 1
        try:
            response = self._session.get(url, params=query, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Retry("network", reason=type(exc).__name__) from None
        except requests.RequestException as exc:
            raise TikTokRequestError(
                N_("The request to TikTok's {endpoint} could not be sent ({error})."),
                endpoint=endpoint,
                error=type(exc).__name__,
            ) from None
        body = _json_body(response)
        envelope = body if isinstance(body, dict) else {}
        code = envelope.get("code")
        code = code if isinstance(code, int) and not isinstance(code, bool) else None
        reason = self.scrub(str(envelope.get("message") or f"HTTP {response.status_code}"))
        request_id = envelope.get("request_id") or response.headers.get("X-Tt-Logid")
        status = response.status_code
        if status in ts.RATE_LIMIT_HTTP_STATUSES or code in ts.RATE_LIMIT_CODES:
            retry_after = _retry_after(response.headers.get("Retry-After"), self.max_wait_seconds)
            raise _Retry(
                "rate_limit", code=code or status, reason=reason, retry_after=retry_after, request_id=request_id
            )
        if status in ts.TRANSIENT_HTTP_STATUSES or code in ts.TRANSIENT_CODES:
            raise _Retry("transient", code=code or status, reason=reason, request_id=request_id)
        if code == ts.SUCCESS_CODE and 200 <= status < 300:
            data = envelope.get("data")
            if data is None:
                return {}
            if not isinstance(data, dict):
                raise _unusable(endpoint, data)
            return data
        if (code is None and status not in (401, 403)) or code in ts.ROUTE_NOT_FOUND_CODES:
            raise TikTokRequestError(
                N_(
                    "The TikTok API at {url} answered {endpoint} with HTTP {status} and no usable reply; "
                    "check TIKTOK_API_URL."
                ),
                url=self.base_url,
                endpoint=endpoint,
                status=status,
            )
        raise self._refusal(code, status, reason, endpoint, advertiser, request_id)

    def _refusal(
        self, code: int | None, status: int, reason: str, endpoint: str, advertiser: str, request_id: Any
    ) -> TikTokError:
        """The TikTokError for a final (not retried) refusal."""
        rid = str(request_id) if request_id else None
        if code in ts.EXPIRED_TOKEN_CODES:
            return TikTokTokenError(
                N_(
                    "The TikTok access token has expired (code {code}: {reason}). Authorise the advertiser for the "
                    "app again to get a new long-term token, set TIKTOK_ACCESS_TOKEN, and sync again."
                ),
                code=code,
                reason=reason,
                request_id=rid,
            )
        if code in ts.TOKEN_CODES or (code is None and status == 401):
            return TikTokTokenError(
                N_(
                    "TikTok rejected the access token (code {code}: {reason}). Check TIKTOK_ACCESS_TOKEN: it must be "
                    "the long-term token TikTok issued to your app for the advertiser."
                ),
                code=code if code is not None else status,
                reason=reason,
                request_id=rid,
            )
        if code in ts.PERMISSION_CODES or (code is None and status == 403):
            return TikTokPermissionError(
                N_(
                    "The TikTok access token may not read {target} (code {code}: {reason}). Authorise the advertiser "
                    "for the app with the Ad Account Management, Ads Management and Reporting scopes, or remove it "
                    "from TIKTOK_ADVERTISER_IDS."
                ),
                target=f"advertiser {advertiser}" if advertiser else endpoint,
                code=code if code is not None else status,
                reason=reason,
                request_id=rid,
            )
        return TikTokRequestError(
            N_("TikTok refused the request to {endpoint} as invalid (code {code}: {reason})."),
            endpoint=endpoint,
            code=code if code is not None else status,
            reason=reason,
            request_id=rid,
        )

    def _exhausted(self, exc: _Retry, endpoint: str) -> TikTokError:
        """The TikTokError for a failure that was still there after the last attempt."""
        waited = f"{self.waited:.0f}"
        if exc.kind == "rate_limit":
            return TikTokRateLimitError(
                N_(
                    "TikTok still refused requests to {endpoint} as too frequent (code {code}) after {attempts} "
                    "attempts and {waited} s of waiting. Another tool using the same app shares its limit; sync "
                    "again in a few minutes."
                ),
                endpoint=endpoint,
                code=exc.code,
                attempts=self.max_attempts,
                waited=waited,
                request_id=exc.request_id,
            )
        if exc.kind == "network":
            return TikTokTransientError(
                N_(
                    "Could not reach the TikTok API at {url} after {attempts} attempts ({error}). Check the network "
                    "and TIKTOK_API_URL, then sync again."
                ),
                url=self.base_url,
                attempts=self.max_attempts,
                error=exc.reason,
            )
        return TikTokTransientError(
            N_(
                "The TikTok API failed temporarily on {endpoint} (code {code}: {reason}) and was still failing after "
                "{attempts} attempts; sync again later."
            ),
            endpoint=endpoint,
            code=exc.code,
            reason=exc.reason,
            attempts=self.max_attempts,
            request_id=exc.request_id,
        )

    def _backoff(self, state: RetryCallState) -> float:
        """1 s, 2 s, 4 s ... (or the server's Retry-After when longer), capped by max_wait_seconds."""
        exc = state.outcome.exception() if state.outcome else None
        hint = exc.retry_after if isinstance(exc, _Retry) else 0.0
        seconds = max(hint, ts.FIRST_BACKOFF_SECONDS * 2 ** (state.attempt_number - 1))
        seconds = max(0.0, min(seconds, self.max_wait_seconds))
        self.waited += seconds
        return seconds


# -- parsing helpers (every number finite and bounded) ------------------------------------------------------


def _query_value(value: Any) -> str:
    """TikTok takes lists and objects in the query string as JSON text."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_body(response: requests.Response) -> Any:
    # Decimal for every JSON number with a fraction: budgets arrive as numbers and must not pass through float.
    try:
        return json.loads(response.content.decode(response.encoding or "utf-8"), parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return None


def _rows(data: Mapping[str, Any], endpoint: str) -> list[dict[str, Any]]:
    rows = data.get("list")
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise _unusable(endpoint, rows)
    return rows


def _unusable(what: str, value: Any) -> TikTokRequestError:
    return TikTokRequestError(
        N_("TikTok sent something unusable for {what}: {value}."), what=what, value=_clip(repr(value))
    )


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _id(value: Any) -> str:
    """An object id as text (TikTok ids exceed JavaScript's safe integers; some replies send numbers)."""
    if isinstance(value, bool) or value is None:
        raise _unusable("an id", value)
    text = str(value).strip()
    if not text.isdigit() or len(text) > 32:
        raise _unusable("an id", value)
    return text


def _page_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        pages = int(value)
    except (TypeError, ValueError):
        return None
    return pages if 0 <= pages <= ts.MAX_PAGES else None


def _number(value: Any, field: str, where: str) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip() in ts.EMPTY_METRIC_VALUES:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise TikTokRequestError(
            N_("TikTok sent {value} as {field} of {where}, which is not a number."),
            value=_clip(str(value), 40),
            field=field,
            where=where,
        )
    return number


def _amount(value: Any, field: str, where: str) -> Decimal | None:
    """A money amount in major units as Decimal (None when TikTok leaves it empty)."""
    number: Decimal | None
    if type(value) is str:  # the common case, "1234.56": one Decimal, the same checks
        try:
            number = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if number.is_finite() and abs(number) <= ts.MAX_AMOUNT:
                return number
    number = _number(value, field, where)
    if number is not None and abs(number) > ts.MAX_AMOUNT:
        raise TikTokRequestError(
            N_("TikTok sent {value} as {field} of {where}, beyond any real amount."),
            value=str(number),
            field=field,
            where=where,
        )
    return number


def _count(value: Any, field: str, where: str) -> int | None:
    """A count as int (None when TikTok leaves it empty); fractions and negatives are refused."""
    if type(value) is str and value.isascii() and value.isdigit():  # the common case, "1234": no Decimal
        count = int(value)
        if count <= ts.MAX_COUNT:
            return count
    number = _number(value, field, where)
    if number is None:
        return None
    if number != number.to_integral_value() or not 0 <= number <= ts.MAX_COUNT:
        raise TikTokRequestError(
            N_("TikTok sent {value} as {field} of {where}, which is not a count."),
            value=str(number),
            field=field,
            where=where,
        )
    return int(number)


def _budget(item: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The budget, its mode, and the same amount as daily or lifetime budget (major units, Decimal)."""
    mode = item.get("budget_mode")
    amount = None if mode == ts.BUDGET_MODE_INFINITE else _amount(item.get("budget"), "budget", where)
    if amount is not None and amount < 0:
        raise TikTokRequestError(
            N_("TikTok sent {value} as budget of {where}, below zero."), value=str(amount), where=where
        )
    return {
        "budget_mode": mode,
        "budget": amount,
        "daily_budget": amount if mode in ts.DAILY_BUDGET_MODES else None,
        "lifetime_budget": amount if mode == ts.BUDGET_MODE_TOTAL else None,
    }


def _statuses(item: Mapping[str, Any]) -> dict[str, Any]:
    operation = item.get("operation_status")
    secondary = item.get("secondary_status")
    return {
        "operation_status": operation,
        "secondary_status": secondary,
        "deleted": operation == ts.OPERATION_DELETE or secondary in ts.DELETED_SECONDARY_STATUSES,
    }


def _timezone(value: Any) -> str | None:
    """An IANA time-zone name TikTok sent, or None when it is not one zoneinfo knows."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value.strip()


def _day(value: Any, where: str) -> dt.date:
    """`stat_time_day` ("2026-01-05 00:00:00") as a date."""
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise TikTokRequestError(
            N_("TikTok sent {value} as the day of {where}, which is not a date."),
            value=_clip(str(value), 40),
            where=where,
        ) from None


def _retry_after(value: str | None, cap: float) -> float:
    """Retry-After in seconds (a number; dates are ignored), bounded by the longest allowed wait."""
    try:
        seconds = float(value) if value else 0.0
    except ValueError:
        return 0.0
    return min(seconds, cap) if math.isfinite(seconds) and seconds > 0 else 0.0
