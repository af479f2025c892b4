"""The staff admin (/admin) as a clerk's browser uses it: the accounts of the admin tests'
catalog, the login, form posts with their CSRF token, and what a clerk must not read."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import Item
from bot.staff.accounts import Role, create_user
from bot.staff.audit import staff_sessionmaker

PASSWORD = "correct horse battery"
USERS = {"admin": Role.ADMIN, "editor": Role.EDITOR, "viewer": Role.VIEWER}
#: English a clerk must not meet (sqladmin's and wtforms' own words).
ENGLISH = [
    "Invalid credentials", "Forbidden", "Not a valid choice", ">All<", ">Search<",
    "Number of characters", "permanently delete", "None", "Toggle navigation",
]  # fmt: skip


def with_staff(url: str) -> None:
    """The accounts of :data:`USERS`, all with :data:`PASSWORD`."""
    sessions = staff_sessionmaker(url)
    with sessions() as session:
        for username, role in USERS.items():
            create_user(session, username, PASSWORD, role)
        session.commit()
    sessions.kw["bind"].dispose()


def csrf(page_html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page_html).group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    token = csrf(client.get("/admin/login").text)
    response = client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return response.status_code


def post(client: TestClient, path: str, data: dict, **kwargs) -> object:
    """A form post with the CSRF token of the page, as the browser sends it."""
    token = csrf(client.get("/admin/").text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def item_named(sessions: sessionmaker[Session], name: str) -> Item:
    with sessions() as session:
        return session.scalars(select(Item).where(Item.name == name)).one()


def edit_form(item: Item, **changes: str) -> dict[str, str]:
    fields = {
        "name": item.name,
        "reading": item.reading,
        "category": str(item.category_id),
        "notes": item.notes,
        "url": item.url or "",
        "save": "Save",
    }
    return {**fields, **changes}


def visible_text(html: str) -> str:
    """The page without scripts, styles and tags (attribute values dropped too)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)
