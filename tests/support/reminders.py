"""LINE reminders in a catalog: the categories the tests name, the areas and categories by
name, and a friend's stored subscription."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.catalog.models import Area, Category, ReminderSubscription

BURNABLE = "燃やすごみ"
CERAMICS = "陶器・ガラス・金属ごみ"


def area_named(catalog_sessions: sessionmaker[Session], town: str, chome: int) -> Area:
    with catalog_sessions() as session:
        areas = session.scalars(select(Area).where(Area.town == town)).all()
        return next(a for a in areas if chome in a.chome)


def category_id(catalog_sessions: sessionmaker[Session], name: str) -> int:
    with catalog_sessions() as session:
        return session.scalars(select(Category.id).where(Category.name == name)).one()


def stored(catalog_sessions: sessionmaker[Session], user_id: str) -> ReminderSubscription | None:
    with catalog_sessions() as session:
        return session.get(ReminderSubscription, user_id)
