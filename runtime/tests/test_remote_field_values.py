"""A monolith row whose field holds an object of a custom field class (pretalx's
``Event.name``, django-i18nfield's LazyI18nString; here runtime_test_i18n's ``Translated``),
read through the real bridge: the field travels as its database value and the service
rebuilds it with the mirror's declaration of the field, so moved code reads the monolith's
class (a NULL column's too: ``Translated(None)``, as a LazyI18nString of None)."""

from __future__ import annotations

import pytest
from rest_framework import serializers
from runtime_test_i18n.fields import Translated, TranslatedField
from runtime_test_i18n.models import Conference

from decompose_remote.errors import RemoteError
from decompose_remote.functions import remote_function
from decompose_remote.models import RemoteModel, decode
from decompose_runtime import codec

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders", "mirror")]
conferences = remote_function("runtime_test_functions.conferences")
conference_name = remote_function("runtime_test_functions.conference_name")
NAMES = {"djangocon": {"de": "DjangoCon (de)", "en": "DjangoCon"},
         "pycon": {"en": "PyCon", "fr": "PyCon France"}}


@pytest.fixture
def remote_conferences(users: RemoteModel) -> RemoteModel:
    Conference.objects.bulk_create([
        Conference(slug=slug, name=Translated(name), tagline=Translated(
            {"en": f"{name['en']}, the conference"} if slug == "pycon" else None))
        for slug, name in NAMES.items()])
    return RemoteModel("runtime_test_i18n.Conference")


def test_a_remote_rows_custom_field_is_the_monoliths_class(remote_conferences):
    row = remote_conferences.objects.get(slug="pycon")
    assert isinstance(remote_conferences._meta.get_field("name"), TranslatedField)
    assert isinstance(row.name, Translated) and row.name.data == NAMES["pycon"]
    assert str(row) == "PyCon"
    monolith = Conference.objects.get(slug="pycon")
    assert (row.name, row.tagline) == (monolith.name, monolith.tagline)
    assert remote_conferences.objects.get(slug="djangocon").tagline == Translated(None) == (
        Conference.objects.get(slug="djangocon").tagline)


def test_the_rows_a_monolith_function_returns_hold_the_same_class(remote_conferences):
    rows = conferences()
    assert [(row.slug, type(row.name), row.name.data) for row in rows] == [
        (slug, Translated, name) for slug, name in sorted(NAMES.items())]


class TranslatedTextField(serializers.Field):  # type: ignore[type-arg]
    """As pretalx's I18nField renders a LazyI18nString: all its languages."""

    def to_representation(self, value: Translated) -> dict[str, str]:
        return dict(value.data)


class ConferenceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = TranslatedTextField()

    class Meta:
        model = RemoteModel("runtime_test_i18n.Conference")
        fields = ["id", "slug", "name"]


def test_a_serializer_renders_the_value_as_the_monoliths_would(remote_conferences):
    data = ConferenceSerializer(remote_conferences.objects.order_by("slug"), many=True).data
    assert [dict(item) for item in data] == [
        {"id": c.pk, "slug": c.slug, "name": c.name.data}
        for c in Conference.objects.order_by("slug")]


def test_a_value_with_no_field_to_travel_as_is_the_codecs_error_naming_its_class(
        remote_conferences):
    with pytest.raises(RemoteError, match=r"encode a runtime_test_i18n\.fields\.Translated$"):
        conference_name("pycon")


def test_a_field_database_value_outside_a_row_or_of_an_undeclared_field_is_refused(mirror):
    sent = codec.db_field(TranslatedField, '{"en": "PyCon"}')
    with pytest.raises(codec.CodecError, match="has a field"):
        decode({"$model": "runtime_test_i18n.Conference", "pk": 1,
                "fields": {"name": {"$db": {"value": "{}"}}}})
    with pytest.raises(codec.CodecError, match="read only as a field of a row"):
        decode([sent])
    with pytest.raises(codec.CodecError, match=r"runtime_test_i18n\.fields\.TranslatedField the "
                       r"service does not declare"):
        decode({"$model": "runtime_test_i18n.Conference", "pk": 1, "fields": {"title": sent}})
