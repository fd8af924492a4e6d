"""Local mode: one admin with a banner on this machine; refused on a network unless explicitly allowed."""

from __future__ import annotations

import pytest

from pages.components.auth import is_loopback, network_exposure


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "app.localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "", None, "10.0.0.5", "192.168.1.2", "::", "pantau.example.com"])
def test_network_hosts(host) -> None:
    assert not is_loopback(host)


def test_network_exposure_reads_the_bind_address_and_the_browser_host() -> None:
    assert network_exposure("127.0.0.1", "http://localhost:8501/") is None
    assert network_exposure("127.0.0.1", None) is None
    assert "0.0.0.0" in network_exposure("0.0.0.0", "http://localhost:8501/")
    assert "every network interface" in network_exposure(None, None)
    assert "pantau.example.com" in network_exposure("127.0.0.1", "https://pantau.example.com/overview")


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


def test_local_mode_reached_through_a_network_host_shows_no_data(demo_url: str, app_test) -> None:
    at = app_test()
    at.context = {"url": "http://10.1.2.3:8501/"}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-in is not configured"]
    assert "10.1.2.3" in at.error[0].value
    assert "[auth]" in at.markdown[0].value
    assert "PANTAU_ALLOW_UNAUTHENTICATED_NETWORK" in at.markdown[0].value
    assert not at.metric
    assert not at.dataframe
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/overview/overview.py")


def test_network_override_allows_local_mode_with_a_warning(demo_url: str, app_test, monkeypatch) -> None:
    monkeypatch.setenv("PANTAU_ALLOW_UNAUTHENTICATED_NETWORK", "1")
    at = app_test()
    at.context = {"url": "http://10.1.2.3:8501/"}
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
