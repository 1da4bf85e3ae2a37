import textwrap
from dataclasses import replace

from extractor.codemods import transform
from tests.extractor.codemods.tools import BOUNDARY, check_noop, check_transformed


def test_a_check_of_another_class_is_left_alone():
    check_noop("""\
        from django.db.models import QuerySet


        def rows(objects):
            return isinstance(objects, QuerySet) or isinstance(objects, list)
        """, module="orders.services")


def test_a_service_that_reaches_no_monolith_model_is_left_alone():
    source = textwrap.dedent("""\
        from django.db.models import Model


        def check(obj):
            assert isinstance(obj, Model)
        """)
    outcome = transform(source, "orders/services.py", "orders.services",
                        replace(BOUNDARY, mirrors=()))
    assert (outcome.text, outcome.rewrites) == (source, ())


def test_isinstance_of_model_also_holds_for_remote_rows():
    # taiga's timeline: assert isinstance(obj, Model) on a user read from the monolith
    rewrites = check_transformed("""\
        from django.db.models import Model


        def get_timeline(obj):
            assert isinstance(obj, Model), "obj must be a instance of Model"
            return obj.pk
        """, """\
        from django.db.models import Model
        from decompose_remote.models import RemoteObject


        def get_timeline(obj):
            assert isinstance(obj, (Model, RemoteObject)), "obj must be a instance of Model"
            return obj.pk
        """, module="orders.services")
    assert [(r.codemod, str(r.location), r.message) for r in rewrites] == [
        ("model_checks", "orders/services.py:5",
         "isinstance(..., Model) also holds for the monolith's rows (RemoteObject)")]


def test_models_model_in_a_tuple_and_issubclass_are_rewritten_too():
    check_transformed("""\
        from django.db import models as db
        import django.db.models


        def kind(value):
            if issubclass(value, db.Model):
                return "class"
            if isinstance(value, (django.db.models.Model, dict)):
                return "row"
        """, """\
        from django.db import models as db
        import django.db.models
        from decompose_remote.models import RemoteObject


        def kind(value):
            if issubclass(value, (db.Model, RemoteObject)):
                return "class"
            if isinstance(value, (django.db.models.Model, dict, RemoteObject)):
                return "row"
        """, module="orders.services")


def test_a_model_of_the_file_s_own_name_is_not_django_s():
    check_noop("""\
        from orders.base import Model


        def check(obj):
            return isinstance(obj, Model)
        """, module="orders.services")
