"""Mounting the staff admin at /admin (sqladmin, in Japanese)."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from fastapi import FastAPI
from sqladmin import Admin
from sqladmin.i18n import I18nConfig
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.catalog.loader import LiveCatalog
from bot.settings import Settings
from bot.staff.admin_pages import PAGES
from bot.staff.admin_views import VIEWS, tokyo_time
from bot.staff.web_auth import RoleAuthorization, StaffAuth

logger = logging.getLogger(__name__)

BASE_URL = "/admin"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

#: The primary keys' names, as a details page heads itself.
PRIMARY_KEY_LABELS = {"id": "番号", "key": "識別名"}


def mount_admin(app: FastAPI, settings: Settings, sessions: sessionmaker[Session]) -> Admin:
    """Add /admin to ``app``; ``sessions`` must be audited (``staff_sessionmaker``)."""
    if settings.session_secret is None:
        logger.warning(
            "NAKANO_BOT_SESSION_SECRET is not set: staff logins end when the app restarts"
        )
        secret = secrets.token_urlsafe(48)
    else:
        secret = settings.session_secret.get_secret_value()
    admin = Admin(
        app,
        session_maker=sessions,
        base_url=BASE_URL,
        title="ごみ分別チャット 管理",
        templates_dir=str(TEMPLATES),
        authentication_backend=StaffAuth(
            sessions, secret, https_only=settings.admin_https_only, path=BASE_URL
        ),
        authorization_backend=RoleAuthorization(),
        i18n_config=I18nConfig(
            default_locale="ja", language_cookie_name=None, language_header_name=None
        ),
    )
    admin.admin.router.routes.insert(
        0, Mount("/staff-statics", app=StaticFiles(directory=STATIC), name="staff-statics")
    )
    admin.templates.env.filters["tokyo_time"] = tokyo_time
    # sqladmin's details page heads itself with ``pk.name | title`` ("Id: 5"), its one use
    # of the filter: the key's name in Japanese instead.
    admin.templates.env.filters["title"] = lambda name: PRIMARY_KEY_LABELS.get(name, name)
    # sqladmin keeps its wiring on the view classes; a subclass per app keeps two apps in
    # one process (the tests) from sharing a database by accident.
    for view in VIEWS:
        admin.add_view(type(view.__name__, (view,), {}))
    catalog = LiveCatalog(sessions)
    for page in PAGES:
        wired = {"sessions": sessions, "catalog": catalog, "upload_dir": settings.upload_dir}
        admin.add_base_view(type(page.__name__, (page,), wired))
    return admin
