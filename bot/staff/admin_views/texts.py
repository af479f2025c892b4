"""The texts the bot says and its knowledge entries (案内文・よくある質問)."""

from __future__ import annotations

from wtforms.validators import Optional

from bot.catalog.models import (
    WardText,
)
from bot.staff.admin_views.shared import (
    CATALOG,
    StaffView,
    shortened,
    url_link,
    url_validator,
)


class WardTextAdmin(StaffView, model=WardText):
    """Texts by their titles; the key is how the program finds a text, so it is set once,
    when a text is made, and shown only on its details page. A text with example questions
    is a knowledge entry (よくある質問): general questions like them get its body."""

    name, name_plural, icon, category = (
        "案内文",
        "案内文・よくある質問",
        "fa-solid fa-comment",
        CATALOG,
    )
    column_list = [WardText.title, WardText.body, WardText.examples]
    column_details_list = [
        WardText.title,
        WardText.body,
        WardText.examples,
        WardText.url,
        WardText.key,
    ]
    column_labels = {
        WardText.key: "識別名（プログラム用。変えられません）",
        WardText.title: "内容",
        WardText.body: "本文",
        WardText.examples: "質問の例（1行に1つ）",
        WardText.url: "参考URL",
    }
    column_formatters = {WardText.body: shortened(60), WardText.examples: shortened(40)}
    column_formatters_detail = {WardText.url: url_link}
    form_create_rules = ["key", "title", "body", "examples", "url"]
    form_edit_rules = ["title", "body", "examples", "url"]
    form_args = {
        "key": {"description": "半角英字と _ で。例：spray_can_notice"},
        "body": {
            "description": "変えると、この本文の外国語訳は使われなくなり、外国語の質問には"
            "日本語で答えます（「翻訳」で訳し直せます）。"
        },
        "examples": {
            "description": (
                "この文章で答える住民の質問を1行に1つ。書くと「よくある質問」になり、"
                "似た質問に次のメッセージから答えます。"
            )
        },
        "url": {
            "description": "http:// か https:// で始まるURL。空ならリンクなし。",
            "validators": [Optional(), url_validator],
        },
    }
    form_widget_args = {"body": {"rows": 8}, "examples": {"rows": 8}}
    column_searchable_list = [WardText.title, WardText.body, WardText.examples]
    page_size = 25
