"""The training data and domain pass Rasa's own validator with no warning."""

from __future__ import annotations

from bot.services import rasa_env
from tests.support.rasa_python import RASA_COMMAND, RasaPython


def test_rasa_data_validate_is_clean(rasa_python: RasaPython) -> None:
    result = rasa_python.run(
        RASA_COMMAND, "data", "validate", "--fail-on-warnings",
        "--data", "data/rasa", "--domain", "domain.yml", "--config", "config.yml",
        env=rasa_env(), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
