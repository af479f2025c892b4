"""The questions the bot could not answer (答えられなかった質問), most asked first."""

from __future__ import annotations

from markupsafe import Markup
from sqladmin.filters import (
    StaticValuesFilter,
)

from bot.catalog.models import (
    UnansweredQuestion,
)
from bot.staff.admin_views.shared import (
    LANGUAGE_CHOICES,
    RESIDENTS,
    NormalizedSearch,
    StaffView,
    language_in_words,
)


class UnansweredAdmin(NormalizedSearch, StaffView, model=UnansweredQuestion):
    name, name_plural, icon, category = (
        "答えられなかった質問",
        "答えられなかった質問",
        "fa-solid fa-circle-question",
        RESIDENTS,
    )
    can_create = False
    can_edit = False
    column_list = [
        UnansweredQuestion.text,
        UnansweredQuestion.language,
        UnansweredQuestion.count,
        UnansweredQuestion.first_seen,
        UnansweredQuestion.last_seen,
    ]
    column_labels = {
        UnansweredQuestion.text: "質問",
        UnansweredQuestion.language: "言語",
        UnansweredQuestion.normalized: "正規化した質問",
        UnansweredQuestion.count: "回数",
        UnansweredQuestion.first_seen: "最初",
        UnansweredQuestion.last_seen: "最後",
    }
    column_formatters = {
        UnansweredQuestion.text: lambda m, a: Markup('<a href="../resolve/{}">{}</a>').format(
            m.id, m.text
        ),
        UnansweredQuestion.language: language_in_words,
    }
    column_formatters_detail = {UnansweredQuestion.language: language_in_words}
    column_searchable_list = [UnansweredQuestion.text, UnansweredQuestion.normalized]
    column_sortable_list = [
        UnansweredQuestion.count,
        UnansweredQuestion.last_seen,
        UnansweredQuestion.language,
    ]
    column_filters = [
        StaticValuesFilter(UnansweredQuestion.language, LANGUAGE_CHOICES, title="言語")
    ]
    column_default_sort = [(UnansweredQuestion.count, True)]
    page_size = 25
