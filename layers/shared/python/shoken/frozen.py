"""Frozen value classes for the modules every cold start imports, without a dataclass's import cost.

`@dataclass` writes each class's methods as source and compiles them when its module is imported:
0.5-1 ms a class in Python 3.13, and the payment function imported a score of them (issue 19). A
class here names its fields in `__slots__` and writes its own `__init__` (each field set with
`set_field`, as a frozen dataclass's does); `Frozen` gives it the rest of what `@dataclass(frozen=True)`
gave: equality and hash by field values, a repr naming them, no assignment after construction,
and `replace()` in place of `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, Self

# How a frozen class's __init__ sets a field (its own __setattr__ refuses).
set_field = object.__setattr__


class Frozen:
    __slots__: tuple[str, ...] = ()  # each subclass: its fields, in order

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (field name -> value), as dataclasses.replace made."""
        unknown = set(changes) - set(self.__slots__)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(**{name: changes.get(name, getattr(self, name)) for name in self.__slots__})
