"""Docs stay true: every CLI command, environment variable and workspace setting is documented, and the
README keeps exactly the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from cli import app
from db.settings import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
CODE_DIRS = ("automation", "budgets", "campaigns", "db", "demo", "finance", "influencers", "migrations", "pages")
ENV_NAME = re.compile(r"[\"'`]((?:FB|PANTAU|TIKTOK)_[A-Z_]{3,})[\"'`]")  # a name in quotes: read from the environment


def _commands(group: typer.main.TyperGroup, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            names += _commands(command, path)
        else:
            names.append(path)
    return names


def test_every_cli_command_is_in_the_readme() -> None:
    commands = _commands(typer.main.get_command(app))
    assert "sync facebook" in commands
    assert "export" in commands
    missing = [c for c in commands if f"python cli.py {c}" not in README]
    assert not missing, f"commands missing from the README's command line section: {missing}"


def _environment_variables() -> set[str]:
    names = {"DATABASE_URL"}
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(ENV_NAME.findall(path.read_text(encoding="utf-8")))
    for script in ("streamlit_app.py", "cli.py"):
        names |= set(ENV_NAME.findall((ROOT / script).read_text(encoding="utf-8")))
    return names


def test_every_environment_variable_is_documented() -> None:
    names = _environment_variables()
    assert {"FB_ACCESS_TOKEN", "PANTAU_SECRET_KEY", "PANTAU_SMTP_HOST", "TIKTOK_ACCESS_TOKEN"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, f"environment variables missing from the README's configuration table: {missing}"


def test_every_environment_variable_is_in_the_env_example() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^# ([A-Z][A-Z_0-9]+)=", example, re.M))
    missing = sorted(_environment_variables() - listed)
    assert not missing, f"environment variables missing from .env.example: {missing}"


def test_every_workspace_setting_is_documented() -> None:
    missing = sorted(key for key in DEFAULTS if f"`{key}`" not in DOCS)
    assert not missing, f"settings missing from the docs: {missing}"


def test_readme_has_exactly_the_two_setup_commands() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert [b.strip() for b in blocks] == [
        "pip install -r requirements.txt && streamlit run streamlit_app.py",
        "pip install -r requirements-dev.txt && python -m pytest",
    ]


def test_docs_links_point_at_files() -> None:
    for target in re.findall(r"\]\(((?:docs/)[^)#]+)\)", README):
        assert (ROOT / target).exists(), target
