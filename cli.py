"""Pantau's command line (Typer): schema, demo workspace, users; every command upgrades the schema first."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
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
sync_app = typer.Typer(help="Pull campaigns, budgets, spend and conversions from Meta.", no_args_is_help=True)
import_app = typer.Typer(help="Import files (Ads Manager exports, ...).", no_args_is_help=True)
app.add_typer(sync_app, name="sync")
app.add_typer(import_app, name="import")

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class CommandError(Exception):
    """An expected failure: printed as one line on stderr, exit code 1."""


def command_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into one clear line on stderr and a non-zero exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        from campaigns.meta_client import MetaError
        from db.demo import DemoError
        from db.users import UserError

        try:
            return func(*args, **kwargs)
        except (CommandError, UserError, DemoError, PermissionDenied, ValueError, MetaError) as exc:
            err.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from None
        except OperationalError as exc:
            err.print(f"error: database unavailable: {exc.orig}", markup=False, highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def prepare_database() -> None:
    """Create or upgrade the schema (every command does this first; cron needs no extra step)."""
    from db.migrate import ensure_schema

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
    from db.migrate import current_revision, head_revision, upgrade

    before = current_revision()
    upgrade()
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
    from db.demo import load_demo
    from db.engine import session_scope

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


def _date(value: str | None, option: str) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-01-31, not {value!r}") from None


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
    start, end = _date(since, "--since"), _date(until, "--until")
    with progress_bar() as bar:
        task = bar.add_task("Meta sync", total=100)

        def step(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction * 100)

        summary = run_sync(CLI_ACTOR, accounts=account or None, since=start, until=end, full=full, progress=step)
    out.print(
        f"Synced {summary.accounts} account(s): {summary.objects} objects, {summary.rows} rows, "
        f"{summary.requests} requests ({summary.calls} calls), {summary.seconds:.1f} s.",
        highlight=False,
    )
    if summary.errors:
        raise CommandError("; ".join(summary.errors))


@import_app.command("adsmanager")
@command_errors
def import_adsmanager(
    file: Annotated[str, typer.Argument(help="The CSV or XLSX file exported from Ads Manager.")],
    account: Annotated[
        str | None,
        typer.Option("--account", help="Ad account name for campaigns not known yet (default: from the file name)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and show problems; write nothing.")
    ] = False,
) -> None:
    """Import an Ads Manager export (daily breakdown or whole period; English or Bahasa Indonesia headers)."""
    from pathlib import Path

    from campaigns.adsmanager import apply_import, preview_import
    from db.engine import session_scope

    path = Path(file)
    if not path.is_file():
        raise CommandError(f"{file}: no such file")
    prepare_database()
    preview = preview_import(path.read_bytes(), path.name, account_name=account)
    for problem in preview.errors:
        err.print(f"row {problem.row}, {problem.column}: {problem.reason}", markup=False, highlight=False)
    out.print(preview.describe(), highlight=False)
    if dry_run:
        out.print("Dry run: nothing was written.")
    else:
        with session_scope() as session:
            result = apply_import(session, CLI_ACTOR, preview)
        out.print(result.describe(), highlight=False)
    if preview.errors:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
