"""The start-up check of what :mod:`bot.rasa_launch` patches or relies on in Rasa.

A patch replaces a Rasa function that Rasa offers no hook for, and a hook class overrides
or calls a few of Rasa's private helpers; both are written against Rasa 3.6.21. A Rasa
whose function takes other parameters, or no longer has it, would be patched wrongly and
fail at some later message, or worse, answer. :func:`expect` is called before each patch
and by each hook class's module at start-up: Rasa stops at once with
:class:`RasaChangedError`, which names the patch and what changed. Standard library only,
so that the check is tested without Rasa.
"""

from __future__ import annotations

import inspect
from typing import Any


class RasaChangedError(RuntimeError):
    """What a patch of :mod:`bot.rasa_launch` relies on is not what this Rasa has."""


def parameters(function: Any) -> str:
    """``function``'s parameters by name and kind, as they are written, without
    annotations and defaults (a default may come from the environment, such as Rasa's
    lock lifetime): ``(self, message, *args, key, **kwargs)``."""
    names: list[str] = []
    starred = False
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            names.append(f"*{parameter.name}")
            starred = True
        elif parameter.kind is parameter.VAR_KEYWORD:
            names.append(f"**{parameter.name}")
        else:
            if parameter.kind is parameter.KEYWORD_ONLY and not starred:
                names.append("*")
                starred = True
            names.append(parameter.name)
    return f"({', '.join(names)})"


def expect(patch: str, owner: Any, name: str, expected: str) -> Any:
    """``owner.name`` as it is defined on ``owner`` (a ``classmethod``'s or
    ``staticmethod``'s function itself, to be called with the class), after checking
    that it exists and takes the parameters ``expected`` (as :func:`parameters` writes
    them); ``patch`` names the module that relies on it. :class:`RasaChangedError`
    otherwise."""
    where = f"{getattr(owner, '__module__', '?')}.{getattr(owner, '__qualname__', owner)}.{name}"
    try:
        found = inspect.getattr_static(owner, name)
    except AttributeError:
        raise RasaChangedError(
            f"{patch} relies on Rasa's {where}{expected}, which this Rasa does not have; "
            f"{patch} was written for Rasa 3.6.21: read its docstring and adapt it"
        ) from None
    function = getattr(found, "__func__", found)
    actual = parameters(function)
    if actual != expected:
        raise RasaChangedError(
            f"{patch} relies on Rasa's {where}{expected}, but this Rasa's takes {actual}; "
            f"{patch} was written for Rasa 3.6.21: read its docstring and adapt it"
        )
    return function
