"""A many-to-many of a model that stays, whose pairs stay too (decompose_remote.row_many), for
real: ``auth.User.groups`` read from rows the bridge of pytest-django's live server sends,
and a ModelSerializer, a ModelForm and a FilterSet of the remote ``auth.User`` naming it."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django import forms
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.utils import model_meta

from decompose_bridge.views import encode_rows
from decompose_remote.client import get_client
from decompose_remote.errors import RemoteError
from decompose_remote.forms import RemoteModelForm, RemoteModelMultipleChoiceField
from decompose_remote.models import RemoteModel, RequestCacheMiddleware

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("bridge_knows_orders", "mirror")]


@pytest.fixture
def grouped(users: RemoteModel) -> dict[str, Any]:
    """alice in "staff" and "editors" (added in that order), bob in none; by name, the
    monolith's groups."""
    from django.contrib.auth.models import Group, User

    staff, editors, readers = (Group.objects.create(name=name)
                               for name in ("staff", "editors", "readers"))
    User.objects.get(username="alice").groups.add(staff, editors)
    return {"staff": staff, "editors": editors, "readers": readers}


def test_the_field_is_a_many_to_many_of_the_remote_models_meta():
    meta = RemoteModel("auth.User")._meta
    groups = meta.get_field("groups")
    assert [f.name for f in meta.many_to_many] == ["groups"]
    assert "groups" not in [f.name for f in meta.fields]
    assert groups.many_to_many and groups.related_model is RemoteModel("auth.Group")
    info = model_meta.get_field_info(RemoteModel("auth.User"))
    assert info.forward_relations["groups"].to_many
    assert not info.forward_relations["groups"].has_through_model


def test_a_rows_field_reads_the_keys_it_was_sent_and_asks_for_rows_once(grouped, settings):
    from django.contrib.auth.models import User

    alice = RemoteModel("auth.User").objects.get(username="alice")
    monolith = User.objects.get(username="alice")
    ordered = [g.pk for g in monolith.groups.all()]
    assert alice.__dict__["_fields"]["groups"] == ordered  # raw, and as DRF renders it
    assert alice.representation["groups"] == ordered
    assert [g.name for g in alice.groups.all()] == [g.name for g in monolith.groups.all()]
    assert [g.name for g in alice.groups.order_by("-name")] == ["staff", "editors"]
    assert alice.groups.get(name="staff").pk == grouped["staff"].pk
    settings.MONOLITH_URL = "http://127.0.0.1:9"  # nothing answers: no call is made below
    get_client.cache_clear()
    assert (alice.groups.count(), alice.groups.exists()) == (2, True)
    assert alice.groups.values_list("pk", flat=True) == ordered
    bob_draft = RemoteModel("auth.User")(username="carol")
    assert bob_draft.groups.count() == 0 and not bob_draft.groups.exists()


def test_the_rows_a_request_has_read_are_not_asked_again(grouped, settings):
    """A page of rows sharing their targets (talks in the same track) asks for each once."""
    from django.contrib.auth.models import User

    User.objects.get(username="bob").groups.add(grouped["staff"])
    users = RemoteModel("auth.User")
    alice, bob = users.objects.get(username="alice"), users.objects.get(username="bob")
    read = []

    def page(request: Any) -> HttpResponse:
        read.append([g.name for g in alice.groups.all()])
        settings.MONOLITH_URL = "http://127.0.0.1:9"  # nothing answers from here on
        get_client.cache_clear()
        read.append([g.name for g in bob.groups.all()])
        return HttpResponse()

    RequestCacheMiddleware(page)(RequestFactory().get("/"))
    assert read == [[g.name for g in User.objects.get(username="alice").groups.all()],
                    ["staff"]]


def test_writing_the_pairs_is_refused(grouped):
    alice = RemoteModel("auth.User").objects.get(username="alice")
    for write in (lambda: alice.groups.add(grouped["readers"].pk), alice.groups.clear,
                  lambda: alice.groups.set([]), lambda: alice.groups.create(name="x")):
        with pytest.raises(RemoteError, match=r"auth\.User\.groups is read-only in this "
                                              "service: its pairs stay in the monolith"):
            write()


def test_lookups_across_it_pass_the_bridge(grouped):
    rows = RemoteModel("auth.User").objects
    staff = grouped["staff"]
    assert [u.username for u in rows.filter(groups=staff.pk)] == ["alice"]
    assert [u.username for u in rows.filter(groups__in=[grouped["readers"].pk])] == []
    assert [u.username for u in rows.filter(groups__name="editors")] == ["alice"]
    assert rows.exclude(groups=staff).get().username == "bob"


def test_the_bridge_reads_the_pairs_of_a_batch_in_one_query(grouped,
                                                             django_assert_num_queries):
    from django.contrib.auth.models import User

    rows = list(User.objects.order_by("username"))
    with django_assert_num_queries(1):
        encoded = encode_rows(rows)
    assert [row["fields"]["groups"] for row in encoded] == [
        [g.pk for g in rows[0].groups.all()], []]


class GroupedUserSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = RemoteModel("auth.User")
        fields = ["id", "username", "groups"]


def test_a_model_serializer_renders_it_as_the_monoliths_does(grouped):
    from django.contrib.auth.models import User

    class MonolithSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
        class Meta:
            model = User
            fields = ["id", "username", "groups"]

    rows = RemoteModel("auth.User").objects.order_by("username")
    assert GroupedUserSerializer(rows, many=True).data == MonolithSerializer(
        User.objects.order_by("username"), many=True).data
    field = GroupedUserSerializer().fields["groups"]
    assert isinstance(field, serializers.ManyRelatedField) and not field.required
    posted = GroupedUserSerializer(data={"username": "carol", "groups": [999]})
    assert not posted.is_valid() and "groups" in posted.errors


def test_a_nested_serializer_lists_the_target_rows(grouped):
    from django.contrib.auth.models import Group, User

    def users_with_groups(model: Any, groups: Any) -> Any:
        class Groups(serializers.ModelSerializer):  # type: ignore[type-arg]
            class Meta:
                fields = ["id", "name"]

        Groups.Meta.model = groups

        class Users(serializers.ModelSerializer):  # type: ignore[type-arg]
            groups = Groups(many=True, read_only=True)

            class Meta:
                fields = ["username", "groups"]

        Users.Meta.model = model
        return Users

    ours = users_with_groups(RemoteModel("auth.User"), RemoteModel("auth.Group"))
    theirs = users_with_groups(User, Group)
    assert ours(RemoteModel("auth.User").objects.order_by("username"), many=True).data == (
        theirs(User.objects.order_by("username"), many=True).data)


def test_a_model_form_lists_the_target_rows_and_validates_the_keys(grouped):
    class UserForm(forms.ModelForm):  # type: ignore[type-arg]  # Django's own
        class Meta:
            model = RemoteModel("auth.User")
            fields = ["username", "groups"]

    class EditForm(RemoteModelForm):
        class Meta:
            model = RemoteModel("auth.User")
            fields = ["username", "groups"]

    staff, editors = grouped["staff"], grouped["editors"]
    form = UserForm()
    assert isinstance(form.fields["groups"], RemoteModelMultipleChoiceField)
    assert f'<option value="{staff.pk}">staff</option>' in str(form["groups"])
    valid = UserForm({"username": "carol", "groups": [staff.pk, editors.pk]})
    assert valid.is_valid(), valid.errors
    assert sorted(g.name for g in valid.cleaned_data["groups"]) == ["editors", "staff"]
    for wrong in ([999], ["abc"]):
        refused = UserForm({"username": "carol", "groups": wrong})
        assert not refused.is_valid() and "groups" in refused.errors
    alice = RemoteModel("auth.User").objects.get(username="alice")
    edit = EditForm(instance=alice)
    assert sorted(edit.initial["groups"], key=str) == sorted(alice.groups.all(), key=str)
    assert model_to_dict(edit.instance, ["groups"]) == {"groups": list(alice.groups.all())}
    changed = EditForm({"username": "alice", "groups": [editors.pk]}, instance=alice)
    assert changed.is_valid(), changed.errors
    with pytest.raises(RemoteError, match=r"auth\.User rows are read-only"):
        changed.save()


def test_a_filterset_filters_across_it(grouped):
    class UserFilter(django_filters.FilterSet):
        class Meta:
            model = RemoteModel("auth.User")
            fields = ["groups"]

    assert isinstance(UserFilter.base_filters["groups"], django_filters.ModelMultipleChoiceFilter)
    assert [u.username for u in UserFilter({"groups": [grouped["staff"].pk]}).qs] == ["alice"]
    assert [u.username for u in UserFilter({}).qs.order_by("username")] == ["alice", "bob"]
    unknown = UserFilter({"groups": [999]})
    assert not unknown.is_valid() and "groups" in unknown.errors
