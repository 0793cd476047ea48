"""The web shell's pages through Starlette's TestClient: fast, no browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from salescore.demo.selfservice import DEMO_PASSWORD
from salescore.errors import InvalidInputError
from webshell.app import create_app
from webshell.demo import DemoShell

SECRET = "a test secret of more than thirty-two characters"


@pytest.fixture
def client(demo_shell: DemoShell) -> Iterator[TestClient]:
    app = create_app(demo_shell.service, secret_key=SECRET)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def test_a_short_secret_key_is_refused_with_a_salescore_error(demo_shell: DemoShell) -> None:
    with pytest.raises(InvalidInputError, match="at least 32 characters"):
        create_app(demo_shell.service, secret_key="too short")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def post_login(client: TestClient, login: str, password: str = DEMO_PASSWORD) -> Any:
    """The login form posted with the CSRF token of a freshly loaded login page."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"csrf": token, "login": login, "password": password}, follow_redirects=False
    )


def log_in(client: TestClient, login: str) -> None:
    response = post_login(client, login)
    assert response.status_code == 303, response.text


def post_order(client: TestClient, products: list[str], quantities: list[str]) -> Any:
    """The new-order form, loaded and posted under Volga Kazan's agreement."""
    page = client.get("/orders/new")
    return client.post(
        "/orders/new",
        data={
            "csrf": csrf_of(page.text),
            "agreement": "IA-VOLGA-KZN",
            "product": products,
            "quantity": quantities,
        },
        follow_redirects=False,
    )


def test_a_page_asks_an_anonymous_visitor_to_log_in(client: TestClient) -> None:
    response = client.get("/orders", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/login")


def test_a_wrong_password_shows_the_facades_message_and_keeps_the_visitor_out(
    client: TestClient,
) -> None:
    response = post_login(client, "kzn", "not the password")
    assert response.status_code == 401
    assert "wrong login or password" in response.text.lower()
    assert client.get("/orders", follow_redirects=False).status_code == 303


def test_a_form_posted_without_the_sessions_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"csrf": "forged", "login": "kzn", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 403
    assert client.get("/orders", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_http_only_secure_and_same_site_strict(client: TestClient) -> None:
    response = client.get("/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-session=")
    assert "httponly" in cookie.lower()
    assert "secure" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert "path=/" in cookie.lower()


def test_every_page_carries_the_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_a_client_sees_its_orders_and_its_debt(client: TestClient, demo_shell: DemoShell) -> None:
    log_in(client, "kzn")
    orders = client.get("/orders")
    assert orders.status_code == 200
    assert demo_shell.demo.order_id in orders.text
    debt = client.get("/debt")
    assert debt.status_code == 200
    assert "VOLGA-KZN" in debt.text


def test_a_placed_order_opens_on_its_own_page_with_its_state(client: TestClient) -> None:
    log_in(client, "kzn")
    response = post_order(client, ["CM-100", "", ""], ["2", "", ""])
    assert response.status_code == 303, response.text
    order_page = client.get(response.headers["location"])
    assert order_page.status_code == 200
    assert 'id="state"' in order_page.text
    assert "CM-100" in order_page.text


def test_an_order_the_facade_refuses_shows_its_message_beside_the_form(client: TestClient) -> None:
    log_in(client, "kzn")
    response = post_order(client, ["NO-SUCH-PRODUCT"], ["1"])
    assert response.status_code in {404, 422}
    assert 'class="error"' in response.text
    assert "NO-SUCH-PRODUCT" in response.text  # the form keeps what was typed


def test_a_client_downloads_the_upd_of_its_shipment_as_pdf(
    client: TestClient, demo_shell: DemoShell
) -> None:
    log_in(client, "kzn")
    order_page = client.get(f"/orders/{demo_shell.demo.order_id}")
    assert f"/forms/upd/{demo_shell.demo.shipment_id}" in order_page.text
    response = client.get(f"/forms/upd/{demo_shell.demo.shipment_id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


def test_another_client_gets_not_found_for_the_first_ones_order_and_form(
    client: TestClient, demo_shell: DemoShell
) -> None:
    log_in(client, "cafe")
    order = client.get(f"/orders/{demo_shell.demo.order_id}")
    missing = client.get("/orders/ORG-1-2026-999999")
    assert order.status_code == missing.status_code == 404
    assert demo_shell.demo.order_id in order.text  # the facade's words, naming what was asked
    assert "VOLGA-KZN" not in order.text
    form = client.get(f"/forms/upd/{demo_shell.demo.shipment_id}")
    assert form.status_code == 404
    assert not form.content.startswith(b"%PDF")


def test_logging_out_ends_the_session(client: TestClient) -> None:
    log_in(client, "kzn")
    token = csrf_of(client.get("/orders").text)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/orders", follow_redirects=False).status_code == 303


def test_what_a_client_types_comes_back_escaped(client: TestClient) -> None:
    log_in(client, "kzn")
    response = post_order(client, ["<script>alert(1)</script>"], ["1"])
    assert response.status_code in {404, 422}
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_an_unknown_form_kind_is_refused_in_the_facades_words(
    client: TestClient, demo_shell: DemoShell
) -> None:
    log_in(client, "kzn")
    response = client.get(f"/forms/no-such-form/{demo_shell.demo.shipment_id}")
    assert response.status_code == 422
    assert 'class="error"' in response.text


def test_repeated_wrong_passwords_lock_the_login_with_429(client: TestClient) -> None:
    statuses = []
    for _ in range(7):
        statuses.append(post_login(client, "petrov", "wrong password!").status_code)
    assert statuses[0] == 401
    assert statuses[-1] == 429
    locked = post_login(client, "petrov")
    assert locked.status_code == 429  # even the right password waits out the lockout
