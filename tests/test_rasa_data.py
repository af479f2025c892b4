"""The training data and domain pass Rasa's own validator with no warning."""

from __future__ import annotations

import subprocess

from bot.services import rasa_env
from bot.settings import ROOT, get_settings


def test_rasa_data_validate_is_clean() -> None:
    rasa = get_settings().rasa_venv / "bin" / "rasa"
    result = subprocess.run(
        [str(rasa), "data", "validate", "--fail-on-warnings",
         "--data", "data/rasa", "--domain", "domain.yml", "--config", "config.yml"],
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
