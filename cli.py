"""Pantau's command line (Typer): schema, demo workspace, users, syncs, imports, exports, payment refunds; every
command upgrades the schema first."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from db.roles import CLI_ACTOR, PermissionDenied

app = typer.Typer(help="Pantau: Meta ads, influencer programs and marketing budgets.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="People who may sign in, and their roles.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
fx_app = typer.Typer(help="FX rates for the reporting currency.", no_args_is_help=True)
app.add_typer(fx_app, name="fx")
sync_app = typer.Typer(
    help="Pull campaigns, budgets, spend and conversions from Meta and TikTok.", no_args_is_help=True
)
app.add_typer(sync_app, name="sync")
import_app = typer.Typer(
    help="Import files: Ads Manager, TikTok, Google Ads and LinkedIn exports, influencer contacts.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")
alerts_app = typer.Typer(help="Alerts delivered by email and webhooks.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
calendar_app = typer.Typer(help="The content calendar as an iCalendar feed.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
payments_app = typer.Typer(help="Creator payments: refunds of paid payments.", no_args_is_help=True)
app.add_typer(payments_app, name="payments")
promo_app = typer.Typer(help="A program's stored promo code sales, per shop.", no_args_is_help=True)
app.add_typer(promo_app, name="promo")

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class CommandError(Exception):
    """An expected failure: printed as one line on stderr, exit code 1."""


def _date_order_option(value: str | None) -> str | None:
    """`--date-order`: dmy or mdy (any case), None when not given; another value stops the command."""
    from db.parse import DATE_ORDERS

    order = value.strip().lower() if value is not None else None
    if order is not None and order not in DATE_ORDERS:
        raise CommandError(f"--date-order {value}: use dmy (day/month/year) or mdy (month/day/year)")
    return order


def _decimal_mark_option(value: str | None, example: str) -> str | None:
    """`--decimal-mark`: `.` or `,`, None when not given; another value stops the command, its examples written
    from `example` (`1,250.50`: the command's figures)."""
    from campaigns.number_rule import DECIMAL_MARKS

    mark = value.strip() if value is not None else None
    if mark is not None and mark not in DECIMAL_MARKS:
        other = example.translate(str.maketrans(",.", ".,"))
        raise CommandError(
            f"--decimal-mark {value}: use . ({example}: a dot before the decimals) or , ({other}: a comma)"
        )
    return mark


def command_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into one clear line on stderr and a non-zero exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        from campaigns.meta_client import MetaError
        from db.users import UserError
        from demo.workspace import DemoError
        from finance.fx import FxError

        try:
            return func(*args, **kwargs)
        except (CommandError, UserError, DemoError, FxError, PermissionDenied, ValueError, MetaError) as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
        except OperationalError as exc:
            err.print(f"error: database unavailable: {exc.orig}", markup=False, highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def prepare_database() -> None:
    """Create or upgrade the schema (every command does this first; cron needs no extra step)."""
    from migrations.migrate import ensure_schema

    ensure_schema()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=not sys.stderr.isatty(),
    )


@db_app.command("upgrade")
@command_errors
def db_upgrade() -> None:
    """Create or migrate the schema to the newest version (Alembic)."""
    from db.config import database_url
    from migrations.migrate import head_revision, upgrade

    before = upgrade()
    url = database_url().split("@")[-1]
    if before == head_revision():
        out.print(f"Schema already up to date ({head_revision()}) on {url}.")
    else:
        out.print(f"Schema upgraded from {before or 'empty'} to {head_revision()} on {url}.")


@app.command("demo")
@command_errors
def demo(
    reset: Annotated[bool, typer.Option("--reset", help="Replace an existing demo workspace.")] = False,
) -> None:
    """Load the demo workspace (3 ad accounts, 30 campaigns, 120 days, 60 influencers, 4 programs)."""
    from db.engine import session_scope
    from demo.workspace import load_demo

    prepare_database()
    with progress_bar() as bar:
        task = bar.add_task("Demo workspace", total=100)

        def step(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction * 100)

        with session_scope() as session:
            counts = load_demo(session, CLI_ACTOR, reset=reset, progress=step)
    if not counts:
        out.print("The demo workspace is already loaded; nothing changed (use --reset to rebuild it).")
        return
    summary = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
    out.print(f"Demo workspace loaded: {summary}.")


@users_app.command("add")
@command_errors
def users_add(
    email: Annotated[str, typer.Argument(help="The e-mail the person signs in with.")],
    role: Annotated[str, typer.Option("--role", help="admin, manager, specialist, finance or viewer.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
) -> None:
    """Add a user with a role, or change an existing user's role."""
    from db.engine import session_scope
    from db.users import add_user

    prepare_database()
    with session_scope() as session:
        user, created = add_user(session, CLI_ACTOR, email, role, name)
        message = f"{'Added' if created else 'Updated'} {user.email} as {user.role}."
    out.print(message)


@users_app.command("deactivate")
@command_errors
def users_deactivate(email: Annotated[str, typer.Argument(help="The person who may no longer sign in.")]) -> None:
    """Stop a user from signing in (their history stays; the last active admin cannot be deactivated)."""
    from db.engine import session_scope
    from db.users import set_active

    prepare_database()
    with session_scope() as session:
        user = set_active(session, CLI_ACTOR, email, False)
        message = f"{user.email} can no longer sign in."
    out.print(message)


@users_app.command("activate")
@command_errors
def users_activate(email: Annotated[str, typer.Argument(help="The person who may sign in again.")]) -> None:
    """Let a deactivated user sign in again, with their previous role."""
    from db.engine import session_scope
    from db.users import set_active

    prepare_database()
    with session_scope() as session:
        user = set_active(session, CLI_ACTOR, email, True)
        message = f"{user.email} can sign in again as {user.role}."
    out.print(message)


@users_app.command("list")
@command_errors
def users_list() -> None:
    """List users and their roles."""
    from db.engine import session_scope
    from db.users import list_users

    prepare_database()
    with session_scope() as session:
        for user in list_users(session):
            out.print(f"{user.email}\t{user.role}\t{'active' if user.active else 'inactive'}", highlight=False)


def _iso_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


@app.command("export")
@command_errors
def export(
    name: Annotated[
        str,
        typer.Argument(help="campaign-daily, campaign-monthly, campaigns, influencer-payments or marketing-spend."),
    ],
    date_from: Annotated[
        str | None,
        typer.Option("--from", help="First day (YYYY-MM-DD); default: start of --to's month or of last month."),
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last day (YYYY-MM-DD); default: end of --from's month or of last month.")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            help="Reporting currency (ISO 4217); default: the setting, else the ad accounts' main currency.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to this file (default: stdout); a name ending in .xlsx writes an Excel file."
        ),
    ] = None,
    no_bom: Annotated[bool, typer.Option("--no-bom", help="No UTF-8 byte order mark (for tools, not Excel).")] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail (exit 1, nothing written) when an FX rate is missing, instead of leaving those converted "
            "cells blank with fx_missing=true.",
        ),
    ] = False,
) -> None:
    """Write a finance CSV export (locked months come from their close snapshots, byte for byte), or XLSX
    with -o FILE.xlsx: the same rows, IDs as text, money as numbers, dates as dates.

    Native-currency columns always export; a converted cell without an FX rate is blank and flagged
    (fx_missing=true), and the missing pairs and months are listed on stderr. --strict fails instead."""
    from db.calendar import month_end, month_start, workspace_today
    from db.engine import session_scope
    from db.money import currency_code
    from finance.exports import ExportReport, file_name, get_spec, write_export
    from finance.fx import reporting_currency

    get_spec(name)
    since = _iso_date(date_from, "--from")
    until = _iso_date(date_to, "--to")
    if currency is not None:
        currency = currency_code(currency)
    prepare_database()
    if since is None and until is None:
        with session_scope() as session:
            until = month_start(workspace_today(session)) - dt.timedelta(days=1)  # last month by default
    if since is None:
        since = month_start(until)  # type: ignore[arg-type]
    if until is None:
        until = month_end(since)
    report = ExportReport()
    with session_scope() as session:
        cur = currency or reporting_currency(session)
        if output is None:
            write_export(
                session,
                CLI_ACTOR,
                name,
                since,
                until,
                cur,
                sys.stdout.buffer,
                bom=not no_bom,
                strict=strict,
                report=report,
            )
            sys.stdout.buffer.flush()
        else:
            file_format = "xlsx" if output.suffix.lower() == ".xlsx" else "csv"
            tmp = output.with_name(output.name + ".part")
            try:
                with tmp.open("wb") as fh:
                    size, _sha = write_export(
                        session,
                        CLI_ACTOR,
                        name,
                        since,
                        until,
                        cur,
                        fh,
                        bom=not no_bom,
                        strict=strict,
                        report=report,
                        file_format=file_format,
                    )
                tmp.replace(output)
            finally:
                tmp.unlink(missing_ok=True)
            err.print(
                f"Wrote {output} ({size} bytes; {file_name(name, since, until, cur, file_format)}).", highlight=False
            )
    for pair, months in report.missing_by_pair().items():
        err.print(
            f"warning: no FX rate {pair} in {', '.join(months)}: those converted cells are blank (fx_missing=true). "
            "Add rates on the Exports page or with `python cli.py fx import`; --strict fails instead.",
            markup=False,
            highlight=False,
        )


@fx_app.command("import")
@command_errors
def fx_import(
    file: Annotated[Path, typer.Argument(help="CSV with date,from,to,rate[,source] columns.", exists=False)],
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="dmy (day/month/year) or mdy (month/day/year): the order of numeric dates like 03/11/2026 when "
            "no value has a part above 12 and the date column is not headed Tanggal (which writes day first).",
        ),
    ] = None,
    decimal_mark: Annotated[
        str | None,
        typer.Option(
            "--decimal-mark",
            help="'.' (1,345.50: 1.345 is one point three four five) or ',' (1.345,50: 1.345 is 1345): the "
            "decimal mark of every rate, when no rate shows it and the headers' language would read 1.345 two ways. "
            "A rate written with the other mark is rejected.",
        ),
    ] = None,
) -> None:
    """Import FX rates from CSV (one rate: 1 FROM = RATE TO on DATE); rows with problems are reported. A file
    whose numeric dates read both ways (03/11/2026, no day above 12) under an English header needs --date-order.
    Rates are read in the file's number convention, decided once (15.750 under Tanggal;Dari;Ke;Kurs is 15750);
    a rate that reads two ways (1.345 under English headers: 1.345 or 1345) needs --decimal-mark."""
    from db.engine import session_scope
    from finance.fx import import_rates_csv

    if not file.is_file():
        raise CommandError(f"{file} does not exist")
    order = _date_order_option(date_order)
    mark = _decimal_mark_option(decimal_mark, "1,345.50")
    prepare_database()
    with session_scope() as session:
        result = import_rates_csv(
            session,
            CLI_ACTOR,
            file.read_bytes(),
            source=f"csv:{file.name}",
            date_order=order,  # type: ignore[arg-type]  # checked by _date_order_option
            decimal_mark=mark,
        )
    if result.numbers is not None:
        out.print(str(result.numbers.read_with()), markup=False, highlight=False)
    for note in result.dates:
        out.print(str(note), markup=False, highlight=False)
    for warning in result.warnings:  # never a refusal: e.g. the last row may be cut
        err.print(f"warning: {warning}", markup=False, highlight=False)
    for problem in result.errors:
        err.print(f"rejected {problem}", markup=False, highlight=False)
    out.print(f"FX rates: {result.created} added, {result.updated} updated, {len(result.errors)} rejected.")
    if result.errors:
        raise typer.Exit(1)


@fx_app.command("update")
@command_errors
def fx_update() -> None:
    """Download the newest ECB reference rates (online only); the copy in use is replaced only by a valid file."""
    from finance.fx_reference import update_reference

    result = update_reference()
    before = f" (was up to {result.previous_last_day.isoformat()})" if result.previous_last_day else ""
    out.print(
        f"ECB reference rates {result.first_day.isoformat()} to {result.last_day.isoformat()}{before}, "
        f"{len(result.currencies)} currencies on the last day, {result.size} bytes from {result.url}, "
        f"saved to {result.path}.",
        markup=False,
        highlight=False,
    )


@fx_app.command("list")
@command_errors
def fx_list(
    date_from: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
) -> None:
    """List FX rates as CSV."""
    from db.engine import session_scope
    from finance.fx import list_rates

    since, until = _iso_date(date_from, "--from"), _iso_date(date_to, "--to")
    prepare_database()
    with session_scope() as session:
        print("date,from,to,rate,source")
        for r in list_rates(session, since, until):
            print(f"{r.date.isoformat()},{r.from_currency},{r.to_currency},{r.rate.normalize():f},{r.source or ''}")


IMPORT_ALL, IMPORT_SOME_REJECTED, IMPORT_NOTHING = 0, 1, 2  # `import influencers` exit codes (docs/influencers.md)


@import_app.command("influencers")
def import_influencers(
    file: Annotated[
        Path, typer.Argument(help="CSV/TSV (any encoding, comma, semicolon or tab), XLSX or XLS file of contacts.")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and preview only; write nothing.")] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="COLUMN=field for a header that is not recognised (repeatable); field 'ignore' skips."
        ),
    ] = None,
    on_duplicate: Annotated[
        str, typer.Option("--on-duplicate", help="update or skip rows matching an existing email or handle.")
    ] = "update",
) -> None:
    """Import influencer contacts with their handles; every rejected row is listed with its field and reason.

    Exit codes: 0 every row was imported (or was already there), 1 some rows were rejected (the others were
    imported), 2 nothing was imported (a bad or empty file, a bad --map, or every row rejected).
    """
    try:
        counts = command_errors(_import_influencers)(file, dry_run, mapping, on_duplicate)
    except typer.Exit as exc:
        raise typer.Exit(IMPORT_NOTHING if exc.exit_code == 1 else exc.exit_code) from None
    accepted = counts["imported"] + counts["updated"] + counts["unchanged"] + counts["skipped"]
    if not accepted:
        err.print("error: no row of the file was imported.", markup=False, highlight=False)
        raise typer.Exit(IMPORT_NOTHING)
    if counts["rejected"]:
        raise typer.Exit(IMPORT_SOME_REJECTED)


def _import_influencers(file: Path, dry_run: bool, mapping: list[str] | None, on_duplicate: str) -> dict[str, int]:
    from db.engine import session_scope
    from db.errors import DomainError
    from influencers.csv_import import apply_import, parse_mapping, preview_import

    if not file.is_file():
        raise CommandError(f"{file}: no such file")
    prepare_database()
    try:
        explicit = parse_mapping(mapping)
        with session_scope() as session, progress_bar() as bar:
            task = bar.add_task("Checking rows", total=None)
            preview = preview_import(
                session,
                file.read_bytes(),
                mapping=explicit,
                on_duplicate=on_duplicate,
                file_name=file.name,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
            counts = apply_import(session, CLI_ACTOR, preview, source=file.name, dry_run=dry_run)
    except DomainError as exc:
        raise CommandError(f"{file.name}: {exc}") from None
    columns = ", ".join(f"{column} -> {field}" for column, field in preview.header_map.items())
    out.print(f"Columns: {columns}", markup=False, highlight=False)
    if preview.ignored_columns:
        out.print(f"Ignored columns (not imported): {', '.join(preview.ignored_columns)}", markup=False)
    for note in preview.notes:
        out.print(str(note), markup=False, highlight=False)
    for warning in [*preview.file_warnings, *preview.warnings]:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    for plan in preview.duplicates:
        out.print(
            f"row {plan.row}: matches {plan.existing_name} (#{plan.existing_id}) by {plan.matched_on}: {plan.action}",
            markup=False,
            highlight=False,
        )
    for problem in preview.problems:
        err.print(f"rejected: row {problem.row}, {problem.field}: {problem.reason}", markup=False, highlight=False)
    verb = "Would import" if dry_run else "Imported"
    tail = " (dry run: nothing written)" if dry_run else ""
    out.print(
        f"{verb}: {counts['imported']} imported, {counts['updated']} updated, {counts['unchanged']} unchanged, "
        f"{counts['skipped']} skipped, {counts['rejected']} rejected{tail}.",
        markup=False,
        highlight=False,
    )
    return counts


@sync_app.command("facebook")
@command_errors
def sync_facebook(
    account: Annotated[
        list[str] | None, typer.Option("--account", help="act_ID to sync (repeatable; default: FB_AD_ACCOUNT_IDS).")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD, account time zone).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day (YYYY-MM-DD); default: the account's today.")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Read everything Meta keeps (37 months).")] = False,
) -> None:
    """Sync ad accounts, campaigns, ad sets and daily insights from the Meta Marketing API."""
    from campaigns.sync import sync_facebook as run_sync

    prepare_database()
    start, end = _iso_date(since, "--since"), _iso_date(until, "--until")
    with progress_bar() as bar:
        task = bar.add_task("Meta sync", total=100)

        def step(message: object, fraction: float) -> None:  # a Message: printed in English
            bar.update(task, description=str(message), completed=fraction * 100)

        summary = run_sync(CLI_ACTOR, accounts=account or None, since=start, until=end, full=full, progress=step)
    out.print(
        f"Synced {summary.accounts} account(s): {summary.objects} objects, {summary.rows} rows, "
        f"{summary.requests} requests ({summary.calls} calls), {summary.seconds:.1f} s.",
        highlight=False,
    )
    if summary.errors:
        raise CommandError("; ".join(summary.errors))


@sync_app.command("tiktok")
@command_errors
def sync_tiktok(
    advertiser: Annotated[
        list[str] | None,
        typer.Option("--advertiser", help="TikTok advertiser ID to sync (repeatable; default: TIKTOK_ADVERTISER_IDS)."),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD, advertiser time zone).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day (YYYY-MM-DD); default: the advertiser's today.")
    ] = None,
) -> None:
    """Sync TikTok advertisers, campaigns, ad groups and daily reports from the TikTok API for Business."""
    from campaigns.tiktok_sync import sync_tiktok as run_sync

    start, end = _iso_date(since, "--since"), _iso_date(until, "--until")
    prepare_database()
    with progress_bar() as bar:
        task = bar.add_task("TikTok sync", total=100)

        def step(message: object, fraction: float) -> None:  # a Message: printed in English
            bar.update(task, description=str(message), completed=fraction * 100)

        summary = run_sync(CLI_ACTOR, advertisers=advertiser or None, since=start, until=end, progress=step)
    out.print(
        f"Synced {summary.accounts} TikTok advertiser(s): {summary.objects} objects, {summary.rows} rows, "
        f"{summary.requests} requests, {summary.seconds:.1f} s.",
        highlight=False,
    )
    if summary.errors:
        raise CommandError("; ".join(summary.errors))


@import_app.command("adsmanager")
@command_errors
def import_adsmanager(
    file: Annotated[str, typer.Argument(help="The CSV, TSV, XLSX or XLS file exported from Ads Manager.")],
    account: Annotated[
        str | None,
        typer.Option(
            "--account",
            help="An existing ad account's ID or name (case-insensitive), or the name of a new one "
            "(default: the account the file names, else from the file name).",
        ),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option("--currency", help="Currency of a new account when the file's spend column names none."),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="Time zone of a new account (default: the workspace's).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and show problems; write nothing.")
    ] = False,
) -> None:
    """Import an Ads Manager export (campaign, ad set, ad or account level; daily rows, with or without breakdowns)."""
    from campaigns.adsmanager import AccountTarget, apply_import, preview_import
    from db.engine import session_scope
    from db.errors import DomainError

    path = Path(file)
    if not path.is_file():
        raise CommandError(f"{file}: no such file")
    prepare_database()
    target = AccountTarget(lookup=account, currency=currency, timezone=timezone)
    try:
        with session_scope() as session:
            preview = preview_import(session, path.read_bytes(), path.name, target)
            for warning in preview.warnings:  # never a refusal: e.g. the last row may be cut
                err.print(f"warning: {warning}", markup=False, highlight=False)
            for problem in preview.errors:
                where = f"row {problem.row}, {problem.column}" if problem.column else f"row {problem.row}"
                err.print(f"{where}: {problem.reason}", markup=False, highlight=False)
            out.print(preview.describe(), markup=False, highlight=False)
            if dry_run:
                out.print("Dry run: nothing was written.")
            else:
                result = apply_import(session, CLI_ACTOR, preview)
                out.print(result.describe(), markup=False, highlight=False)
    except DomainError as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    if preview.rejected:
        raise typer.Exit(1)


def _import_report(fmt_name: str, file: str, account: str | None, timezone: str | None, dry_run: bool) -> None:
    """Preview, print and (unless a dry run) write one platform report file; exit 1 when rows were rejected."""
    from campaigns.platform_import import apply_report, preview_report
    from campaigns.platform_reports import report_format
    from db.engine import session_scope
    from db.errors import DomainError

    path = Path(file)
    if not path.is_file():
        raise CommandError(f"{file}: no such file")
    prepare_database()
    fmt = report_format(fmt_name)
    try:
        with session_scope() as session:
            preview = preview_report(session, fmt, path.read_bytes(), path.name, account=account, timezone=timezone)
            for warning in preview.warnings:  # never a refusal: e.g. the last row may be cut
                err.print(f"warning: {warning}", markup=False, highlight=False)
            for problem in preview.errors:
                where = f"row {problem.row}, {problem.column}" if problem.column else f"row {problem.row}"
                err.print(f"{where}: {problem.reason}", markup=False, highlight=False)
            out.print(preview.describe(), markup=False, highlight=False)
            if dry_run:
                out.print("Dry run: nothing was written.")
            else:
                result = apply_report(session, CLI_ACTOR, preview)
                out.print(result.describe(), markup=False, highlight=False)
    except DomainError as exc:
        raise CommandError(f"{path.name}: {exc}") from None
    if preview.errors:
        raise typer.Exit(1)


_REPORT_ACCOUNT = typer.Option(
    "--account",
    help="An existing account of the platform (its ID or name, case-insensitive), or the name of a new one "
    "(default: the account the file names, else from the file name).",
)
_REPORT_TIMEZONE = typer.Option(
    "--timezone", help="Time zone of a new account (default: the workspace's; LinkedIn's days are UTC)."
)
_REPORT_DRY_RUN = typer.Option("--dry-run", help="Check the file and show problems; write nothing.")


@import_app.command("tiktok")
@command_errors
def import_tiktok(
    file: Annotated[str, typer.Argument(help="The CSV or XLSX report exported from TikTok Ads Manager.")],
    account: Annotated[str | None, _REPORT_ACCOUNT] = None,
    timezone: Annotated[str | None, _REPORT_TIMEZONE] = None,
    dry_run: Annotated[bool, _REPORT_DRY_RUN] = False,
) -> None:
    """Import a TikTok Ads Manager report export (campaign by day)."""
    _import_report("tiktok", file, account, timezone, dry_run)


@import_app.command("googleads")
@command_errors
def import_googleads(
    file: Annotated[str, typer.Argument(help="The report downloaded from Google Ads (CSV, Excel .csv or XLSX).")],
    account: Annotated[str | None, _REPORT_ACCOUNT] = None,
    timezone: Annotated[str | None, _REPORT_TIMEZONE] = None,
    dry_run: Annotated[bool, _REPORT_DRY_RUN] = False,
) -> None:
    """Import a Google Ads campaign report download (by day; title lines and Total rows are skipped)."""
    _import_report("googleads", file, account, timezone, dry_run)


@import_app.command("linkedin")
@command_errors
def import_linkedin(
    file: Annotated[str, typer.Argument(help="The CSV or XLSX export from LinkedIn Campaign Manager.")],
    account: Annotated[str | None, _REPORT_ACCOUNT] = None,
    timezone: Annotated[str | None, _REPORT_TIMEZONE] = None,
    dry_run: Annotated[bool, _REPORT_DRY_RUN] = False,
) -> None:
    """Import a LinkedIn Campaign Manager campaign performance export (daily, UTC dates)."""
    _import_report("linkedin", file, account, timezone, dry_run)


@import_app.command("promo-sales", short_help="Import one shop's orders and net sales per promo code into a program.")
def import_promo_sales(
    file: Annotated[
        Path,
        typer.Argument(
            help="The shop's sales by promo code: Shopify 'Sales by discount', a WooCommerce orders export, or a "
            "code,date,orders,revenue file (CSV/TSV/XLSX/XLS)."
        ),
    ],
    program: Annotated[int, typer.Option("--program", help="The program's ID (its creators' promo codes).")],
    shop: Annotated[
        str | None,
        typer.Option(
            "--shop",
            help="The shop the file's sales are from (required): shopee, tokopedia, tiktok_shop, lazada, blibli, "
            "shopify, woocommerce, website or other. A re-import replaces that shop's sales of the period only.",
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="First day the file covers (YYYY-MM-DD; needed without dates).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day the file covers (YYYY-MM-DD).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and preview only; write nothing.")] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="COLUMN=field for a header that is not recognised (repeatable): code, day, month, orders, order_id, "
            "net (the order's net sales), line_net (each product line's), gross, discounts, returns, total, "
            "currency, status, name; field 'ignore' skips the column.",
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="dmy (day/month/year) or mdy (month/day/year): the order of numeric dates like 03/11/2026 when "
            "no value has a part above 12 and the headers are not in Bahasa Indonesia (which write day first).",
        ),
    ] = None,
    decimal_mark: Annotated[
        str | None,
        typer.Option(
            "--decimal-mark",
            help="'.' (1,250.50: 150.000 is 150) or ',' (1.250,50: 150.000 is 150000): the decimal mark of every "
            "orders count and amount, when no figure shows it and 150.000 would read two ways. A figure written "
            "with the other mark is rejected.",
        ),
    ] = None,
) -> None:
    """Import one shop's orders and net sales per promo code into a program, replacing the stored sales of that
    shop (--shop) in the period the file covers (its first to last day, or --since..--until); the other shops'
    sales of the period stay and add up. A Shopee, Tokopedia or TikTok Shop order
    export reads once its columns are named: --map "Order ID=order_id" --map "Created Time=day" ... An export with a
    row per product line (an order number repeated) counts each order once; say whether its sales column is the
    order's amount (net) or each line's (line_net). Order times (03/11/2026 10:12:31 AM) count on their day; an
    English file whose numeric dates read both ways needs --date-order, and one whose figures read two ways
    (150.000 IDR under English headers: 150 or 150000) --decimal-mark.

    Exit codes: 0 every sale row was imported, 1 some rows name a code no creator of the program has (the others
    were imported), 2 nothing was imported (a bad file, a refused row, or no row naming a creator's code).
    """
    try:
        report = command_errors(_import_promo_sales)(
            file, program, shop, since, until, dry_run, mapping, date_order, decimal_mark
        )
    except typer.Exit as exc:
        raise typer.Exit(IMPORT_NOTHING if exc.exit_code == 1 else exc.exit_code) from None
    if report.refused or not report.sales:
        err.print("error: no sale of the file was imported.", markup=False, highlight=False)
        raise typer.Exit(IMPORT_NOTHING)
    if report.unmatched:
        raise typer.Exit(IMPORT_SOME_REJECTED)


def _import_promo_sales(
    file: Path,
    program: int,
    shop: str | None,
    since: str | None,
    until: str | None,
    dry_run: bool,
    mapping: list[str] | None,
    date_order: str | None = None,
    decimal_mark: str | None = None,
) -> Any:
    from db.column_map import parse_mapping
    from db.engine import session_scope
    from db.errors import DomainError, FieldErrors
    from influencers.promo_sales import FIELDS, shop_code
    from influencers.promo_sales import import_promo_sales as run_import

    try:
        shop = shop_code(shop)
    except FieldErrors as exc:
        raise CommandError(f"--shop: {exc.errors['shop']}") from None
    if not file.is_file():
        raise CommandError(f"{file}: no such file")
    order = _date_order_option(date_order)
    mark = _decimal_mark_option(decimal_mark, "1,250.50")
    if (since is None) != (until is None):
        raise CommandError("give both --since and --until, or neither")
    try:
        period = None
        if since is not None and until is not None:
            period = (dt.date.fromisoformat(since), dt.date.fromisoformat(until))
    except ValueError:
        raise CommandError("--since and --until are days like 2026-11-30") from None
    try:
        explicit = parse_mapping(mapping, FIELDS)
    except DomainError as exc:
        raise CommandError(str(exc)) from None
    prepare_database()
    try:
        with session_scope() as session:
            report = run_import(
                session,
                CLI_ACTOR,
                program,
                file.read_bytes(),
                shop=shop,
                file_name=file.name,
                period=period,
                dry_run=dry_run,
                mapping=explicit,
                date_order=order,  # checked by _date_order_option
                decimal_mark=mark,
            )
    except DomainError as exc:
        raise CommandError(f"{file.name}: {exc}") from None
    if report.numbers is not None:
        out.print(str(report.numbers.read_with()), markup=False, highlight=False)
    for note in report.dates:
        out.print(str(note), markup=False, highlight=False)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    for line, name, reason in report.problems:
        err.print(f"row {line}, {name}: {reason}", markup=False, highlight=False)
    for sale in report.sales:
        period_text = sale.period_start.isoformat()
        if sale.period_end != sale.period_start:
            period_text += f"..{sale.period_end.isoformat()}"
        out.print(
            f"{sale.influencer} ({sale.code}) {period_text}: {sale.orders} orders, {sale.revenue} {sale.currency}",
            markup=False,
            highlight=False,
        )
    span = "" if report.span is None else f" for {report.span[0].isoformat()}..{report.span[1].isoformat()}"
    span += f" from {report.shop}"
    verb = "Would import" if dry_run or report.refused else "Imported"
    tail = " (dry run: nothing written)" if dry_run else ""
    if report.refused:
        tail = " (nothing written: fix the rows listed and import the file again)"
    if report.order_lines:
        out.print(
            f"Read as a row per product line: {report.orders} orders in {report.rows} lines, each order counted once.",
            markup=False,
            highlight=False,
        )
    out.print(
        f"{verb}{span}: {len(report.sales)} sale rows ({report.orders} orders), {report.replaced} stored rows "
        f"of {report.shop} replaced, {report.other_shops} stored rows of other shops kept, {report.unmatched} rows "
        f"with unknown codes, {report.rejected} rejected, {report.totals} total rows, {report.without_code} rows "
        f"without a code and {report.not_sold} cancelled or refunded orders "
        f"skipped{tail}.",
        markup=False,
        highlight=False,
    )
    return report


@import_app.command("results", short_help="Import deliverable results (views, clicks, revenue ...) by deliverable.")
def import_results(
    file: Annotated[
        Path,
        typer.Argument(
            help="Deliverable results (CSV/TSV/XLSX/XLS): a deliverable_id (or url) column, then result columns "
            "(views, likes, revenue, ...; English or Bahasa Indonesia headers)."
        ),
    ],
    program: Annotated[
        int | None, typer.Option("--program", help="The program's ID: only its deliverables may be named.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and preview only; write nothing.")] = False,
    decimal_mark: Annotated[
        str | None,
        typer.Option(
            "--decimal-mark",
            help="'.' (1,250.50: 150.000 is 150) or ',' (1.250,50: 150.000 is 150000): the decimal mark of every "
            "count and revenue, when no figure shows it and 150.000 would read two ways. A figure written with the "
            "other mark is rejected.",
        ),
    ] = None,
) -> None:
    """Import deliverable results (the Programs page's Deliverables tab import); every rejected row is listed with
    its field and reason. Figures are read in the file's one number convention; a file whose figures read two
    ways (150.000 views under English headers: 150 or 150000) needs --decimal-mark.

    Exit codes: 0 every row was imported, 1 some rows were rejected (the others were imported), 2 nothing was
    imported (a bad file, or every row rejected).
    """
    try:
        report = command_errors(_import_results)(file, program, dry_run, decimal_mark)
    except typer.Exit as exc:
        raise typer.Exit(IMPORT_NOTHING if exc.exit_code == 1 else exc.exit_code) from None
    if not report.updated:
        err.print("error: no row of the file was imported.", markup=False, highlight=False)
        raise typer.Exit(IMPORT_NOTHING)
    if report.rejected:
        raise typer.Exit(IMPORT_SOME_REJECTED)


def _import_results(file: Path, program: int | None, dry_run: bool, decimal_mark: str | None) -> Any:
    from db.engine import session_scope
    from db.errors import DomainError
    from influencers.deliverables import import_results as run_import

    if not file.is_file():
        raise CommandError(f"{file}: no such file")
    mark = _decimal_mark_option(decimal_mark, "1,250.50")
    prepare_database()
    try:
        with session_scope() as session:
            report = run_import(
                session,
                CLI_ACTOR,
                file.read_bytes(),
                program_id=program,
                dry_run=dry_run,
                file_name=file.name,
                decimal_mark=mark,
            )
    except DomainError as exc:
        raise CommandError(f"{file.name}: {exc}") from None
    if report.numbers is not None:
        out.print(str(report.numbers.read_with()), markup=False, highlight=False)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    for line, name, reason in report.problems:
        err.print(f"row {line}, {name}: {reason}", markup=False, highlight=False)
    verb = "Would import" if dry_run else "Imported"
    tail = " (dry run: nothing written)" if dry_run else ""
    out.print(
        f"{verb} results: {report.updated} rows updated, {report.rejected} rejected, {report.totals} total rows "
        f"skipped{tail}.",
        markup=False,
        highlight=False,
    )
    return report


@app.command("worker")
@command_errors
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run what is due now, then exit (for cron).")] = False,
    poll: Annotated[float, typer.Option("--poll", help="Seconds between looks at the schedules.")] = 30.0,
) -> None:
    """Run the schedules set on the Settings page (syncs, the alert digest, the token check) until stopped."""
    from automation.worker import Worker

    prepare_database()
    runner = Worker()
    if once:
        result = runner.tick()
        for claim in result.claimed:
            status = result.outcomes.get(claim.run_id, "?")
            out.print(f"{claim.job} ({claim.scheduled_for.isoformat()}): {status}", highlight=False)
        if not result.claimed:
            out.print("Nothing is due.")
        if any(status != "success" for status in result.outcomes.values()):
            raise typer.Exit(1)
        return
    err.print(f"Worker {runner.owner} started; looking at the schedules every {poll:g} s (Ctrl+C stops).")
    runner.run_forever(poll_seconds=poll)


@alerts_app.command("send")
@command_errors
def alerts_send(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
) -> None:
    """Send every recipient the alerts due to them (each condition once within its window)."""
    from automation import runs
    from automation.digest import send_due
    from db.types import utcnow

    prepare_database()
    now = utcnow()
    claim = None if dry_run else runs.claim(None, "alerts.digest", now, now, trigger=runs.TRIGGER_CLI)
    report = send_due(now=now, dry_run=dry_run, job_run_id=claim.run_id if claim else None)
    if claim is not None:
        status = runs.FAILED if report.errors else runs.SUCCESS
        error = "; ".join(report.errors) or None
        runs.finish(
            None, claim.run_id, status, utcnow(), summary=report.summary(), error=error, details=report.details()
        )
    for delivery in report.deliveries:
        state = "would send" if dry_run else ("sent" if delivery.sent else "NOT sent")
        out.print(f"-- {delivery.channel} to {delivery.label} ({delivery.language}): {state}", markup=False)
        if dry_run:
            out.print(f"Subject: {delivery.subject}\n{delivery.text}", markup=False, highlight=False)
    out.print(report.summary(), markup=False, highlight=False)
    if report.errors:
        raise CommandError("; ".join(report.errors))


@calendar_app.command("ics")
@command_errors
def calendar_ics(
    program: Annotated[int | None, typer.Option("--program", help="Only this program (its id).")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only the programs and creators this person owns.")] = None,
    language: Annotated[str, typer.Option("--language", help="en or id (titles).")] = "en",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout).")] = None,
) -> None:
    """Write the content calendar as iCalendar (.ics): deliverables, posts, payments due, flights."""
    from automation.feeds import calendar_feed
    from db.engine import session_scope

    if language not in ("en", "id"):
        raise CommandError(f"--language {language!r}: use en or id")
    prepare_database()
    with session_scope() as session:
        name, data = calendar_feed(session, program_id=program, owner=user, language=language)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(data)
    err.print(f"Wrote {output} ({len(data)} bytes; {name}).", highlight=False)


# The refund service's field names as the command line spells them, so a refusal names the option to fix.
REFUND_OPTIONS = {"amount": "--amount", "refund_date": "--date", "reason": "--reason", "reference": "--reference"}


@promo_app.command("move-shop")
@command_errors
def promo_move_shop(
    program: Annotated[int, typer.Option("--program", help="The program's ID.")],
    from_shop: Annotated[str, typer.Option("--from", help="The shop the sales are stored under now (often other).")],
    to_shop: Annotated[str, typer.Option("--to", help="The shop they are from: shopee, tokopedia, tiktok_shop, ...")],
    file: Annotated[
        str | None, typer.Option("--file", help="Only the sales imported from this file (its name as stored).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would move; write nothing.")] = False,
) -> None:
    """Move a program's stored promo code sales from one shop to another: those kept as 'other' when shops were
    kept apart, or imported with the wrong shop chosen. Refused whole (exit code 1, nothing moved) when the
    target shop already holds days of the same creator that the sales overlap. Audited."""
    from db.engine import session_scope
    from db.errors import DomainError, FieldErrors
    from influencers.promo_sales import shop_code
    from influencers.promo_shops import NOTHING_TO_MOVE, move_shop, shop_files

    shops = {}
    for option, text in (("--from", from_shop), ("--to", to_shop)):
        try:
            shops[option] = shop_code(text)
        except FieldErrors as exc:
            raise CommandError(f"{option}: {exc.errors['shop']}") from None
    prepare_database()
    with session_scope() as session:
        try:
            report = move_shop(
                session, CLI_ACTOR, program, shops["--from"], shops["--to"], source_file=file, dry_run=dry_run
            )
        except FieldErrors as exc:
            raise CommandError("; ".join(f"{name}: {reason}" for name, reason in exc.errors.items())) from None
        except DomainError as exc:
            files = shop_files(session, program, shops["--from"]) if exc.message.text == NOTHING_TO_MOVE else []
            hint = f" (the files stored under {shops['--from']}: {', '.join(files)})" if file and files else ""
            raise CommandError(f"{exc}{hint}") from None
    verb = "Would move" if dry_run else "Moved"
    out.print(
        f"{verb} {report.moved} sale rows ({report.orders} orders, {report.creators} creators) of program "
        f"#{program} from {shops['--from']} to {shops['--to']}" + (" (dry run: nothing written)." if dry_run else "."),
        markup=False,
        highlight=False,
    )
    if report.files:
        out.print(f"Imported from: {', '.join(report.files)}", markup=False, highlight=False)


@payments_app.command("refund")
@command_errors
def payments_refund(
    payment_id: Annotated[int, typer.Argument(help="The paid payment's id (#N on the Payments tab).")],
    amount: Annotated[
        str, typer.Option("--amount", help="What came back, in the payment's currency (plain: 500000 or 12.50).")
    ],
    date: Annotated[str, typer.Option("--date", help="The day the money came back (YYYY-MM-DD, an open month).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it came back (a cancelled job, paid twice, ...).")],
    reference: Annotated[str | None, typer.Option("--reference", help="The bank transfer's reference, if any.")] = None,
) -> None:
    """Record money a creator returned on a paid payment (the payment itself is never edited; audited).

    The same checks as the Payments tab: the payment is paid, the amount is more than zero and at most what is
    left to refund, the date is not before its paid date, not in the future and not in a month finance has
    closed, and a reason is given. A refusal names each option and why, on one line; exit code 1."""
    from db.engine import session_scope
    from db.errors import FieldErrors
    from db.money import plain
    from finance.refunds import record_refund
    from influencers.models import Payment
    from influencers.payments import net_paid

    day: dt.date | None = None
    bad_date = None
    try:
        day = dt.date.fromisoformat(date.strip())
    except ValueError:
        bad_date = f"{date!r} is not a date (YYYY-MM-DD)"
    prepare_database()
    try:
        with session_scope() as session:
            refund = record_refund(session, CLI_ACTOR, payment_id, amount, day, reason, reference)
            if bad_date is not None:  # the service saw no date, so it refused; never reached
                raise CommandError(f"--date: {bad_date}")
            payment = session.get(Payment, payment_id)
            assert payment is not None  # record_refund found it
            code = refund.currency
            message = (
                f"Refund #{refund.id} recorded on payment #{payment_id}: {plain(refund.amount, code)} {code} on "
                f"{refund.refund_date.isoformat()}; net paid now {plain(net_paid(session, payment), code)} {code}."
            )
    except FieldErrors as exc:
        reasons = dict(exc.errors)
        if bad_date is not None:
            reasons["refund_date"] = bad_date
        text = "; ".join(f"{REFUND_OPTIONS.get(name, name)}: {why}" for name, why in reasons.items())
        raise CommandError(f"refund not recorded on payment #{payment_id}: {text}") from None
    out.print(message, markup=False, highlight=False)


if __name__ == "__main__":
    app()
