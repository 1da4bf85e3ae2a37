"""The monolith's models in the service's app registry (decompose_remote.registry): a kernel
copy's ``apps.get_model()`` of a mirrored label the service does not install is its
RemoteModel (taiga's ``permissions/services.py``: ``apps.get_model("projects", "Project")``,
then ``isinstance(obj, Project)``); installed models and unknown labels answer as Django's."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import User

from decompose_remote.models import RemoteModel, decode_object
from decompose_runtime import codec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bridge_knows_orders")]


def test_get_model_of_a_mirrored_label_the_service_lacks_is_its_remote_model(mirror):
    product = RemoteModel("catalog.Product")
    assert apps.get_model("catalog", "Product") is product
    assert apps.get_model("catalog", "product") is product  # any case, as Django matches
    assert apps.get_model("catalog.Product") is product
    assert apps.get_model("catalog.product", require_ready=False) is product


def test_get_model_answers_the_service_s_own_model_first(mirror):
    # auth.User is mirrored and installed: the installed model wins
    assert apps.get_model("auth", "User") is User
    assert apps.get_model("auth.user") is User


def test_get_model_of_a_label_neither_installed_nor_mirrored_raises_as_django(mirror):
    with pytest.raises(LookupError, match="No installed app with label 'billing'"):
        apps.get_model("billing", "Invoice")
    with pytest.raises(LookupError, match="App 'auth' doesn't have a 'Invoice' model"):
        apps.get_model("auth", "Invoice")
    with pytest.raises(ValueError):
        apps.get_model("billing")


def test_a_remote_row_is_an_instance_of_the_model_get_model_answers(mirror):
    # the kernel's check before it reads the row's fields
    row = decode_object({codec.MODEL_TAG: "catalog.Product", "pk": 5, "fields": {"name": "Pen"}})
    assert isinstance(row, apps.get_model("catalog", "Product"))
    assert not isinstance(row, apps.get_model("auth", "User"))
