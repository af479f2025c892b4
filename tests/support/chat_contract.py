"""The chat contract as a client written before ``links`` was added reads an answer
(``{"messages": [{"text", "buttons": [{"title", "payload"}]}]}``), and an area's calendar
feed as the bot links it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: 野方3丁目's calendar feed, as a schedule answer links it.
FEED = "/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE"


class OldButton(BaseModel):
    title: str
    payload: str


class OldMessage(BaseModel):
    """A message as a client written against the contract before ``links`` reads it."""

    model_config = ConfigDict(extra="ignore")
    text: str
    buttons: list[OldButton]


class OldResponse(BaseModel):
    messages: list[OldMessage]
