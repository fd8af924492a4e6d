"""The Meta token: where it comes from, encrypted at rest, masked, and never in logs, pages, audit or files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.engine import make_url

from db import audit
from db.base import Base
from db.engine import session_scope
from db.models import AuditEntry, Setting
from db.roles import CLI_ACTOR
from db.secrets import (
    TOKEN_SETTING,
    RedactSecrets,
    SecretError,
    clear_meta_token,
    meta_access_token,
    store_meta_token,
    token_status,
)

TOKEN = "EAABsbCS1iHgBAKZBZCtopsecretmetatoken9876WXYZ"


def test_no_token_anywhere_is_none(session) -> None:
    assert meta_access_token(session) is None
    assert token_status(session).source is None


def test_environment_comes_first(session, secret_key, monkeypatch) -> None:
    store_meta_token(session, CLI_ACTOR, TOKEN)
    monkeypatch.setenv("FB_ACCESS_TOKEN", "EAAB-from-the-environment-1111")
    assert meta_access_token(session) == "EAAB-from-the-environment-1111"
    status = token_status(session)
    assert (status.source, status.masked, status.stored) == ("environment", "••••1111", True)


def test_secrets_toml_comes_before_the_stored_token(session, secret_key, monkeypatch, tmp_path: Path) -> None:
    store_meta_token(session, CLI_ACTOR, TOKEN)
    file = tmp_path / "secrets.toml"
    file.write_text('FB_ACCESS_TOKEN = "EAAB-from-secrets-toml-2222"\n[auth]\nclient_id = "x"\n')
    monkeypatch.setattr("db.secrets.secrets_files", lambda: [file])
    assert meta_access_token(session) == "EAAB-from-secrets-toml-2222"
    assert meta_access_token(session, {"FB_ACCESS_TOKEN": "EAAB-injected-3333"}) == "EAAB-injected-3333"
    assert token_status(session).source == "secrets.toml"


def test_stored_token_is_encrypted_and_read_back(session, secret_key) -> None:
    masked = store_meta_token(session, CLI_ACTOR, f"  {TOKEN}  ")
    assert masked == "••••WXYZ"
    row = session.get(Setting, TOKEN_SETTING)
    assert TOKEN not in json.dumps(row.value)
    assert Fernet(secret_key.encode()).decrypt(row.value["ciphertext"].encode()).decode() == TOKEN
    assert meta_access_token(session) == TOKEN
    assert token_status(session).source == "stored in the app"


def test_the_secret_key_may_come_from_secrets_toml(session) -> None:
    secrets = {"PANTAU_SECRET_KEY": Fernet.generate_key().decode()}
    store_meta_token(session, CLI_ACTOR, TOKEN, secrets)
    assert meta_access_token(session, secrets) == TOKEN


def test_without_a_key_the_app_refuses_to_store_and_says_why(session) -> None:
    with pytest.raises(SecretError, match="No encryption key is configured") as info:
        store_meta_token(session, CLI_ACTOR, TOKEN)
    assert TOKEN not in str(info.value)
    assert "Fernet.generate_key" in str(info.value)
    assert session.get(Setting, TOKEN_SETTING) is None
    assert str(token_status(session).key_problem).startswith("No encryption key")


def test_a_bad_key_is_refused(session, monkeypatch) -> None:
    monkeypatch.setenv("PANTAU_SECRET_KEY", "not-a-fernet-key")
    with pytest.raises(SecretError, match="not a valid Fernet key"):
        store_meta_token(session, CLI_ACTOR, TOKEN)


def test_a_changed_key_gives_a_clear_error_without_the_token(session, secret_key, monkeypatch) -> None:
    store_meta_token(session, CLI_ACTOR, TOKEN)
    monkeypatch.setenv("PANTAU_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(SecretError, match="cannot be decrypted") as info:
        meta_access_token(session)
    assert TOKEN not in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_empty_or_spaced_token_is_rejected(session, secret_key) -> None:
    for bad in ("", "   ", "EAAB half token"):
        with pytest.raises(SecretError, match="empty or contains spaces"):
            store_meta_token(session, CLI_ACTOR, bad)


def test_plain_settings_cannot_hold_a_secret(session) -> None:
    from db.settings import set_setting

    with pytest.raises(ValueError, match="holds a secret"):
        set_setting(session, CLI_ACTOR, TOKEN_SETTING, TOKEN)


def test_store_and_remove_are_audited_without_the_token(migrated_url: str, secret_key) -> None:
    with session_scope(migrated_url) as s:
        store_meta_token(s, CLI_ACTOR, TOKEN)
    with session_scope(migrated_url) as s:
        store_meta_token(s, CLI_ACTOR, TOKEN + "2")
    with session_scope(migrated_url) as s:
        assert clear_meta_token(s, CLI_ACTOR)
        assert not clear_meta_token(s, CLI_ACTOR)
    with session_scope(migrated_url) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "secret").order_by(AuditEntry.id)).all()
        assert [e.summary for e in entries] == [
            "Meta access token stored (encrypted)",
            "Meta access token replaced (encrypted)",
            "Meta access token removed",
        ]
        assert entries[0].after == {"meta_access_token": "***"}
        assert entries[2].before == {"meta_access_token": "***"}
        rows = audit.query_entries(s)
    assert TOKEN not in audit.csv_text(rows)


def test_audit_masks_any_secret_looking_field(session) -> None:
    entry = audit.record(
        session,
        CLI_ACTOR,
        "update",
        "thing",
        1,
        before={"access_token": "a", "app_secret": "b", "name": "x"},
        after={"access_token": "c", "app_secret": "d", "name": "y", "FB_ACCESS_TOKEN": TOKEN},
    )
    assert TOKEN not in json.dumps(entry.after)
    assert entry.after["FB_ACCESS_TOKEN"] == "***"
    assert entry.after["name"] == "y"


def test_log_filter_redacts_known_tokens_in_messages_and_tracebacks(session, secret_key, caplog) -> None:
    store_meta_token(session, CLI_ACTOR, TOKEN)
    logger = logging.getLogger("pantau.test")
    caplog.handler.addFilter(RedactSecrets())
    try:
        raise RuntimeError(f"the Graph API rejected {TOKEN}")
    except RuntimeError:
        logger.exception("sync failed for token %s", TOKEN)
    assert TOKEN not in caplog.text
    assert "sync failed for token ***" in caplog.text
    assert "the Graph API rejected ***" in caplog.text


def _page_text(at) -> str:
    return json.dumps([str(getattr(e, "value", "")) for e in at.main] + [str(e.value) for e in at.sidebar.caption])


def test_settings_page_stores_the_token_masked_and_never_shows_it(
    migrated_url: str, app_test, secret_key, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    at = app_test()
    at.run()
    at.switch_page("pages/settings/settings.py").run()
    assert "No Meta access token yet" in " ".join(i.value for i in at.info)
    at.text_input(key="settings_meta_token_input").input(TOKEN)
    next(b for b in at.button if b.label == "Store token").click().run()
    assert not at.exception
    assert "Meta access token stored encrypted." in [s.value for s in at.success]
    assert "Access token: ••••WXYZ (from stored in the app)" in [m.value for m in at.markdown]
    assert at.text_input(key="settings_meta_token_input").value == ""
    at.run()
    assert TOKEN not in _page_text(at)
    assert TOKEN not in caplog.text
    # Not in the audit log, its CSV, nor anywhere in the database file.
    with session_scope(migrated_url) as s:
        assert TOKEN not in audit.csv_text(audit.query_entries(s))
    with session_scope(migrated_url) as s:  # no table holds it in clear
        for table in Base.metadata.sorted_tables:
            assert TOKEN not in repr(s.execute(table.select()).all()), table.name
    if make_url(migrated_url).get_backend_name() == "sqlite":  # nor any byte of the database files
        db_file = Path(make_url(migrated_url).database)
        for path in db_file.parent.glob(db_file.name + "*"):
            assert TOKEN.encode() not in path.read_bytes(), path


def test_settings_page_without_a_key_explains_why_it_cannot_store(migrated_url: str, app_test) -> None:
    at = app_test()
    at.run()
    at.switch_page("pages/settings/settings.py").run()
    assert any("The app cannot store a token: No encryption key" in w.value for w in at.warning)
    assert not any(t.key == "settings_meta_token_input" for t in at.text_input)


def test_installed_redaction_covers_streamlits_own_loggers(session, secret_key, capsys) -> None:
    from streamlit.logger import get_logger

    from db.secrets import install_log_redaction

    store_meta_token(session, CLI_ACTOR, TOKEN)
    logger = get_logger("streamlit.pantau_redaction_test")
    install_log_redaction("streamlit")
    logger.error("request failed: access_token=%s", TOKEN)
    err = capsys.readouterr().err
    assert "request failed: access_token=***" in err
    assert TOKEN not in err
