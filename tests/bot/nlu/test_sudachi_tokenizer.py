"""The Rasa tokenizer component, run in the Rasa environment with the real Rasa and Sudachi."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import sudachidict_core

from bot.services import rasa_env
from bot.settings import ROOT
from tests.support.rasa_python import RasaPython

SCRIPT = r"""
import json, sys
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.nlu.constants import TOKENS_NAMES
from bot.nlu.sudachi_tokenizer import SudachiTokenizer

out = []
for config, texts in json.loads(sys.stdin.read()):
    tokenizer = SudachiTokenizer({**SudachiTokenizer.get_default_config(), **config})
    results = []
    for text in texts:
        message = Message.build(text=text, intent="ask_item")
        tokenizer.process([message])
        tokens = message.get(TOKENS_NAMES["text"])
        intent_tokens = [t.text for t in tokenizer._split_name(message, "intent")]
        results.append({
            "tokens": [[t.text, t.start, t.end, t.lemma, t.get("pos")] for t in tokens],
            "intent": intent_tokens,
        })
    out.append(results)
print(json.dumps(out, ensure_ascii=False))
"""


def tokenize(
    rasa_python: RasaPython, jobs: list[tuple[dict[str, object], list[str]]]
) -> list[list[dict]]:
    """Each job's texts tokenized with the job's config, in one Rasa process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    result = rasa_python.run(SCRIPT, input=json.dumps(jobs), env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


TRICKY = [
    "スプレー缶は何ごみ？",
    " ﾏｯﾄﾚｽを捨てたい ",
    "ノートPCと😀ＬＡＮケーブル",
    "ホットプレ－トはー？",
    "ぺっとぼとるってどうやって捨てるの？",
    "中野区中央4-20-1です",
    "ｶﾞｽｺﾝﾛ\u3000と　アイロン台",
]


FOREIGN = ["How do I throw away 2 old Kettles?", "우산은 어떻게 버려요?", "旧手机怎么处理？"]
#: What each test reads, tokenized in one process: (config, texts).
JOBS = {
    "tricky": ({}, TRICKY),
    "mode_a": ({"split_mode": "A"}, ["スプレー缶"]),
    "mode_c": ({}, ["スプレー缶"]),
    "intent_split": ({"intent_tokenization_flag": True}, ["x"]),
    "foreign": ({}, FOREIGN),
}


@pytest.fixture(scope="module")
def results(rasa_python: RasaPython) -> dict[str, list[dict]]:
    return dict(zip(JOBS, tokenize(rasa_python, list(JOBS.values())), strict=True))


@pytest.fixture(scope="module")
def tokenized(results: dict[str, list[dict]]) -> list[dict]:
    return results["tricky"]


def test_offsets_index_the_original_text(tokenized: list[dict]) -> None:
    for text, result in zip(TRICKY, tokenized, strict=True):
        assert result["tokens"], text
        for token_text, start, end, _lemma, _pos in result["tokens"]:
            assert text[start:end] == token_text


def test_no_whitespace_tokens_and_order(tokenized: list[dict]) -> None:
    for result in tokenized:
        starts = [t[1] for t in result["tokens"]]
        assert starts == sorted(starts)
        assert all(t[0].strip() for t in result["tokens"])


def test_lemma_is_sudachi_normalized_form(tokenized: list[dict]) -> None:
    by_text = {t[0]: t for r in tokenized for t in r["tokens"]}
    assert by_text["ﾏｯﾄﾚｽ"][3] == "マットレス"
    assert by_text["捨て"][3] == "捨てる"
    assert by_text["ホットプレ－ト"][3] == "ホットプレート"
    assert by_text["スプレー缶"][4] == "名詞"


def test_split_mode_is_configurable(results: dict[str, list[dict]]) -> None:
    [mode_a], [mode_c] = results["mode_a"], results["mode_c"]
    assert [t[0] for t in mode_c["tokens"]] == ["スプレー缶"]
    assert [t[0] for t in mode_a["tokens"]] == ["スプレー", "缶"]


def test_intent_names_follow_rasa_conventions(results: dict[str, list[dict]]) -> None:
    [plain], [split] = results["mode_c"], results["intent_split"]
    assert plain["intent"] == ["ask_item"]
    assert split["intent"] == ["ask", "item"]


def test_latin_and_hangul_text_is_cut_into_words(results: dict[str, list[dict]]) -> None:
    """English and Korean come as words (at their spaces, punctuation apart), with their
    offsets in the original; an English word's lemma is itself in lower case, not the
    katakana reading Sudachi gives it (「throw」 is not 「スロー」)."""
    english, korean, chinese = results["foreign"]
    for text, result in zip(FOREIGN, (english, korean, chinese), strict=True):
        for token_text, start, end, _lemma, _pos in result["tokens"]:
            assert text[start:end] == token_text
    assert [t[0] for t in english["tokens"]] == [
        "How", "do", "I", "throw", "away", "2", "old", "Kettles", "?",
    ]  # fmt: skip
    assert [t[3] for t in english["tokens"][:4]] == ["how", "do", "i", "throw"]
    assert [t[0] for t in korean["tokens"]] == ["우산은", "어떻게", "버려요", "?"]
    assert "怎么" in [t[0] for t in chinese["tokens"]]


MAPPED_DICTIONARY = r"""
import json
from bot.nlu.sudachi_tokenizer import SudachiTokenizer

SudachiTokenizer(SudachiTokenizer.get_default_config())
with open("/proc/self/maps") as maps:
    print(json.dumps(sorted({line.split()[-1] for line in maps if "system.dic" in line})))
"""


def test_rasa_maps_the_dictionary_file_of_the_app(rasa_python: RasaPython) -> None:
    """The Rasa server's environment has its own copy of the dictionary; started as the bot
    starts it, it maps the app's copy, which the action server maps too, so the operating
    system keeps one copy of the 200 MB in memory."""
    result = rasa_python.run(MAPPED_DICTIONARY, env=rasa_env(), check=True)
    mapped = json.loads(result.stdout.strip().splitlines()[-1])
    app_copy = Path(sudachidict_core.__file__).parent / "resources" / "system.dic"
    assert mapped == [str(app_copy)]
