"""Local mode: one admin with a banner on this machine; refused on a network unless explicitly allowed."""

from __future__ import annotations

import pytest

from pages.components.auth import Connection, is_loopback, network_exposure


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "app.localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "", None, "10.0.0.5", "192.168.1.2", "::", "pantau.example.com"])
def test_network_hosts(host) -> None:
    assert not is_loopback(host)


LOCAL = (("host", "localhost:8501"), ("origin", "http://localhost:8501"), ("user-agent", "Mozilla/5.0"))


def conn(bind="127.0.0.1", peer="127.0.0.1", headers=LOCAL, in_process=False) -> Connection:
    return Connection(bind_address=bind, peer=peer, headers=tuple(headers), in_process=in_process)


@pytest.mark.parametrize(
    "connection",
    [
        conn(),
        conn(peer="::1", headers=(("host", "[::1]:8501"), ("origin", "http://[::1]:8501"))),
        conn(peer="127.0.0.5", headers=(("host", "127.0.0.1:8501"),)),
        conn(peer="::ffff:127.0.0.1"),
        conn(bind="localhost", headers=(("host", "app.localhost:8501"), ("origin", "null"))),
        conn(headers=()),  # a websocket client that sends no Host or Origin
        conn(peer=None, headers=(), in_process=True),  # AppTest: no network server at all
    ],
)
def test_local_connections_may_use_local_mode(connection: Connection) -> None:
    assert network_exposure(connection) is None


@pytest.mark.parametrize(
    ("connection", "named"),
    [
        (conn(bind="0.0.0.0"), "0.0.0.0"),
        (conn(bind=""), "every network interface"),
        (conn(bind=None, in_process=True), "every network interface"),
        (conn(peer="10.1.2.3"), "10.1.2.3"),
        (conn(peer="192.168.1.20", headers=(("host", "localhost:8501"),)), "192.168.1.20"),
        (conn(peer="2001:db8::7"), "2001:db8::7"),
        (conn(peer=None), "could not tell"),
        (conn(peer="not-an-ip"), "not-an-ip"),
        (conn(headers=(*LOCAL, ("x-forwarded-for", "203.0.113.9"))), "x-forwarded-for"),
        (conn(headers=(*LOCAL, ("x-forwarded-for", "127.0.0.1"))), "x-forwarded-for"),
        (conn(headers=(*LOCAL, ("forwarded", "for=127.0.0.1;host=localhost"))), "forwarded"),
        (conn(headers=(*LOCAL, ("x-forwarded-host", "localhost"))), "x-forwarded-host"),
        (conn(headers=(*LOCAL, ("x-forwarded-proto", "https"))), "x-forwarded-proto"),
        (conn(headers=(*LOCAL, ("x-real-ip", "127.0.0.1"))), "x-real-ip"),
        (conn(headers=(*LOCAL, ("via", "1.1 proxy"))), "via"),
        (conn(headers=(("host", "evilhost1:8501"), ("origin", "http://localhost:8501"))), "evilhost1"),
        (conn(headers=(("host", "localhost:8501"), ("origin", "http://rebind.example.com:8501"))), "rebind"),
        (conn(headers=(("host", "pantau.example.com"),)), "pantau.example.com"),
        (conn(headers=(("host", "10.0.0.5:8501"),)), "10.0.0.5"),
    ],
)
def test_connections_from_the_network_are_refused(connection: Connection, named: str) -> None:
    reason = network_exposure(connection)
    assert reason is not None
    assert named in reason


def test_local_mode_on_loopback_is_the_local_admin_with_a_banner(migrated_url: str, app_test) -> None:
    at = app_test()
    at.context = {"url": "http://localhost:8501/"}
    at.run()
    assert not at.exception
    assert any("Local mode" in i.value for i in at.sidebar.info)
    assert "Signed in as local-admin@localhost (admin)" in [c.value for c in at.sidebar.caption]
    assert not any(b.key == "auth_sign_out" for b in at.sidebar.button)  # nobody to sign out
    at.switch_page("pages/settings/settings.py").run()
    assert [t.value for t in at.title] == ["Settings"]


def test_local_mode_in_app_test_ignores_a_url_naming_another_host(migrated_url: str, app_test) -> None:
    """The browser-reported URL is not an input: a network host name there changes nothing."""
    at = app_test()
    at.context = {"url": "http://10.1.2.3:8501/"}
    at.run()
    assert not at.exception
    assert any("Local mode" in i.value for i in at.sidebar.info)


@pytest.fixture
def through_a_proxy(monkeypatch):
    """This session's connection as the server would see it behind a loopback reverse proxy."""
    proxied = conn(headers=(*LOCAL, ("x-forwarded-for", "203.0.113.9")))
    monkeypatch.setattr("pages.components.auth.current_connection", lambda: proxied)


def test_local_mode_reached_through_a_proxy_shows_no_data(demo_url: str, app_test, through_a_proxy) -> None:
    at = app_test()
    at.context = {"url": "http://localhost:8501/"}  # what a rewritten client claims
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-in is not configured"]
    assert "x-forwarded-for" in at.error[0].value
    assert "[auth]" in at.markdown[0].value
    assert "PANTAU_ALLOW_UNAUTHENTICATED_NETWORK" in at.markdown[0].value
    assert not at.metric
    assert not at.dataframe
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/settings/settings.py")


def test_local_mode_from_another_machine_shows_no_data(demo_url: str, app_test, monkeypatch) -> None:
    monkeypatch.setattr("pages.components.auth.current_connection", lambda: conn(peer="10.1.2.3"))
    at = app_test()
    at.run()
    assert [t.value for t in at.title] == ["Sign-in is not configured"]
    assert "10.1.2.3" in at.error[0].value


def test_network_override_allows_local_mode_with_a_warning(
    demo_url: str, app_test, monkeypatch, through_a_proxy
) -> None:
    monkeypatch.setenv("PANTAU_ALLOW_UNAUTHENTICATED_NETWORK", "1")
    at = app_test()
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert "everyone who can reach this server is admin" in at.sidebar.warning[0].value


def test_language_choice_is_kept_in_the_session_in_local_mode(migrated_url: str, app_test) -> None:
    at = app_test()
    at.run()
    at.sidebar.selectbox(key="auth_language").select("id").run()
    assert at.session_state["language"] == "id"
    at.run()
    assert at.sidebar.selectbox(key="auth_language").value == "id"


def test_only_a_run_without_any_browser_is_unattended() -> None:
    """The script health check (no websocket client) may warm the server up; it is refused local mode all the same."""
    health_check = Connection(bind_address="127.0.0.1", peer=None)
    assert health_check.unattended
    assert "could not tell" in network_exposure(health_check)
    assert not conn().unattended
    assert not conn(peer=None).unattended  # a client whose address is unknown still sent headers
    assert not conn(peer=None, headers=(), in_process=True).unattended
