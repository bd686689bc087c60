"""Light models: the payment function's request and response shapes and every function's settings,
checked without importing pydantic (issue 19: pydantic was a third of the payment's cold import).

A Model declares its fields as a dataclass does (`name: type = field(...)`); nothing is compiled at
import. Two ways in:

- `parse(data)`: a JSON request body, strictly. Numbers are JSON integers only (never `true`,
  "1000" or 1000.0), text is text, each constraint is checked as pydantic checks it, and a failure
  raises Invalid with pydantic's own error entries (type, loc, msg, ctx), so an answer's `reason`
  and `reason_ja` are those a pydantic model gives. `pydantic_model()` builds that pydantic model
  from the same declaration: the OpenAPI document is made from it, and the tests compare the two
  validators input by input (tests/unit/test_strict.py).
- `model_validate(mapping)`: settings from an environment, where every value is text
  (`"30"` → 30, `"false"` → False), with the model's @check functions run after the fields.

This module also holds what every request's edge shares and needs no pydantic: the Japanese reason
of a validation error, the body limits and the nesting check (shoken.validation re-exports them).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal, Self, dataclass_transform

_MISSING: Any = object()


class Invalid(ValueError):
    """Input that does not fit a model; `errors()` are entries shaped as pydantic's."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


class Field:
    """One declared field: its default, the name it has in an environment, and its constraints."""

    __slots__ = ("alias", "default", "ge", "gt", "le", "max_length", "min_length", "name", "pattern", "regex")

    def __init__(
        self,
        default: Any = _MISSING,
        *,
        env: str | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        ge: float | None = None,
        gt: float | None = None,
        le: float | None = None,
    ) -> None:
        self.name = ""
        self.default, self.alias = default, env
        self.min_length, self.max_length, self.pattern = min_length, max_length, pattern
        self.ge, self.gt, self.le = ge, gt, le
        self.regex: re.Pattern[str] | None = None  # compiled on first use: import compiles nothing

    def is_required(self) -> bool:
        return self.default is _MISSING

    def matches(self, text: str) -> bool:
        """The pattern as pydantic's (Rust) regex reads it: `$` is the end of the text, never the
        place before a final newline as Python's re also allows."""
        if self.regex is None:
            pattern = str(self.pattern)
            if "\\$" in pattern:
                raise ValueError(f"{self.name}: a pattern here has no literal $")
            self.regex = re.compile(pattern.replace("$", r"\Z"))
        return self.regex.search(text) is not None


def field(default: Any = _MISSING, **constraints: Any) -> Any:
    """A field with constraints (Field's: pydantic's names for them); `env`: its variable in an
    environment. Typed Any so that `amount: int = field(ge=1)` reads as the int it declares."""
    return Field(default, **constraints)


def check(function: Callable[[Any], None]) -> Callable[[Any], None]:
    """Marks a method run after the fields by model_validate (raise ValueError to refuse)."""
    function.__shoken_check__ = True  # type: ignore[attr-defined]
    return function


class _Shape:
    """A field's annotation, worked out on the model's first parse or dump."""

    __slots__ = ("choices", "kind", "optional")

    def __init__(self, annotation: Any) -> None:
        self.optional = False
        self.choices: tuple[Any, ...] = ()
        args = typing.get_args(annotation)
        if type(None) in args:
            self.optional = True
            rest = [a for a in args if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
        if typing.get_origin(annotation) is Literal:
            self.choices = typing.get_args(annotation)
        self.kind = annotation if annotation in (str, int, bool, float) else None


@dataclass_transform(kw_only_default=True, field_specifiers=(field, Field))
class Model:
    """Base of the light models. Instances keep their values as plain attributes."""

    model_fields: ClassVar[dict[str, Field]] = {}
    frozen: ClassVar[bool] = False  # True: no attribute can be set after __init__ (settings)
    _checks: ClassVar[tuple[Callable[[Any], None], ...]] = ()
    _shapes: ClassVar[dict[str, _Shape] | None] = None
    _twin: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = {n: f for base in reversed(cls.__mro__[1:]) for n, f in getattr(base, "model_fields", {}).items()}
        for name, annotation in inspect.get_annotations(cls).items():
            if str(annotation).startswith("ClassVar"):
                continue
            declared = cls.__dict__.get(name, _MISSING)
            spec = declared if isinstance(declared, Field) else Field(declared)
            spec.name = name
            fields[name] = spec
        cls.model_fields = fields
        cls._checks = tuple(
            f for klass in reversed(cls.__mro__) for f in vars(klass).values() if getattr(f, "__shoken_check__", False)
        )
        cls._shapes = None
        cls._twin = None

    def __init__(self, **values: Any) -> None:
        setter = object.__setattr__
        for name, spec in self.model_fields.items():
            value = values.pop(name, spec.default)
            if value is _MISSING:
                raise TypeError(f"{type(self).__name__} needs {name}")
            setter(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(values))}")

    def __setattr__(self, name: str, value: Any) -> None:
        if self.frozen:
            raise AttributeError(f"{type(self).__name__} is frozen")
        object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and type(other) is type(self) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.model_dump().items())})"

    def model_dump(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields}

    def to_json(self) -> dict[str, Any]:
        """The instance as JSON values, nested models included (an answer's body)."""
        return {name: _jsonable(getattr(self, name)) for name in self.model_fields}

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with some fields replaced, not validated again (as pydantic's model_copy)."""
        return type(self)(**{**self.model_dump(), **(update or {})})

    @classmethod
    def shapes(cls) -> dict[str, _Shape]:
        if cls._shapes is None:
            hints = typing.get_type_hints(cls)
            cls._shapes = {name: _Shape(hints[name]) for name in cls.model_fields}
        return cls._shapes

    @classmethod
    def parse(cls, data: Any) -> Self:
        """A JSON body, strictly (module docstring); raises Invalid with every field's error."""
        if not isinstance(data, Mapping):
            message = "Input should be a valid dictionary or object to extract fields from"
            raise Invalid([{"type": "model_attributes_type", "loc": (), "msg": message, "input": data}])
        values: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for name, shape in cls.shapes().items():
            spec = cls.model_fields[name]
            if name not in data:
                if spec.is_required():
                    errors.append({"type": "missing", "loc": (name,), "msg": "Field required", "input": data})
                else:
                    values[name] = spec.default
                continue
            value = data[name]
            if value is None and shape.optional:
                values[name] = None
                continue
            error = _strict_error(spec, shape, value)
            if error is None:
                values[name] = value
            else:
                errors.append({**error, "loc": (name,), "input": value})
        if errors:
            raise Invalid(errors)
        return cls(**values)

    @classmethod
    def model_validate(cls, data: Mapping[str, Any]) -> Self:
        """Settings from an environment (text values), by variable name or field name."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, spec in cls.model_fields.items():
            key = spec.alias or name
            raw = data[key] if key in data else data.get(name, _MISSING)
            if raw is _MISSING:
                if spec.is_required():
                    problems.append(f"{key}: required")
                else:
                    values[name] = spec.default
                continue
            try:
                values[name] = _setting(spec, cls.shapes()[name], raw)
            except ValueError as error:
                problems.append(f"{key}: {error}")
        if problems:
            raise Invalid([{"type": "value_error", "loc": (), "msg": p, "input": None} for p in problems])
        made = cls(**values)
        for run in cls._checks:
            run(made)
        return made

    @classmethod
    def pydantic_model(cls) -> Any:
        """The same declaration as a pydantic model (the OpenAPI document's schemas, the tests'
        reference validator); built on first use, never in a Lambda function's request path."""
        if cls.__dict__.get("_twin") is None:
            cls._twin = _twin(cls)
        return cls._twin


def _strict_error(spec: Field, shape: _Shape, value: Any) -> dict[str, Any] | None:
    """pydantic's error for `value` in a strict-number field, or None when it fits."""
    if shape.choices:
        if value in shape.choices and type(value) in (str, int, bool):
            return None
        expected = " or ".join(repr(c) for c in shape.choices[-1:])
        if len(shape.choices) > 1:
            expected = ", ".join(repr(c) for c in shape.choices[:-1]) + " or " + expected
        return {"type": "literal_error", "msg": f"Input should be {expected}", "ctx": {"expected": expected}}
    if shape.kind is str:
        if not isinstance(value, str):
            return {"type": "string_type", "msg": "Input should be a valid string"}
        try:
            value.encode()
        except UnicodeEncodeError:
            message = "Input should be a valid string, unable to parse raw data as a unicode string"
            return {"type": "string_unicode", "msg": message}
        return _text_error(spec, value)
    if shape.kind is int:
        if type(value) is not int:
            return {"type": "int_type", "msg": "Input should be a valid integer"}
        return _bound_error(spec, value)
    if shape.kind is bool:
        if type(value) is not bool:
            return {"type": "bool_type", "msg": "Input should be a valid boolean"}
        return None
    raise TypeError(f"{spec.name}: strict parsing knows str, int, bool and Literal fields only")


def _text_error(spec: Field, value: str) -> dict[str, Any] | None:
    if spec.min_length is not None and len(value) < spec.min_length:
        unit = "character" if spec.min_length == 1 else "characters"
        return {
            "type": "string_too_short",
            "msg": f"String should have at least {spec.min_length} {unit}",
            "ctx": {"min_length": spec.min_length},
        }
    if spec.max_length is not None and len(value) > spec.max_length:
        unit = "character" if spec.max_length == 1 else "characters"
        return {
            "type": "string_too_long",
            "msg": f"String should have at most {spec.max_length} {unit}",
            "ctx": {"max_length": spec.max_length},
        }
    if spec.pattern is not None and not spec.matches(value):
        return {
            "type": "string_pattern_mismatch",
            "msg": f"String should match pattern '{spec.pattern}'",
            "ctx": {"pattern": spec.pattern},
        }
    return None


def _bound_error(spec: Field, value: float) -> dict[str, Any] | None:
    bounds = (
        ("ge", spec.ge, value >= (spec.ge or 0), "greater_than_equal", "greater than or equal to"),
        ("gt", spec.gt, value > (spec.gt or 0), "greater_than", "greater than"),
        ("le", spec.le, value <= (spec.le or 0), "less_than_equal", "less than or equal to"),
    )
    for key, bound, within, code, words in bounds:
        if bound is not None and not within:
            return {"type": code, "msg": f"Input should be {words} {bound}", "ctx": {key: bound}}
    return None


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _setting(spec: Field, shape: _Shape, raw: Any) -> Any:
    """One environment value as its field's type, with the field's constraints."""
    if raw is None and shape.optional:
        return None
    value: Any = raw
    if shape.kind is bool and isinstance(raw, str):
        text = raw.strip().lower()
        if text not in _TRUE | _FALSE:
            raise ValueError(f"not a yes/no value: {raw!r}")
        value = text in _TRUE
    elif shape.kind is int and isinstance(raw, str):
        if not _INTEGER.fullmatch(raw.strip()):
            raise ValueError(f"not an integer: {raw!r}")
        value = int(raw.strip())
    elif shape.kind is float and isinstance(raw, str):
        value = float(raw)
    elif shape.kind is str and not isinstance(raw, str):
        raise ValueError(f"not text: {raw!r}")
    if isinstance(value, str):
        error = _text_error(spec, value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        error = _bound_error(spec, value)
    else:
        error = None
    if error is not None:
        raise ValueError(error["msg"])
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _twin(model: type[Model]) -> Any:
    import pydantic

    def translate(annotation: Any) -> Any:
        if isinstance(annotation, type) and issubclass(annotation, Model):
            return annotation.pydantic_model()
        if annotation is int:
            return typing.Annotated[int, pydantic.Strict()]
        if annotation is bool:
            return typing.Annotated[bool, pydantic.Strict()]
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) in (typing.Union, type(int | None)):
            return typing.Union[tuple(translate(a) for a in args)]  # noqa: UP007
        return annotation

    hints = typing.get_type_hints(model)
    base = next((b for b in model.__mro__[1:] if issubclass(b, Model) and b is not Model), None)
    inherited = set(base.model_fields) if base is not None else set()
    definitions: dict[str, Any] = {}
    for name, spec in model.model_fields.items():
        if name in inherited:
            continue
        constraints = {
            key: getattr(spec, key)
            for key in ("min_length", "max_length", "pattern", "ge", "gt", "le")
            if getattr(spec, key) is not None
        }
        default = ... if spec.is_required() else spec.default
        definitions[name] = (translate(hints[name]), pydantic.Field(default, **constraints))
    return pydantic.create_model(
        model.__name__,
        __base__=base.pydantic_model() if base is not None else None,
        __doc__=model.__doc__,
        __module__=model.__module__,
        **definitions,
    )


# --- What every request's edge shares (shoken.validation re-exports these) -------------------------

_REASONS_JA = {
    "missing": "入力してください。",
    "string_too_short": "{min_length}文字以上で入力してください。",
    "string_too_long": "{max_length}文字以内で入力してください。",
    "string_pattern_mismatch": "形式が正しくありません。",
    "string_type": "文字で入力してください。",
    "int_parsing": "半角数字で入力してください。",
    "int_type": "半角数字で入力してください。",
    "int_from_float": "整数で入力してください。",
    "greater_than_equal": "{ge}以上で入力してください。",
    "greater_than": "{gt}より大きい値を入力してください。",
    "less_than_equal": "{le}以下で入力してください。",
    "less_than": "{lt}より小さい値を入力してください。",
    "bool_parsing": "はい/いいえで指定してください。",
    "bool_type": "はい/いいえで指定してください。",
    "literal_error": "選択肢から選んでください。",
    "enum": "選択肢から選んでください。",
    "date_from_datetime_parsing": "日付の形式が正しくありません。",
    "date_parsing": "日付の形式が正しくありません。",
    "datetime_parsing": "日時の形式が正しくありません。",
    "json_invalid": "リクエストの形式が正しくありません。",
    "model_attributes_type": "リクエストの形式が正しくありません。",
    "dict_type": "リクエストの形式が正しくありません。",
    "list_type": "一覧の形式が正しくありません。",
    "extra_forbidden": "指定できない項目です。",
    "value_error": "{error}",
    "control_character": "制御文字や見えない文字 (書式制御・ゼロ幅文字など) は使えません。",
}


def reason_ja(error: Any) -> str:
    """A Japanese sentence for one validation error (the UI shows it beside the field)."""
    template = _REASONS_JA.get(str(error.get("type", "")), "入力内容を確認してください。")
    context = dict(error.get("ctx") or {})
    if error.get("type") == "string_too_short" and context.get("min_length") == 1:
        template = "入力してください。"  # not 「1文字以上で入力してください」 for an empty required field
    if "error" in context:
        context["error"] = str(context["error"]).removeprefix("Value error, ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "入力内容を確認してください。"


def digits(count: int) -> str:
    """A pattern for exactly `count` ASCII digits (never backslash-d: it matches full-width ones too)."""
    return rf"^[0-9]{{{count}}}$"


ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

JSON_BODY_LIMIT = 256 * 1024  # bytes of a JSON request body (a grant to 10,000 wallet IDs fits)
UPLOAD_BODY_LIMIT = 10 * 1024 * 1024  # bytes of an uploaded file (マスタ一括登録)
JSON_DEPTH_LIMIT = 32  # nesting of arrays and objects; no request model nests more than 3 deep

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_too_deep(text: str, limit: int = JSON_DEPTH_LIMIT) -> bool:
    """Whether a JSON text nests arrays/objects deeper than `limit`, decided without recursion
    (the parser and the validator recurse, and 1,000 levels exhaust Python's stack)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
