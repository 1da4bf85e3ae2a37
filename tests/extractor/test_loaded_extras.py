"""Libraries an installed module the moved code imports loads in turn, which its distribution
declares only as an extra (tandoor's ``storages.backends.s3boto3`` loads boto3, django-storages'
``s3`` extra; the service failed to import it): tests/fixtures/env_extras."""

from __future__ import annotations

from decompose.modules import ModuleIndex
from extractor.plan.environment import MonolithEnvironment
from extractor.plan.third_party import loaded_extras

from .projects import FIXTURES

SITE = FIXTURES / "env_extras" / "site-packages"


def test_an_extra_loaded_at_import_is_needed_and_what_may_be_optional_is_not(tmp_path):
    environment = MonolithEnvironment((SITE,))
    index = ModuleIndex(tmp_path, (SITE,))
    assert environment.requires("Storelib") == frozenset({"corelib"})
    assert environment.requires("cloudlib") == frozenset({"wirelib"})
    assert loaded_extras({"storelib.cloud", "shop.models", "json"}, environment,
                         index) == {"cloudlib"}
    assert loaded_extras({"corelib", "storelib"}, environment, index) == set()
