"""The codec both ends share: every tag round-trips, and decimals read as DRF renders them."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, Q
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from decompose_runtime import codec
from decompose_runtime.evaluated import EvaluatedQuerySet


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


def test_a_lazy_translation_travels_as_its_text():
    # pretalx's ActivityLog.display: gettext_lazy(...), once spelt out letter by letter
    with translation.override("de"):
        assert codec.encode({"display": gettext_lazy("Yes"), "rows": [gettext_lazy("No")]}) == {
            "display": "Ja", "rows": ["Nein"]}


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


@pytest.mark.parametrize("condition", [
    Q(),
    Q(username="alice"),
    Q(username="alice") | Q(username__startswith="b", id__gt=Decimal("1.5")),
    ~(Q(id__in=(1, 2)) & ~Q(username__isnull=True)),
    Q(Q(username="a") | Q(username="b"), id=Row("auth.User", 3), _negated=True),
])
def test_a_q_travels_as_its_tree_and_is_read_back_as_the_same_q(condition):
    decoded = codec.decode_q(codec.encode(condition),
                             lambda data: Row(data["$model"], data["pk"]))
    assert type(decoded) is Q and _tree(decoded) == _tree(condition)


def _tree(condition: Q) -> tuple[object, ...]:
    """Connector, negation and children, a Row compared by its reference."""
    return (condition.connector, condition.negated,
            [_tree(child) if isinstance(child, Q) else (child[0], codec.reference_of(child[1])
                                                        or child[1])
             for child in condition.children])


def test_a_q_is_encoded_with_its_connector_and_negation():
    condition = Q(username="alice", id__in=[1, 2], _connector=Q.OR, _negated=True)
    assert codec.encode(condition) == {"$q": {
        "connector": "OR", "negated": True,
        "children": [["id__in", [1, 2]], ["username", "alice"]]}}


def test_a_q_is_read_only_where_its_lookups_are_checked():
    # as a value (``filter(pk=Q(password__startswith="a"))``) it would be an expression
    with pytest.raises(codec.CodecError, match="only as an argument of filter"):
        codec.decode({"pk": codec.encode(Q(password__startswith="a"))})


def test_a_q_holding_an_expression_is_refused():
    with pytest.raises(codec.CodecError, match="cannot encode a Q holding a django"):
        codec.encode(Q(Exists(User.objects.all())))


@pytest.mark.parametrize(("data", "message"), [
    ({"username": "alice"}, "is a \\$q object"),
    ({"$q": {"connector": "NAND", "negated": False, "children": []}}, "has a connector"),
    ({"$q": {"connector": "AND", "negated": 0, "children": []}}, "has a connector"),
    ({"$q": {"connector": "AND", "negated": False, "children": [["a", 1, 2]]}}, "pair"),
    ({"$q": {"connector": "AND", "negated": False, "children": [[1, 2]]}}, "pair"),
])
def test_bad_q_encodings_are_refused(data, message):
    with pytest.raises(codec.CodecError, match=message):
        codec.decode_q(data)


def test_a_queryset_sent_is_read_back_as_its_rows():
    rows = codec.decode({"$queryset": {"model": "auth.User", "rows": [{"$decimal": "1"}, 2]}})
    assert isinstance(rows, EvaluatedQuerySet) and list(rows) == [Decimal(1), 2]
    # and sent back as those rows, a QuerySet still (not a list)
    assert codec.encode(rows[1:]) == {"$queryset": {"model": "auth.User", "rows": [2]}}


class Visitor(AnonymousUser):
    """A project's own anonymous user class (a subclass of Django's)."""


# Django's AuthenticationMiddleware sets request.user to a SimpleLazyObject
@pytest.mark.parametrize("user", [AnonymousUser(), Visitor(), SimpleLazyObject(AnonymousUser)])
def test_an_anonymous_user_travels_as_a_marker_and_is_read_as_a_new_one(user):
    assert codec.encode({"user": user}) == {"user": {"$anonymous_user": True}}
    decoded = codec.decode(codec.encode([user]))[0]
    assert type(decoded) is AnonymousUser and decoded is not user
    assert (decoded.is_authenticated, decoded.is_anonymous, decoded.pk) == (False, True, None)


def test_a_bad_anonymous_user_marker_is_refused():
    with pytest.raises(codec.CodecError, match="anonymous_user is true"):
        codec.decode({"$anonymous_user": {"pk": 1}})
