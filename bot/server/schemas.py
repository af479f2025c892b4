"""The public chat contract ("The chat API" in README.md); clients depend on it, so keep it
stable."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

SENDER_ID_PATTERN = r"^[A-Za-z0-9_\-:.]{1,64}$"


class ChatRequest(BaseModel):
    sender_id: str = Field(
        pattern=SENDER_ID_PATTERN,
        description="1–64 characters of A-Z a-z 0-9 _ - : . naming the conversation.",
        examples=["resident-42"],
    )
    text: str = Field(
        min_length=1,
        max_length=500,
        description="What the resident typed, or a button's payload.",
        examples=["スプレー缶は何ごみ？"],
    )

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class Button(BaseModel):
    title: str
    payload: str


class Link(BaseModel):
    title: str = Field(description="What the link is, in the resident's language")
    url: str = Field(
        description="An https (or http) address, or a webcal one for a calendar app to "
        "subscribe to",
        examples=["https://BOT-HOST/api/calendar.ics?area=%E9%87%8E%E6%96%B93%E4%B8%81%E7%9B%AE"],
    )


class ChatMessage(BaseModel):
    text: str
    buttons: list[Button] = Field(default_factory=list)
    links: list[Link] = Field(
        default_factory=list,
        description="Links to open, not to send as text (a schedule answer's calendar "
        "feed). Optional and always present, empty when there are none: clients that "
        "do not know it ignore it.",
    )


class ChatResponse(BaseModel):
    messages: list[ChatMessage]


class HealthReport(BaseModel):
    status: str = Field(description="ok when every component answers, else unavailable")
    components: dict[str, str] = Field(description="each component: ok or down")
