"""The action server's answer, validated with a validator made once.

``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which first checks the
(constant) response schema against the draft 2020-12 meta-schema on every call: a large
share of Rasa's time per message (docs/BENCHMARKS.md), for a check whose answer never
changes, where validating the action server's answer itself is cheap. The same schema is
checked with the same error (the best match, as ``jsonschema.validate`` raises).

Why a patch: Rasa 3.6 has no hook for how it calls an action server. ``RemoteAction`` is
made by Rasa for every custom action of the domain; the endpoints file only gives it the
action server's address.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.rasa_launch.patching import expect


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    """The validator of Rasa's action response schema, the schema checked once."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    # Rasa's own method with ``jsonschema.validate(result, schema)`` replaced by the
    # validator made once: ``validate`` is ``check_schema`` + ``best_match(iter_errors)``.
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    from rasa.core.actions.action import RemoteAction

    expect(__name__, RemoteAction, "_validate_action_result", "(self, result)")
    expect(__name__, RemoteAction, "action_response_format_spec", "()")
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
