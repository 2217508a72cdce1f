"""Security headers, language choice and error pages."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.web import FormClient
from wallet.models import User


def test_every_page_carries_a_csp_without_inline_script(client: FormClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_session_cookie_is_http_only_and_same_site(
    client: FormClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    response = client.submit("/login", {"email": user.email, "password": "correct horse battery"})
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_language_follows_accept_language_then_choice(client: FormClient) -> None:
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Log in to Plecak" in english.get_data(as_text=True)
    polish = client.get("/login", headers={"Accept-Language": "pl"})
    assert "Zaloguj się do Plecaka" in polish.get_data(as_text=True)
    client.submit("/language", {"language": "pl", "next": "/login"})
    chosen = client.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="pl">' in chosen.get_data(as_text=True)


def test_unknown_page_gets_a_translated_404(client: FormClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert "nie istnieje" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client: FormClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "http_404"
