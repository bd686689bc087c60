"""shoken's DynamoDB (de)serialization is boto3's, only faster: the same wire form for every value
shoken writes, the same Python back (numbers as int), the same refusals (issue 19.5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from shoken.db import dynamo

# What shoken stores: text, whole numbers (DynamoDB's 38 digits), yes/no, lists and maps of them.
scalars = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20,
)


def as_boto3(value: Any) -> Any:
    return TypeSerializer().serialize(value)


def from_boto3(raw: Any) -> Any:
    return dynamo._to_python(TypeDeserializer().deserialize(raw))


@given(values)
def test_the_wire_form_and_the_value_read_back_are_boto3s(value: Any) -> None:
    # Given any value shoken writes, When serialized, Then the wire form is boto3's
    wire = dynamo.serialize(value)
    assert wire == as_boto3(value)
    # And read back it is boto3's reading (numbers as int)
    assert dynamo.deserialize(wire) == from_boto3(wire) == value


def test_dynamodbs_own_spellings_of_numbers_and_the_rarer_types_read_as_boto3_reads_them() -> None:
    assert dynamo.deserialize({"N": "1.0"}) == 1 and dynamo.deserialize({"N": "1E+2"}) == 100
    assert dynamo.deserialize({"SS": ["a", "b"]}) == {"a", "b"}
    assert dynamo.deserialize({"NS": ["1", "2"]}) == {1, 2}
    assert dynamo.serialize({"a", "b"}) == as_boto3({"a", "b"})
    assert dynamo.serialize(Decimal(7)) == {"N": "7"}
    assert dynamo.serialize((1, "x")) == as_boto3((1, "x"))


def test_what_boto3_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        dynamo.serialize(1.5)  # floats: boto3 asks for Decimal, shoken stores none
    with pytest.raises(Exception):  # noqa: B017, PT011 - boto3's decimal context raises Inexact/Rounded
        dynamo.serialize(10**40)
    with pytest.raises(ValueError, match="non-integral"):
        dynamo.deserialize({"N": "1.5"})
