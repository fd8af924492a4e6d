"""Sync: the Meta and TikTok connections, sync runs and Ads Manager imports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from campaigns.adsmanager import apply_import, preview_import
from campaigns.meta_client import MetaError
from campaigns.meta_connection import resolve_token
from campaigns.queries import sync_runs
from campaigns.sync import connection_status, sync_facebook
from campaigns.tiktok_sync import sync_tiktok, tiktok_connection
from db.engine import session_scope
from db.roles import PermissionDenied
from pages.components.auth import require_page
from pages.components.data import clear_caches
from pages.components.i18n import _
from pages.components.terms import SYNC_KIND_LABELS, SYNC_STATUS_LABELS, ad_platform_label, column_labels, term

actor = require_page("sync")
st.title(_("Sync"))
st.caption(_("Bring in campaigns, budgets, spend and conversions from Meta and TikTok, and see every run."))

# -- connection ---------------------------------------------------------------------------------------
st.subheader(_("Meta connection"))
try:
    has_token, token_problem = bool(resolve_token()), None
except MetaError as exc:
    has_token, token_problem = False, str(exc)
if token_problem:
    st.error(token_problem)
elif has_token:
    st.success(_("An access token is configured."))
    if st.button(_("Check connection"), key="sync_check_connection"):
        with st.spinner(_("Asking Meta which ad accounts and permissions the token has...")):
            status = connection_status()
        if status.error:
            st.error(status.error)
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

            def step(message: str, fraction: float) -> None:
                bar.progress(min(1.0, max(0.0, fraction)), text=message)

            try:
                summary = sync_facebook(actor, full=full, progress=step)
            except (MetaError, PermissionDenied, ValueError) as exc:
                box.update(label=_("Sync failed"), state="error")
                st.error(str(exc))
            else:
                clear_caches()
                message = _(
                    "{accounts} account(s), {objects} objects, {rows} rows, {requests} requests in {seconds} s.",
                    accounts=summary.accounts,
                    objects=summary.objects,
                    rows=summary.rows,
                    requests=summary.requests,
                    seconds=f"{summary.seconds:.1f}",
                )
                if summary.ok:
                    box.update(label=_("Sync finished"), state="complete")
                    st.success(message)
                else:
                    box.update(label=_("Sync finished with errors"), state="error")
                    st.write(message)
                    for error in summary.errors:
                        st.error(error)

# -- TikTok -------------------------------------------------------------------------------------------
st.subheader(_("TikTok connection"))
tiktok = tiktok_connection()
if tiktok.error:
    st.error(tiktok.error)
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
            st.error(checked.error)
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

            def tiktok_step(message: str, fraction: float) -> None:
                bar.progress(min(1.0, max(0.0, fraction)), text=message)

            try:
                summary = sync_tiktok(actor, progress=tiktok_step)
            except (PermissionDenied, ValueError) as exc:
                box.update(label=_("TikTok sync failed"), state="error")
                st.error(str(exc))
            else:
                clear_caches()
                message = _(
                    "{accounts} advertiser(s), {objects} objects, {rows} rows, {requests} requests in {seconds} s.",
                    accounts=summary.accounts,
                    objects=summary.objects,
                    rows=summary.rows,
                    requests=summary.requests,
                    seconds=f"{summary.seconds:.1f}",
                )
                if summary.ok:
                    box.update(label=_("TikTok sync finished"), state="complete")
                    st.success(message)
                else:
                    box.update(label=_("TikTok sync finished with errors"), state="error")
                    st.write(message)
                    for error in summary.errors:
                        st.error(error)

# -- Ads Manager import -------------------------------------------------------------------------------
st.subheader(_("Import an Ads Manager export"))
st.caption(_("For accounts without API access: export the campaign table (CSV or XLSX, English or Bahasa Indonesia)."))
upload = st.file_uploader(_("Ads Manager file"), type=["csv", "xlsx"], key="sync_upload")
account_name = st.text_input(
    _("Ad account name for campaigns not known yet (default: from the file name)"), key="sync_upload_account"
)
if upload is not None:
    preview = preview_import(upload.getvalue(), upload.name, account_name=account_name.strip() or None)
    st.info(preview.describe())
    if preview.errors:
        st.warning(_("{count} row(s) will be rejected:", count=len(preview.errors)))
        errors = [{_("Row"): e.row, _("Column"): e.column, _("Reason"): e.reason} for e in preview.errors]
        st.dataframe(pd.DataFrame(errors), hide_index=True, key="sync_upload_errors")
    if preview.rows:
        st.dataframe(pd.DataFrame(preview.table()), hide_index=True, key="sync_upload_preview")
        if not actor.can("import.run"):
            st.info(_("Your role is not permitted to import files."))
        elif st.button(_("Import {count} row(s)", count=len(preview.rows)), key="sync_upload_import", type="primary"):
            try:
                with session_scope() as session:
                    result = apply_import(session, actor, preview)
                    message = result.describe()
            except (PermissionDenied, ValueError) as exc:
                st.error(str(exc))
            else:
                clear_caches()
                st.success(message)

# -- history ------------------------------------------------------------------------------------------
st.subheader(_("Run history"))
with session_scope() as session:
    runs = sync_runs(session)
if not runs:
    st.info(_("No sync has run yet. Runs appear here with their status, rows and errors."))
else:
    failed = [r for r in runs if r["status"] == "failed"]
    if failed:
        st.warning(_("The latest failed run said: {error}", error=failed[0]["error"] or "?"))
    shown = pd.DataFrame(runs)
    shown["kind"] = [term(SYNC_KIND_LABELS, k) for k in shown["kind"]]
    shown["platform"] = [ad_platform_label(p if isinstance(p, str) else None) for p in shown["platform"]]
    shown["status"] = [term(SYNC_STATUS_LABELS, s) for s in shown["status"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="sync_runs", column_config=column_labels(runs[0]))
