"""The codec both ends share: every tag round-trips, and decimals read as DRF renders them."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from rest_framework import serializers

from decompose_runtime import codec


class Row:
    """Anything with ``__decompose_ref__`` travels as a model reference (a RemoteObject)."""

    def __init__(self, label: str, pk: object) -> None:
        self.label, self.pk = label, pk

    def __decompose_ref__(self) -> tuple[str, object]:
        return self.label, self.pk


@pytest.mark.parametrize("value", [None, True, 0, -3, 1.5, "", "text", [], {}, [1, "a", None],
                                   {"a": 1, "b": [True]}])
def test_plain_json_is_unchanged(value):
    assert codec.encode(value) == value
    assert codec.decode(value) == value


@pytest.mark.parametrize(("value", "encoded"), [
    (Decimal("12.50"), {"$decimal": "12.50"}),
    (Decimal("-0.05"), {"$decimal": "-0.05"}),
    (Decimal("1E+2"), {"$decimal": "100"}),
    (datetime.datetime(2025, 1, 31, 12, 0, tzinfo=datetime.UTC),
     {"$datetime": "2025-01-31T12:00:00+00:00"}),
    (datetime.datetime(2025, 1, 31, 12, 0, 0, 123456), {"$datetime": "2025-01-31T12:00:00.123456"}),
    (datetime.date(2025, 2, 1), {"$date": "2025-02-01"}),
    (datetime.time(9, 30), {"$time": "09:30:00"}),
    (uuid.UUID(int=1), {"$uuid": "00000000-0000-0000-0000-000000000001"}),
    ((1, Decimal("2.00")), {"$tuple": [1, {"$decimal": "2.00"}]}),
    ({"$model": "x"}, {"$dict": [["$model", "x"]]}),
    ({1: "a", (2, 3): "b"}, {"$dict": [[1, "a"], [{"$tuple": [2, 3]}, "b"]]}),
])
def test_every_tag_round_trips(value, encoded):
    assert codec.encode(value) == encoded
    decoded = codec.decode(encoded)
    assert decoded == value and type(decoded) is type(value)


def test_nested_values_round_trip():
    value = {"lines": [(5, Decimal("10.00")), (7, Decimal("3.33"))],
             "when": datetime.date(2025, 3, 1)}
    assert codec.decode(codec.encode(value)) == value


def test_generators_and_sets_of_pairs_become_lists():
    pairs = ((n, Decimal(n)) for n in range(2))
    assert codec.encode(pairs) == [{"$tuple": [0, {"$decimal": "0"}]},
                                   {"$tuple": [1, {"$decimal": "1"}]}]


DECIMALS = [("12.50", 2), ("0.00", 2), ("1234567.89", 2), ("-3.10", 2), ("5.000", 3)]


@pytest.mark.parametrize(("text", "places"), DECIMALS)
def test_decimals_from_the_database_read_as_drf_renders_them(text, places):
    """A DecimalField column value keeps its places, so the tag equals DRF's string."""
    field = serializers.DecimalField(max_digits=12, decimal_places=places)
    assert codec.encode(Decimal(text))["$decimal"] == field.to_representation(Decimal(text))


def test_model_rows_travel_as_references_unless_a_hook_writes_them():
    assert codec.encode(Row("catalog.Product", 5)) == {"$model": "catalog.Product", "pk": 5}
    decoded = codec.decode({"$model": "catalog.Product", "pk": 5},
                           lambda data: (data["$model"], data["pk"]))
    assert decoded == ("catalog.Product", 5)


@pytest.mark.parametrize("value", [b"bytes", object(), 1j])
def test_values_without_an_encoding_are_refused(value):
    with pytest.raises(codec.CodecError, match="cannot encode"):
        codec.encode(value)


@pytest.mark.parametrize(("data", "message"), [
    ({"$decimal": 12}, "needs a string"),
    ({"$decimal": "twelve"}, "bad \\$decimal"),
    ({"$date": "2025-13-01"}, "bad \\$date"),
    ({"$nope": 1}, "unknown tag"),
    ({"$tuple": [], "x": 1}, "exactly one key"),
    ({"$model": "catalog.Product"}, "needs a label and a pk"),
    ({"$model": "catalog.Product", "pk": 1}, "no decoder for model"),
    ({"$dict": [[1]]}, "pairs"),
])
def test_bad_encodings_are_refused(data, message):
    with pytest.raises(codec.CodecError, match=message):
        codec.decode(data)
