"""The monolith's models in the contenttypes framework (decompose_remote.content_types): the
content type rows are the shared table's, found by natural key from a remote model or a remote
row's class, and ``model_class()`` of a mirrored label the service does not install is its
RemoteModel (taiga's timeline views: ``get_by_natural_key("users", "user").model_class()
.objects``)."""

from __future__ import annotations

import pickle

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType

from decompose_remote.models import RemoteModel
from decompose_runtime import codec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bridge_knows_orders")]


def test_a_remote_model_s_content_type_is_the_row_of_its_natural_key():
    ContentType.objects.clear_cache()
    rows = ContentType.objects.count()
    assert ContentType.objects.get_for_model(RemoteModel("auth.User")) == (
        ContentType.objects.get_by_natural_key("auth", "user"))
    assert ContentType.objects.get_for_models(RemoteModel("auth.User"), Group) == {
        RemoteModel("auth.User"): ContentType.objects.get_by_natural_key("auth", "user"),
        Group: ContentType.objects.get_by_natural_key("auth", "group")}
    assert ContentType.objects.count() == rows


def test_a_remote_row_and_its_class_name_its_model_but_the_row_has_no_meta(users):
    # taiga's timeline: ContentType.objects.get_for_model(obj.__class__), obj a monolith user
    alice = users.objects.get(username="alice")
    user_type = ContentType.objects.get_for_model(User)
    assert (type(alice).__name__, alice.__class__) == ("User", users.row_class)
    assert ContentType.objects.get_for_model(alice.__class__) == user_type
    # an instance, as Django takes one
    assert ContentType.objects.get_for_model(alice) == user_type
    assert ContentType.objects.get_for_models(alice, Group) == {
        alice: user_type, Group: ContentType.objects.get_for_model(Group)}
    assert not hasattr(alice, "_meta")
    assert codec.encode(alice) == {"$model": "auth.User", "pk": alice.pk}


def test_a_remote_row_pickles_by_its_model_s_label(users):
    alice = users.objects.get(username="alice")
    copy = pickle.loads(pickle.dumps(alice))
    assert (type(copy), copy, copy.username) == (users.row_class, alice, "alice")


def test_model_class_of_a_mirrored_model_the_service_lacks_is_its_remote_model(mirror):
    product = ContentType.objects.create(app_label="catalog", model="product")
    assert product.model_class() is RemoteModel("catalog.Product")
    # Django's own format for an installed model: the app's verbose name ("Catalog", the
    # default) where it names the app so (Django 4 on), its label where it does not (3.2)
    verbose = str(ContentType.objects.get_for_model(Group)).startswith("Authentication")
    assert (product.name, str(product)) == (
        "product", f"{'Catalog' if verbose else 'catalog'} | product")


def test_model_class_answers_the_service_s_own_model_first_and_none_when_not_mirrored(mirror):
    assert ContentType.objects.get_by_natural_key("auth", "user").model_class() is User
    assert ContentType.objects.create(app_label="billing", model="invoice").model_class() is None
