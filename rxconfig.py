import os

import reflex as rx

from crm_app.settings import db_url

_port = int(os.environ.get("RAPPORT_PORT", "3000"))

config = rx.Config(
    app_name="crm_app",
    db_url=db_url(),
    frontend_port=_port,
    backend_port=_port,
    show_built_with_reflex=False,
    telemetry_enabled=False,
    disable_plugins=[rx.plugins.sitemap.SitemapPlugin],
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="indigo", gray_color="slate", radius="large", scaling="100%"
            ),
        ),
    ],
)
