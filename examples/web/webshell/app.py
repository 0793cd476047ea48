"""The reference web shell: a client's orders, debt and printed forms over HTTP.

Every page calls :class:`salescore.app.selfservice.SelfService` and shows what it
returns; the shell holds no business rule. What it adds is only what a web
application must: a session cookie holding the facade's token, a CSRF token on
every form, security headers, and the mapping of salescore errors to HTTP
statuses (the message shown is the facade's own).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salescore.app.selfservice import SelfService
from salescore.errors import (
    AccessDeniedError,
    AuthenticationError,
    ConcurrencyError,
    ConflictError,
    InvalidInputError,
    LoginThrottledError,
    NotFoundError,
    RuleViolationError,
    SalescoreError,
)
from salescore.selfservice import Principal

__all__ = ["STATUS", "create_app", "status_of"]

HERE = Path(__file__).parent

#: salescore error classes to HTTP statuses; the first class that matches wins
#: (subclasses first: a throttled login is an authentication error too).
STATUS: tuple[tuple[type[SalescoreError], int], ...] = (
    (LoginThrottledError, 429),
    (AuthenticationError, 401),
    (AccessDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (ConcurrencyError, 409),
    (RuleViolationError, 422),
    (InvalidInputError, 422),
    (SalescoreError, 500),
)

#: How many product lines the order form offers (a layout choice, not a limit).
ORDER_FORM_LINES = 3

_SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


_Page = Callable[[Request, Principal], Awaitable[Response]]


def _attachment(filename: str) -> str:
    """A Content-Disposition for a download; RFC 6266's ``filename*`` when not plain ASCII."""
    quoted = quote(filename)
    if quoted == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename*=utf-8''{quoted}"


def status_of(error: SalescoreError) -> int:
    """The HTTP status for a salescore error."""
    return next(status for kind, status in STATUS if isinstance(error, kind))


class _SecurityHeaders:
    """Adds the security headers to every response (a pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in _SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    service: SelfService,
    *,
    secret_key: str,
    secure_cookies: bool = True,
    session_max_age: int = 8 * 3600,
) -> Starlette:
    """The shell as an ASGI application.

    Args:
        service: the facade every page calls.
        secret_key: signs the session cookie (keep it secret; at least 32 characters).
        secure_cookies: send the cookie over HTTPS only; turn off only for a local
            demo on plain HTTP.
        session_max_age: the cookie's lifetime in seconds; the facade's token
            expires on its own schedule, whichever comes first ends the session.

    Raises:
        InvalidInputError: ``secret_key`` is shorter than 32 characters.
    """
    if len(secret_key) < 32:
        raise InvalidInputError(
            "secret_key: give at least 32 characters (secrets.token_urlsafe(32))"
        )
    templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html

    def address(request: Request) -> str:
        return request.client.host if request.client else ""

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(32)
            request.session["csrf"] = token
        return token

    async def checked_form(request: Request) -> FormData:
        """The posted form, after its CSRF token was compared with the session's."""
        form = await request.form()
        sent = form.get("csrf")
        expected = request.session.get("csrf")
        if not (
            isinstance(sent, str)
            and isinstance(expected, str)
            and secrets.compare_digest(sent, expected)
        ):
            raise HTTPException(
                403, "The form has expired or was not sent by this site: reload it."
            )
        return form

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        context.setdefault("principal", None)
        context["csrf"] = csrf_token(request)
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    async def principal_of(request: Request) -> Principal | None:
        token = request.session.get("token")
        if not isinstance(token, str):
            return None
        try:
            return await run_in_threadpool(service.authenticate, token)
        except AuthenticationError:
            request.session.pop("token", None)
            return None

    def signed_in(page: _Page) -> Callable[[Request], Awaitable[Response]]:
        """Run ``page`` for a signed-in principal; show a salescore error as its page."""

        async def endpoint(request: Request) -> Response:
            principal = await principal_of(request)
            if principal is None:
                return RedirectResponse(request.url_for("login"), status_code=303)
            try:
                return await page(request, principal)
            except SalescoreError as error:
                if isinstance(error, AuthenticationError):
                    request.session.pop("token", None)
                    return RedirectResponse(request.url_for("login"), status_code=303)
                return render(
                    request,
                    "error.html",
                    status_of(error),
                    principal=principal,
                    message=str(error),
                    code=error.code,
                )

        return endpoint

    async def home(request: Request) -> Response:
        return RedirectResponse(request.url_for("orders"), status_code=303)

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return render(request, "login.html", login="", message=None)
        form = await checked_form(request)
        name, password = str(form.get("login", "")), str(form.get("password", ""))
        try:
            result = await run_in_threadpool(
                service.login, name, password, address=address(request)
            )
        except AuthenticationError as error:
            return render(request, "login.html", status_of(error), login=name, message=str(error))
        request.session.clear()  # a fresh session (and CSRF token) at each login
        request.session["token"] = result.token
        return RedirectResponse(request.url_for("orders"), status_code=303)

    async def logout(request: Request) -> Response:
        await checked_form(request)
        token = request.session.get("token")
        if isinstance(token, str):
            with contextlib.suppress(AuthenticationError):  # already ended: the cookie goes
                await run_in_threadpool(service.logout, token, address=address(request))
        request.session.clear()
        return RedirectResponse(request.url_for("login"), status_code=303)

    async def orders(request: Request, principal: Principal) -> Response:
        return render(
            request,
            "orders.html",
            principal=principal,
            orders=await run_in_threadpool(service.list_orders, principal),
        )

    async def order(request: Request, principal: Principal) -> Response:
        view = await run_in_threadpool(
            service.get_order, principal, request.path_params["order_id"]
        )
        return render(request, "order.html", principal=principal, view=view)

    async def order_form(
        request: Request,
        principal: Principal,
        lines: list[tuple[str, str]],
        chosen: str,
        error: SalescoreError | None,
    ) -> Response:
        """The new-order form: empty, or as posted with the facade's refusal."""
        agreements = await run_in_threadpool(service.list_agreements, principal)
        return render(
            request,
            "new_order.html",
            200 if error is None else status_of(error),
            principal=principal,
            agreements=agreements,
            lines=lines + [("", "")] * max(0, ORDER_FORM_LINES - len(lines)),
            chosen=chosen,
            message=None if error is None else str(error),
        )

    async def new_order(request: Request, principal: Principal) -> Response:
        if request.method == "GET":
            return await order_form(request, principal, [], "", None)
        form = await checked_form(request)
        products = [str(p).strip() for p in form.getlist("product")]
        quantities = [str(q).strip() for q in form.getlist("quantity")]
        lines = [(p, q) for p, q in zip(products, quantities, strict=False) if p or q]
        chosen = str(form.get("agreement", ""))
        try:
            placed = await run_in_threadpool(
                service.place_order, principal, chosen, lines, address=address(request)
            )
        except (InvalidInputError, RuleViolationError, NotFoundError) as error:
            return await order_form(request, principal, lines, chosen, error)
        return RedirectResponse(request.url_for("order", order_id=placed.id), status_code=303)

    async def debt(request: Request, principal: Principal) -> Response:
        return render(
            request,
            "debt.html",
            principal=principal,
            debt=await run_in_threadpool(service.my_debt, principal),
        )

    async def form(request: Request, principal: Principal) -> Response:
        printed = await run_in_threadpool(
            service.get_form,
            principal,
            request.path_params["document_id"],
            kind=request.path_params["kind"],
        )
        return Response(
            printed.content,
            media_type=printed.media_type,
            headers={"content-disposition": _attachment(printed.filename)},
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return render(request, "error.html", exc.status_code, message=exc.detail, code="http")

    routes = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"], name="login"),
        Route("/logout", logout, methods=["POST"], name="logout"),
        Route("/orders", signed_in(orders), name="orders"),
        Route("/orders/new", signed_in(new_order), methods=["GET", "POST"], name="new_order"),
        Route("/orders/{order_id}", signed_in(order), name="order"),
        Route("/debt", signed_in(debt), name="debt"),
        Route("/forms/{kind}/{document_id}", signed_in(form), name="form"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(_SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key,
            session_cookie="__Host-session" if secure_cookies else "session",
            max_age=session_max_age,
            same_site="strict",
            https_only=secure_cookies,
        ),
    ]
    return Starlette(
        routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error}
    )
