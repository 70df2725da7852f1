import reflex as rx

from crm_app import models  # noqa: F401


def index() -> rx.Component:
    return rx.text("Rapport")


app = rx.App()
app.add_page(index)
