"""HTTP routes beside the Reflex app: authenticated file downloads, and the public campaign
links (open pixel, click redirect, unsubscribe; see api_campaigns.py and ``PUBLIC_ROUTES``).

Reflex's own ``/_upload`` folder is served to anyone who knows a file's name; exports of
customer data must not be, so they are served here, to the signed-in owner only.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from crm_app import api_campaigns
from crm_app.db import session_scope
from crm_app.services import auth, downloads

SESSION_COOKIE = "rapport_session"


async def download(request: Request) -> Response:
    token = request.path_params.get("token", "")
    with session_scope() as session:
        user = auth.resolve(session, request.cookies.get(SESSION_COOKIE, ""))
    found = downloads.find(token, user.id) if user is not None else None
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    return FileResponse(
        found.path,
        filename=found.filename,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


# Routes anyone may call without a session. Each has its own validation and rate-limit tests
# (tests/unit/test_public_routes.py); adding one here means adding those tests too.
PUBLIC_ROUTES = frozenset({"/t/o/{token}.gif", "/t/c/{token}", "/u/{token}"})
# The others check the session cookie themselves.
SIGNED_IN_ROUTES = frozenset({"/api/downloads/{token}"})

api = Starlette(
    routes=[Route("/api/downloads/{token}", download, methods=["GET"]), *api_campaigns.ROUTES]
)
