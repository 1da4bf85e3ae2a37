import textwrap
from dataclasses import replace

from decompose.model import Handling, MirrorModule, MirrorName
from extractor.codemods import transform
from tests.extractor.codemods.tools import BOUNDARY, check_noop

# accounts.User is the monolith's AUTH_USER_MODEL and stays; get_user_model_safe only returns it.
USER_STAYS = replace(BOUNDARY, user_model="accounts.User", mirrors=(*BOUNDARY.mirrors, MirrorModule(
    "accounts.models", (MirrorName("User", Handling.REMOTE_MODEL, "accounts.User"),
                        MirrorName("get_user_model_safe", Handling.MODEL_GETTER,
                                   "accounts.User")))))


def transformed(source: str, module: str = "orders.services") -> tuple[str, list[str]]:
    outcome = transform(textwrap.dedent(source), module.replace(".", "/") + ".py", module,
                        USER_STAYS)
    return outcome.text, [f"{r.location.line} {r.message}" for r in outcome.rewrites
                          if r.codemod == "model_lookups"]


def test_the_user_model_of_the_service_s_own_django_is_left_alone():
    # auth.User (Kiwi): installed in the service, get_user_model() is the real model there
    check_noop("""\
        from django.contrib.auth import get_user_model


        def owners(ids):
            return get_user_model().objects.filter(id__in=ids)
        """, module="orders.services")


def test_a_function_of_the_same_name_that_is_not_the_mirror_s_getter_is_left_alone():
    source = """\
        from orders.helpers import get_user_model_safe


        def owner_model():
            return get_user_model_safe()
        """
    assert transformed(source) == (textwrap.dedent(source), [])


def test_a_getter_called_in_a_serializer_meta_becomes_the_remote_model():
    text, rewrites = transformed("""\
        from rest_framework import serializers

        from accounts.models import get_user_model_safe


        class OwnerSerializer(serializers.ModelSerializer):
            class Meta:
                model = get_user_model_safe()
                fields = ("id", "username")
        """, module="orders.serializers")
    assert text == textwrap.dedent("""\
        from rest_framework import serializers

        from monolith.accounts.models import User
        from decompose_remote.serializers import RemoteModelSerializer


        class OwnerSerializer(RemoteModelSerializer):
            class Meta:
                model = User
                fields = ("id", "username")
        """)
    assert rewrites == ["8 get_user_model_safe() of accounts.User -> User, the mirror's remote "
                        "model (monolith.accounts.models)"]


def test_user_model_lookups_become_the_remote_model_and_their_imports_go():
    text, rewrites = transformed("""\
        from django.apps import apps
        from django.conf import settings
        from django.contrib.auth import get_user_model as user_model


        def owner(user_or_id):
            if isinstance(user_or_id, user_model()):
                return user_or_id
            return apps.get_model(settings.AUTH_USER_MODEL).objects.get(id=user_or_id)
        """)
    assert text == textwrap.dedent("""\
        from monolith.accounts.models import User


        def owner(user_or_id):
            if isinstance(user_or_id, User):
                return user_or_id
            return User.objects.get(id=user_or_id)
        """)
    assert [r.split(" ", 2)[:2] for r in rewrites] == [["7", "user_model()"],
                                                      ["9", "apps.get_model()"]]


def test_a_name_taken_gets_an_alias():
    text, _ = transformed("""\
        from django.contrib.auth import get_user_model

        from orders.models import User


        def both():
            return User, get_user_model()
        """)
    assert text.startswith("\nfrom orders.models import User\n"
                           "from monolith.accounts.models import User as RemoteUser\n")
    assert "return User, RemoteUser\n" in text


def test_a_remote_model_imported_already_is_reused():
    text, _ = transformed("""\
        from django.contrib.auth import get_user_model

        from accounts.models import User as Owner


        def again():
            return Owner, get_user_model()
        """)
    assert text == textwrap.dedent("""\

        from monolith.accounts.models import User as Owner


        def again():
            return Owner, Owner
        """)


def test_other_reads_of_the_user_setting_are_the_monolith_s_label():
    # taiga's user timeline: ContentType.objects.get_by_natural_key(*AUTH_USER_MODEL.split("."))
    text, rewrites = transformed("""\
        from django.conf import settings
        from django.contrib.contenttypes.models import ContentType


        class UserTimeline:
            content_type = settings.AUTH_USER_MODEL.lower()

            def get_content_type(self):
                return ContentType.objects.get_by_natural_key(*self.content_type.split("."))
        """, module="orders.api")
    assert text == textwrap.dedent("""\
        from django.contrib.contenttypes.models import ContentType


        class UserTimeline:
            content_type = "accounts.User".lower()

            def get_content_type(self):
                return ContentType.objects.get_by_natural_key(*self.content_type.split("."))
        """)
    assert rewrites == ["6 settings.AUTH_USER_MODEL -> 'accounts.User', the monolith's user "
                        "model (the service's own is Django's)"]
