"""Sync: the Meta and TikTok connections, sync runs, Ads Manager and platform report imports, the schedules."""

from __future__ import annotations

from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from automation.jobs import JOBS
from automation.runs import job_runs
from automation.status import schedule_status
from campaigns.adsmanager import (
    AccountTarget,
    ParsedExport,
    account_name_from_filename,
    apply_import,
    detect_account,
    file_digest,
    parse_export,
    preview_import,
)
from campaigns.adsmanager_accounts import AccountChoiceError, ResolvedAccount, account_choices, find_account
from campaigns.meta_client import MetaError
from campaigns.meta_connection import resolve_token
from campaigns.queries import sync_runs
from campaigns.sync import connection_status, sync_facebook
from campaigns.sync_runs import run_error
from campaigns.tiktok_sync import sync_tiktok, tiktok_connection
from db.calendar import workspace_timezone, zone
from db.engine import session_scope
from db.errors import DomainError, Message
from db.money import CURRENCY_CODES
from db.roles import PermissionDenied
from db.tabular import DEFAULT_LIMITS, MB
from pages.components.auth import require_page
from pages.components.data import clear_caches, display_copy
from pages.components.i18n import N_, _
from pages.components.import_preview import show_preview
from pages.components.inputs import error_text, message_text
from pages.components.money import money, number
from pages.components.report_upload import import_counts, report_upload, show_import_result
from pages.components.table_dates import dated_table
from pages.components.terms import (
    IMPORT_PREVIEW_LABELS,
    SYNC_KIND_LABELS,
    SYNC_STATUS_LABELS,
    ad_platform_label,
    column_labels,
    term,
)


def summary_counts(summary) -> dict[str, object]:
    """The figures a sync summary sentence shows (Meta and TikTok alike)."""
    return {
        "accounts": number(summary.accounts),
        "objects": number(summary.objects),
        "rows": number(summary.rows),
        "requests": number(summary.requests),
        "seconds": number(summary.seconds, 1),
    }


def show_sync_summary(box, summary, message: str, finished: str, with_errors: str) -> None:
    """After a sync from the page: caches cleared, the status box closed, the figures and any errors shown."""
    clear_caches()
    if summary.ok:
        box.update(label=finished, state="complete")
        st.success(message)
    else:
        box.update(label=with_errors, state="error")
        st.write(message)
        show_sync_errors(summary)


def show_sync_errors(summary) -> None:
    """A sync's failures in the user's language; an account another sync was still writing is a warning."""
    for message in summary.refused:
        st.warning(message_text(message), icon=":material/lock_clock:")
    for problem in summary.problems:
        st.error(message_text(problem))


actor = require_page("sync")
st.title(_("Sync"))
st.caption(_("Bring in campaigns, budgets, spend and conversions from Meta and TikTok, and see every run."))

# -- connection ---------------------------------------------------------------------------------------
st.subheader(_("Meta connection"))
try:
    has_token, token_problem = bool(resolve_token()), None
except MetaError as exc:
    has_token, token_problem = False, error_text(exc)
if token_problem:
    st.error(token_problem)
elif has_token:
    st.success(_("An access token is configured."))
    if st.button(_("Check connection"), key="sync_check_connection"):
        with st.spinner(_("Asking Meta which ad accounts and permissions the token has...")):
            status = connection_status()
        if status.error:
            st.error(message_text(status.error))
        else:
            st.info(
                _(
                    "The token sees {count} ad account(s) and holds: {permissions}.",
                    count=len(status.accounts),
                    permissions=", ".join(status.permissions) or _("no permissions reported"),
                )
            )
            if "ads_read" not in status.permissions and status.permissions:
                st.warning(_("The ads_read permission is missing: the sync cannot read insights."))
            if status.accounts:
                table = [
                    {
                        _("Account"): a.get("name"),
                        _("ID"): a.get("account_id"),
                        _("Currency"): a.get("currency"),
                        _("Time zone"): a.get("timezone_name"),
                    }
                    for a in status.accounts
                ]
                st.dataframe(pd.DataFrame(table), hide_index=True, key="sync_accounts")
else:
    st.warning(
        _(
            "No Meta access token yet. Set FB_ACCESS_TOKEN (a system-user token with ads_read) in the "
            "environment, or let an admin store it on the Settings page."
        )
    )

# -- sync ---------------------------------------------------------------------------------------------
st.subheader(_("Sync from Meta"))
if not actor.can("sync.run"):
    st.info(_("Your role is not permitted to run syncs."))
elif has_token:
    full = st.checkbox(_("Read the full history (37 months) instead of the usual window"), key="sync_full")
    if st.button(_("Sync now"), key="sync_run", type="primary"):
        with st.status(_("Syncing from Meta..."), expanded=True) as box:
            bar = st.progress(0.0)

            def step(message: Message, fraction: float) -> None:
                bar.progress(min(1.0, max(0.0, fraction)), text=message_text(message))

            try:
                summary = sync_facebook(actor, full=full, progress=step)
            except (MetaError, PermissionDenied, ValueError) as exc:
                box.update(label=_("Sync failed"), state="error")
                st.error(error_text(exc))
            else:
                show_sync_summary(
                    box,
                    summary,
                    _(
                        "{accounts} account(s), {objects} objects, {rows} rows, {requests} requests in {seconds} s.",
                        **summary_counts(summary),
                    ),
                    _("Sync finished"),
                    _("Sync finished with errors"),
                )
else:  # no token (or an unreadable one): say what opens the button and what works meanwhile
    st.caption(
        _(
            "The Sync now button appears here once a Meta access token is set (see Meta connection above). "
            "Until then, import an Ads Manager export below."
        )
    )

# -- TikTok -------------------------------------------------------------------------------------------
st.subheader(_("TikTok connection"))
tiktok = tiktok_connection()
if tiktok.error:
    st.error(message_text(tiktok.error))
elif tiktok.token_present:
    st.success(_("A TikTok access token is configured."))
    if tiktok.advertiser_ids:
        st.caption(_("Advertisers synced (TIKTOK_ADVERTISER_IDS): {ids}.", ids=", ".join(tiktok.advertiser_ids)))
    else:
        st.caption(
            _(
                "Every advertiser that authorised the app is synced (listing them needs TIKTOK_APP_ID and "
                "TIKTOK_APP_SECRET), or list some in TIKTOK_ADVERTISER_IDS."
            )
        )
    if st.button(_("Check TikTok connection"), key="sync_tiktok_check"):
        with st.spinner(_("Asking TikTok which advertisers the token can read...")):
            checked = tiktok_connection(check=True)
        if checked.error:
            st.error(message_text(checked.error))
        else:
            st.info(_("The token reads {count} TikTok advertiser(s).", count=len(checked.advertisers)))
            table = [
                {
                    _("Advertiser"): a.get("name"),
                    _("ID"): a.get("advertiser_id"),
                    _("Currency"): a.get("currency"),
                    _("Time zone"): a.get("timezone") or _("unknown (UTC used)"),
                }
                for a in checked.advertisers
            ]
            st.dataframe(pd.DataFrame(table), hide_index=True, key="sync_tiktok_advertisers")
else:
    st.warning(
        _(
            "No TikTok access token yet. Set TIKTOK_ACCESS_TOKEN (the long-term token TikTok issued to your app for "
            "the advertisers) in the environment or in .streamlit/secrets.toml."
        )
    )

st.subheader(_("Sync from TikTok"))
if not actor.can("sync.run"):
    st.info(_("Your role is not permitted to run syncs."))
elif tiktok.token_present and not tiktok.error:
    st.caption(
        _(
            "Reads campaigns, ad groups and daily reports per campaign and ad group; later runs re-read the "
            "lookback window in each advertiser's own time zone."
        )
    )
    if st.button(_("Sync TikTok now"), key="sync_tiktok_run", type="primary"):
        with st.status(_("Syncing from TikTok..."), expanded=True) as box:
            bar = st.progress(0.0)

            def tiktok_step(message: Message, fraction: float) -> None:
                bar.progress(min(1.0, max(0.0, fraction)), text=message_text(message))

            try:
                summary = sync_tiktok(actor, progress=tiktok_step)
            except (PermissionDenied, ValueError) as exc:
                box.update(label=_("TikTok sync failed"), state="error")
                st.error(error_text(exc))
            else:
                show_sync_summary(
                    box,
                    summary,
                    _(
                        "{accounts} advertiser(s), {objects} objects, {rows} rows, {requests} requests in {seconds} s.",
                        **summary_counts(summary),
                    ),
                    _("TikTok sync finished"),
                    _("TikTok sync finished with errors"),
                )
else:
    st.caption(
        _(
            "The Sync TikTok now button appears here once a TikTok access token is set (see TikTok connection "
            "above). Until then, import a TikTok Ads Manager report below."
        )
    )

# -- TikTok, Google Ads and LinkedIn report files ---------------------------------------------------------
st.subheader(_("Import a TikTok, Google Ads or LinkedIn report"))
st.caption(
    _(
        "Campaign reports by day as the platforms export them: TikTok Ads Manager (CSV or XLSX), Google Ads report "
        "downloads (CSV, Excel .csv or XLSX; title lines and Total rows are skipped) and LinkedIn Campaign Manager "
        "exports. Campaigns are matched by their ID, else by name; importing a file again changes nothing."
    )
)
report_upload(actor)

# -- Ads Manager import -------------------------------------------------------------------------------
UPLOAD_MB = DEFAULT_LIMITS.max_bytes // MB  # the reader's own limit; .streamlit/config.toml is not above it
CURRENCIES = sorted(CURRENCY_CODES)
LEVEL_LABELS = {"account": N_("account"), "campaign": N_("campaign"), "adset": N_("ad set"), "ad": N_("ad")}
st.subheader(_("Import an Ads Manager export"))
st.caption(
    _(
        "For accounts without API access: export from Ads Manager (campaign, ad set, ad or account level, by day: "
        "Breakdown -> By time -> Day, with or without another breakdown; CSV, TSV, XLSX or XLS; English or Bahasa "
        "Indonesia)."
    )
)
upload = st.file_uploader(
    _("Ads Manager file"), type=["csv", "tsv", "txt", "xlsx", "xls"], key="sync_upload", max_upload_size=UPLOAD_MB
)
PARSED_KEY = "sync_upload_parsed"  # the uploaded file as read: one file kept, for this session's reruns
REFUSED_KEY = "sync_upload_refused"  # (sha256, file name, its refusal's Message) of an upload that cannot be read
CREATED_KEY = "sync_upload_created"  # the account an import just created, chosen in the picker on the next run


def parsed_upload(upload) -> ParsedExport:
    """The uploaded file read once per its bytes' sha256: reruns (choosing the account, Import, the language)
    reuse it, and a file that could not be read gives its refusal again without being read again."""
    data = upload.getvalue()
    digest = file_digest(data)
    kept = st.session_state.get(PARSED_KEY)
    if isinstance(kept, ParsedExport) and kept.digest == digest and kept.filename == upload.name:
        return kept
    refused = st.session_state.get(REFUSED_KEY)
    if isinstance(refused, tuple) and refused[:2] == (digest, upload.name):
        raise DomainError(refused[2])  # the same sentence, in the reader's language of this run
    st.session_state.pop(PARSED_KEY, None)  # let the previous file go before reading the next
    st.session_state.pop(REFUSED_KEY, None)
    try:
        parsed = parse_export(data, upload.name)
    except DomainError as exc:
        st.session_state[REFUSED_KEY] = (digest, upload.name, exc.message)  # not the error: its frames hold the file
        raise
    st.session_state[PARSED_KEY] = parsed
    return parsed


if upload is None:
    st.session_state.pop(PARSED_KEY, None)
    st.session_state.pop(REFUSED_KEY, None)
else:
    try:
        parsed = parsed_upload(upload)
    except DomainError as exc:
        st.error(error_text(exc))
        st.stop()
    with session_scope() as session:
        detected: ResolvedAccount | None
        try:
            detected = detect_account(session, parsed)
        except AccountChoiceError:
            detected = None  # the file names no currency, or an ambiguous account: the user chooses below
        choices = account_choices(session)
        workspace_zone = workspace_timezone(session)
    options: list[int | None] = [None, *[pk for pk, _name, _id, _cur in choices]]
    labels = {pk: f"{name} ({account_id}, {currency})" for pk, name, account_id, currency in choices}
    default = detected.existing_id if detected is not None else None
    created = st.session_state.pop(CREATED_KEY, None)
    if (
        created is not None and created in options
    ):  # the account the last import created is now the one this file goes to
        st.session_state["sync_upload_account"] = created
    chosen = st.selectbox(
        _("Ad account"),
        options,
        # once the picker has a value, it keeps it (an index beside it would only warn)
        index=options.index(default) if default in options and "sync_upload_account" not in st.session_state else 0,
        format_func=lambda pk: _("A new ad account") if pk is None else labels[pk],
        key="sync_upload_account",
        help=_("The account the file was exported from. Campaigns are matched inside it by ID, else by name."),
    )
    target = AccountTarget(account_id=chosen)
    if chosen is None:
        c1, c2, c3 = st.columns([3, 2, 1])
        name = c1.text_input(
            _("New account name"),
            value=detected.name if detected is not None else account_name_from_filename(upload.name),
            key="sync_upload_new_name",
        )
        zones = sorted(available_timezones())
        zone = c2.selectbox(
            _("Time zone of the new account"),
            zones,
            index=zones.index(workspace_zone) if workspace_zone in zones else 0,
            key="sync_upload_timezone",
            help=_("Meta reports each day in the ad account's time zone; pick the one set in Ads Manager."),
        )
        currency = None
        if detected is None or parsed.layout.file_currency is None:
            currency = c3.selectbox(
                _("Currency"), CURRENCIES, index=None, key="sync_upload_currency", placeholder=_("Choose an option")
            )
        target = AccountTarget(name=name.strip() or None, timezone=zone, currency=currency)
    try:
        with session_scope() as session:
            preview = preview_import(session, parsed, upload.name, target)
    except DomainError as exc:
        st.error(error_text(exc))
        st.stop()
    st.info(
        _(
            "{file}: {rows} valid row(s), {rejected} rejected, {summary} summary row(s) skipped; {level} level, "
            "account {account}, currency {currency}, spend {spend}.",
            file=preview.filename,
            rows=number(len(preview.rows)),
            rejected=number(len(preview.rejected)),
            summary=number(preview.summary_rows),
            level=_(LEVEL_LABELS[preview.level]),
            account=preview.account.name,
            currency=preview.currency,
            spend=money(preview.spend, preview.currency),
        )
    )
    for warning in preview.warnings:  # e.g. the last row may be cut: a warning, never a refusal
        st.warning(message_text(warning))
    for note in preview.notes:
        st.caption(message_text(note))
    if preview.rejected:
        st.warning(_("{count} row(s) will be rejected:", count=number(len(preview.rejected))))
        errors = [
            {_("Row"): e.row, _("Column"): e.column or _("(whole row)"), _("Reason"): message_text(e.message)}
            for e in preview.errors
        ]
        st.dataframe(pd.DataFrame(errors), hide_index=True, key="sync_upload_errors")
    nothing = preview.nothing_to_import()
    if nothing is not None:
        st.error(message_text(nothing))
    if preview.rows:
        show_preview(preview.table(), preview.currency, IMPORT_PREVIEW_LABELS, "sync_upload_preview")
        if not actor.can("import.run"):
            st.info(_("Your role is not permitted to import files."))
        elif st.button(
            _("Import {count} row(s)", count=number(len(preview.rows))), key="sync_upload_import", type="primary"
        ):
            try:
                with session_scope() as session:
                    # The file is not read again; the account and campaigns are checked against the database again.
                    fresh = preview_import(session, parsed, upload.name, target)
                    result = apply_import(session, actor, fresh)
                    if result.account_created:
                        made = find_account(session, fresh.account.name)
                        st.session_state[CREATED_KEY] = made.id if made is not None else None
            except (DomainError, PermissionDenied) as exc:
                st.error(error_text(exc))
            else:
                show_import_result(
                    result,
                    _(
                        "Imported: {inserted} new, {updated} updated, {unchanged} unchanged row(s); {synced} skipped "
                        "(already synced from the Meta API); {campaigns} campaign(s) created.",
                        **import_counts(result),
                    ),
                )
                for note in result.result_notes:
                    st.warning(message_text(note), icon=":material/info:")

# -- history ------------------------------------------------------------------------------------------
st.subheader(_("Run history"))
with session_scope() as session:
    runs = sync_runs(session)
if not runs:
    st.info(_("No sync has run yet. Runs appear here with their status, rows and errors."))
else:
    errors = [run_error(r) for r in runs]  # in the reader's language (an older run's English as it is)
    failed = [e for r, e in zip(runs, errors, strict=True) if r["status"] == "failed"]
    if failed:
        st.warning(_("The latest failed run said: {error}", error=message_text(failed[0]) if failed[0] else "?"))
    shown = pd.DataFrame([{**r, "error": message_text(e) if e else None} for r, e in zip(runs, errors, strict=True)])
    shown = shown.drop(columns=["details"])
    shown["kind"] = [term(SYNC_KIND_LABELS, k) for k in shown["kind"]]
    shown["platform"] = [ad_platform_label(p if isinstance(p, str) else None) for p in shown["platform"]]
    shown["status"] = [term(SYNC_STATUS_LABELS, s) for s in shown["status"]]
    shown = display_copy(shown, times=("started_at", "finished_at"), days=("window_since", "window_until"))
    dated_table(shown, column_labels(shown.columns), width="stretch", key="sync_runs")

# -- schedules ----------------------------------------------------------------------------------------
JOB_STATUS_LABELS = {**SYNC_STATUS_LABELS, "abandoned": N_("abandoned (its worker stopped)")}
st.subheader(_("Schedules"))
with session_scope() as session:
    schedules = schedule_status(session)
    zone_name = workspace_timezone(session)
    jobs_done = job_runs(session)


if not any(s.enabled for s in schedules):
    st.info(
        _(
            "No schedule is on. An admin turns them on on the Settings page; `python cli.py worker` runs them "
            "(the cron line `python cli.py sync facebook` keeps working too)."
        )
    )
table = [
    {
        _("Job"): _(s.title),
        _("Schedule"): (
            _("off")
            if not s.enabled
            else _("every {hours} h", hours=s.every_hours)
            if s.every_hours
            else _("daily at {hour}:00", hour=f"{s.hour:02d}")
        ),
        _("Last run"): s.last_started,
        _("Last status"): term(JOB_STATUS_LABELS, s.last_status) if s.last_status else "",
        _("Next run"): s.next_run,
    }
    for s in schedules
]
schedule_table = display_copy(pd.DataFrame(table), times=(_("Last run"), _("Next run")))
dated_table(schedule_table, width="stretch", key="sync_schedules")
st.caption(_("Times in the workspace time zone ({zone}).", zone=zone_name))
for s in schedules:
    if s.enabled and s.waiting:
        st.warning(_("{job} is due and no worker has started it: is `python cli.py worker` running?", job=_(s.title)))
if jobs_done:
    st.markdown(_("**Scheduled and command-line job runs**"))
    shown_jobs = pd.DataFrame(
        [
            {
                _("Job"): _(JOBS[r["job"]].title) if r["job"] in JOBS else r["job"],
                _("Slot"): r["scheduled_for"],
                _("Attempt"): r["attempt"],
                _("Status"): term(JOB_STATUS_LABELS, r["status"]),
                _("Started"): r["started_at"],
                _("Finished"): r["finished_at"],
                _("Worker"): r["claimed_by"] or "",
                _("Summary"): r["summary"] or "",
                _("Error"): r["error"] or "",
            }
            for r in jobs_done
        ]
    )
    shown_jobs = display_copy(shown_jobs, times=(_("Slot"), _("Started"), _("Finished")))
    dated_table(shown_jobs, width="stretch", key="sync_job_runs")
