"""A table of handlers keyed by name: one handler per text command or card action id (a card
action's entry also says what it needs loaded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

H = TypeVar("H")


class Registry(Generic[H]):
    def __init__(self, kind: str) -> None:
        self._kind = kind
        self._handlers: dict[str, H] = {}

    def register(self, *names: str) -> Callable[[H], H]:
        """Decorator: route ``names`` (case-insensitive) to the decorated handler."""

        def decorate(handler: H) -> H:
            for name in names:
                key = name.lower()
                if key in self._handlers:
                    raise ValueError(f"{self._kind} {name!r} is registered twice")
                self._handlers[key] = handler
            return handler

        return decorate

    def get(self, name: str) -> H | None:
        return self._handlers.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._handlers

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)
