"""The public campaign links: open pixel, click redirect and unsubscribe (no login).

Each is an entry point from the internet (listed in ``crm_app.api.PUBLIC_ROUTES``): a token
that is malformed, forged or unknown gets a 404 with a plain message (the pixel: still a
GIF, so mail clients show nothing odd), never a 500; each client is rate-limited (429).
The rules behind them are in ``crm_app.services.campaigns.tracking``.
"""

from __future__ import annotations

import base64
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from crm_app.db import session_scope
from crm_app.services import app_settings
from crm_app.services.campaigns import tracking
from crm_app.services.i18n import N_, gettext, is_rtl, normalize

# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
NOT_FOUND = N_("This link is not valid. Check that you copied all of it.")
TOO_MANY = N_("Too many attempts. Please try again later.")
TITLE = N_("Unsubscribe")
ASK = N_("Stop receiving our campaign e-mails at {email}?")
CONFIRM = N_("Unsubscribe")
DONE = N_("You are unsubscribed: {email} will get no more campaign e-mails from us.")


def _client(request: Request) -> str:
    return (request.client.host if request.client else "") or "unknown"


def _gif(status: int = 200) -> Response:
    return Response(PIXEL, status_code=status, media_type="image/gif", headers=NO_STORE)


async def open_pixel(request: Request) -> Response:
    token = str(request.path_params.get("token", ""))
    with session_scope() as session:
        if not tracking.allow_tracking(session, _client(request)):
            return _gif(429)
        found = tracking.record_open(session, token)
    return _gif(200 if found else 404)


async def click(request: Request) -> Response:
    token = str(request.path_params.get("token", ""))
    with session_scope() as session:
        locale = app_settings.get(session, "default_locale")
        if not tracking.allow_tracking(session, _client(request)):
            return PlainTextResponse(gettext(TOO_MANY, locale), 429, headers=NO_STORE)
        url = tracking.record_click(session, token)
    if url is None:
        return PlainTextResponse(gettext(NOT_FOUND, locale), 404, headers=NO_STORE)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


def _page(locale: str, body: str, status: int = 200) -> HTMLResponse:
    direction = "rtl" if is_rtl(locale) else "ltr"
    title = html.escape(gettext(TITLE, locale))
    page = (
        f'<!DOCTYPE html><html lang="{html.escape(locale)}" dir="{direction}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;"
        "margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem}"
        f"</style></head><body><h1>{title}</h1>{body}</body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=NO_STORE)


async def unsubscribe(request: Request) -> Response:
    """GET shows a confirm button (a link scanner must not unsubscribe anybody); POST — the
    button, or a mail client's RFC 8058 one-click — unsubscribes."""
    token = str(request.path_params.get("token", ""))
    with session_scope() as session:
        locale = str(app_settings.get(session, "default_locale") or "en")
        if not tracking.allow_unsubscribe(session, _client(request)):
            return _page(locale, f"<p>{html.escape(gettext(TOO_MANY, locale))}</p>", 429)
        info = tracking.unsubscribe_info(session, token)
        if info is None:
            return _page(locale, f"<p>{html.escape(gettext(NOT_FOUND, locale))}</p>", 404)
        # In the person's own language when we know it.
        locale = normalize(info.language) if info.language else locale
        if request.method == "POST":
            tracking.unsubscribe(session, token)
            info = tracking.UnsubscribeInfo(info.email, True, info.language)
    email = html.escape(info.email)
    if info.done:
        return _page(
            locale, f"<p>{html.escape(gettext(DONE, locale)).replace('{email}', email)}</p>"
        )
    ask = html.escape(gettext(ASK, locale)).replace("{email}", email)
    button = html.escape(gettext(CONFIRM, locale))
    return _page(
        locale,
        f'<p>{ask}</p><form method="post"><button type="submit">{button}</button></form>',
    )


ROUTES = [
    Route("/t/o/{token}.gif", open_pixel, methods=["GET"]),
    Route("/t/c/{token}", click, methods=["GET"]),
    Route("/u/{token}", unsubscribe, methods=["GET", "POST"]),
]
