"""The one line a failed ``manage.py spectacular`` becomes, from a real Python's traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractor.openapi import _failure


def _import_shop(root: Path, module: str, source: str) -> subprocess.CompletedProcess[str]:
    """Importing a ``shop`` package whose ``__init__`` imports ``module`` (``source``)."""
    (root / "shop").mkdir()
    (root / "shop/__init__.py").write_text(f"from shop import {module}\n")
    (root / "shop" / f"{module}.py").write_text(source)
    return subprocess.run([sys.executable, "-c", "import shop"], cwd=root,
                          capture_output=True, text=True, check=False)


def test_a_syntax_error_in_the_services_code_names_its_file_and_line(tmp_path: Path):
    result = _import_shop(tmp_path, "views", 'x = 1\nrows = pks_where("auth.User", in=users)\n')
    error = _failure(result, tmp_path)
    assert str(error) == ("shop/views.py:2: the service's copy is not valid Python (SyntaxError: "
                          "invalid syntax) at this line of the service: a rewrite of decompose "
                          "produced it; report it with that line")


_SETTINGS = """\
SECRET_KEY = "x"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework",
                  "drf_spectacular"]
ROOT_URLCONF = "shop.urls"
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
"""
_VIEWS = """\
from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(["GET"])
def download_file(request, file_id):
    return Response({})
"""


def _spectacular(root: Path, views: str, urls: str, *, fail_on_warn: bool = True
                 ) -> subprocess.CompletedProcess[str]:
    """drf-spectacular's run, as the extractor makes it (warnings allowed without
    ``fail_on_warn``), on a ``shop`` project of these views and URLconf."""
    (root / "shop").mkdir()
    (root / "shop/__init__.py").write_text("")
    (root / "shop/settings.py").write_text(_SETTINGS)
    (root / "shop/views.py").write_text(views)
    (root / "shop/urls.py").write_text(urls)
    return subprocess.run(
        [sys.executable, "-m", "django", "spectacular", *(["--fail-on-warn"] * fail_on_warn),
         "--settings", "shop.settings", "--pythonpath", str(root)],
        cwd=root, capture_output=True, text=True, check=False)


def test_a_function_view_the_schema_cannot_document_names_its_file(tmp_path: Path):
    """tandoor's ``@api_view`` ``download_file``: drf-spectacular names no line for it."""
    result = _spectacular(tmp_path, _VIEWS, (
        "from django.urls import path\n\nfrom shop.views import download_file\n\n"
        'urlpatterns = [path("files/<int:file_id>/", download_file)]\n'))
    error = _failure(result, tmp_path)
    assert str(error).startswith("shop/views.py: drf-spectacular cannot document the moved "
                                 "code: Error [download_file]: unable to guess serializer")


def test_a_model_form_of_a_remote_model_naming_an_unserved_field_says_why(tmp_path: Path):
    """pretalx's cfp: ``QuestionOrgaForm`` named ``tracks`` of the monolith's Question, a
    many-to-many the bridge did not serve."""
    result = _import_shop(tmp_path, "forms", (
        "from django.core.exceptions import FieldError\n\n"
        'raise FieldError("Unknown field(s) (tracks) specified for Question")\n'))
    assert str(_failure(result, tmp_path)).startswith(
        "shop/forms.py:3: manage.py spectacular failed in the service's environment: "
        "django.core.exceptions.FieldError: Unknown field(s) (tracks) specified for Question; "
        "a remote model stands in for the monolith's model here, with only the fields the "
        "bridge serves this service (its columns and keys, and the many-to-many fields")


def test_a_class_built_from_a_remote_model_names_its_line_and_the_way_out(tmp_path: Path):
    """A FilterSet of the monolith's Feedback naming a field the bridge does not serve."""
    result = _import_shop(tmp_path, "filters", (
        "from decompose_remote.models import RemoteModel\n\n"
        'Feedback = RemoteModel("submission.Feedback")\n'
        'FIELD = Feedback._meta.get_field("speakers")\n'))
    error = _failure(result, tmp_path)
    assert str(error) == (
        "shop/filters.py:4: manage.py spectacular failed in the service's environment: "
        "django.core.exceptions.FieldDoesNotExist: Feedback has no field named 'speakers' "
        "among those the monolith's bridge serves this service; a remote model stands in for "
        "the monolith's model here, with only the fields the bridge serves this service (its "
        "columns and keys, and the many-to-many fields, properties and reverse accessors of "
        "keys that the service's code names: no reverse many-to-many), which a FilterSet, "
        "ModelForm or ModelSerializer with it as Meta.model names; keep this code in the "
        "monolith, or extract the model's app too")


_CRASHING_VIEWS = _VIEWS + """

from django.core.exceptions import ImproperlyConfigured
from rest_framework import generics, serializers


class AccessCodeSerializer(serializers.Serializer):
    def get_fields(self):
        raise ImproperlyConfigured("Field name `tracks` is not valid for model `AccessCode` "
                                   "in `shop.views.AccessCodeSerializer`.")


class AccessCodes(generics.ListAPIView):
    serializer_class = AccessCodeSerializer
"""


@pytest.mark.parametrize("fail_on_warn", [True, False])
def test_a_crash_after_a_view_the_schema_cannot_document_is_what_is_named(tmp_path: Path,
                                                                          fail_on_warn: bool):
    """pretalx's api: drf-spectacular passed over its RootView, then crashed on a
    ModelSerializer of a remote model naming a many-to-many the bridge does not serve: named at
    the class DRF names (no frame of the service's code is on the traceback of a serializer
    drf-spectacular builds). Warnings allowed (``--schema-warnings allow``), the crash is
    still what is named."""
    result = _spectacular(tmp_path, _CRASHING_VIEWS, (
        "from django.urls import path\n\nfrom shop.views import AccessCodes, download_file\n\n"
        'urlpatterns = [path("files/<int:file_id>/", download_file),\n'
        '               path("later/codes/", AccessCodes.as_view())]\n'),
        fail_on_warn=fail_on_warn)
    assert "Error [download_file]" in result.stderr
    assert str(_failure(result, tmp_path)).startswith(
        "shop/views.py:14: manage.py spectacular failed in the service's environment: "
        "django.core.exceptions.ImproperlyConfigured: Field name `tracks` is not valid for "
        "model `AccessCode` in `shop.views.AccessCodeSerializer`.; a remote model stands in "
        "for the monolith's model here")


_TWIN_VIEWS = _VIEWS + """

from drf_spectacular.utils import extend_schema


@extend_schema(operation_id="File upload", request=None, responses=None)
@api_view(["POST"])
def upload(request):
    return Response({})
"""


def test_a_warning_of_the_whole_schema_is_named_with_the_schema(tmp_path: Path):
    """pretalx's api mounted three times (its URLconf includes its event router inside
    itself): drf-spectacular warns that the paths share the operationId "File upload", at no
    view; that warning is the refusal, not the command's last line."""
    result = _spectacular(tmp_path, _TWIN_VIEWS, (
        "from django.urls import path\n\nfrom shop.views import upload\n\n"
        'urlpatterns = [path("upload/", upload), path("events/<slug:event>/upload/", upload)]\n'))
    assert str(_failure(result, tmp_path)) == (
        "openapi.yaml: drf-spectacular warns of the service's schema, at no view: operationId "
        "\"File upload\" has collisions [('/events/{event}/upload/', 'post'), ('/upload/', "
        "'post')]. resolving with numeral suffixes.")
