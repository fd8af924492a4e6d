"""Run `python cli.py ...` in this process (typer's CliRunner): the same commands, exit codes, stdout and stderr as
the script, without starting a Python interpreter per call (about a second each). Tests that need a real process
(a killed sync, two processes racing, the interpreter's own traceback handling) start one themselves."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner


@dataclass(frozen=True)
class CliResult:
    """What `subprocess.run(..., capture_output=True)` would have given: exit code, stdout and stderr bytes."""

    returncode: int
    stdout: bytes
    stderr: bytes


def run_cli(*args: str) -> CliResult:
    """`python cli.py *args`, in process; an exception the CLI lets escape fails the test with its traceback."""
    from cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout_bytes, result.stderr_bytes)
