import textwrap
from dataclasses import replace

from decompose.model import Level
from extractor.codemods import transform
from extractor.codemods.base import ReverseKey
from tests.extractor.codemods.tools import BOUNDARY, check_noop, check_transformed, run


def test_id_lookups_are_left_alone():
    check_noop("""\
        mine = Order.objects.filter(user_id=user.pk)
        """, module="orders.views")


def test_lookups_on_remote_querysets_are_the_monolith_s_business():
    text, _ = run("from catalog.models import Product\nProduct.objects.filter(product=1)\n",
                  module="orders.views")
    assert text.endswith("Product.objects.filter(product=1)\n")


def test_lookup_on_a_replaced_relation_uses_the_id():
    check_transformed("""\
        mine = Order.objects.filter(user=request.user, status="paid")
        none = Order.objects.exclude(user__isnull=True)
        """, """\
        from decompose_remote.models import pk_of

        mine = Order.objects.filter(user_id=pk_of(request.user), status="paid")
        none = Order.objects.exclude(user_id__isnull=True)
        """, module="orders.views")


def test_lookups_comparing_the_relation_with_objects_compare_their_ids():
    rewrites = check_transformed("""\
        mixed = Order.objects.filter(user__in=users, tags__in=tags)
        mine = Order.objects.exclude(user__exact=request.user)
        """, """\
        from decompose_remote.models import pk_of, pks_of

        mixed = Order.objects.filter(user_id__in=pks_of(users), tags_pairs__tag_id__in=pks_of(tags))
        mine = Order.objects.exclude(user_id=pk_of(request.user))
        """, module="orders.views")
    assert [r.message for r in rewrites] == [
        "tags__in=... -> tags_pairs__tag_id__in=pks_of(...)",
        "user__in=... -> user_id__in=pks_of(...)",
        "user__exact=... -> user_id=pk_of(...)"]


def test_the_services_own_relations_followed_first_keep_their_path():
    # Tandoor's Q(step__recipe__created_by=request.user) | Q(book__shared=request.user)
    rewrites = check_transformed("""\
        mine = Q(order__user=me) | Q(lines__order__tags__in=tags)
        c = Order.objects.filter(lines__product__price__lte=x)
        one = Order.objects.get(lines__product__pk=5)
        """, """\
        from decompose_remote.models import pk_of, pks_of, pks_where

        mine = Q(order__user_id=pk_of(me)) | Q(lines__order__tags_pairs__tag_id__in=pks_of(tags))
        c = Order.objects.filter(lines__product_id__in=pks_where("catalog.Product", price__lte=x))
        one = Order.objects.get(lines__product_id=5)
        """, module="orders.views")
    assert [r.message for r in rewrites] == [
        "lines__order__tags__in=... -> lines__order__tags_pairs__tag_id__in=pks_of(...)",
        "order__user=... -> order__user_id=pk_of(...)",
        "lines__product__price__lte=... -> lines__product_id__in=pks_where('catalog.Product', "
        "price__lte=...): the monolith finds the matching rows",
        "lines__product__pk -> lines__product_id"]


def test_a_path_through_relations_the_service_has_not_is_left_alone():
    check_noop("""\
        some = Order.objects.filter(customer__user=me, lines__shipment__user=me)
        """, module="orders.views")


def test_pk_lookups_through_a_replaced_relation_use_the_id_column():
    check_transformed("""\
        mine = Order.objects.filter(user__pk__in=ids)
        one = Order.objects.get(user__id=5)
        """, """\
        mine = Order.objects.filter(user_id__in=ids)
        one = Order.objects.get(user_id=5)
        """, module="orders.views")


def test_one_step_into_the_remote_model_asks_the_monolith_for_the_matching_rows():
    rewrites = check_transformed("""\
        cheap = OrderLine.objects.filter(product__price__lte=x)
        """, """\
        from decompose_remote.models import pks_where

        cheap = OrderLine.objects.filter(product_id__in=pks_where("catalog.Product", price__lte=x))
        """, module="orders.views")
    assert [r.level for r in rewrites] == [Level.INFO]


def test_two_lookups_into_one_remote_row_are_one_question():
    # taiga: Q(project__is_private=True, project__anon_permissions__contains=[key]); two
    # project_id__in keywords would not even compile.
    text, _ = run("few = OrderLine.objects.filter(product__price__lte=x, qty=1, "
                  "product__active=True)\n", module="orders.views")
    assert text == ("from decompose_remote.models import pks_where\n\n"
                    'few = OrderLine.objects.filter(product_id__in=pks_where("catalog.Product", '
                    "price__lte=x, active=True), qty=1)\n")


def test_deeper_traversal_of_a_replaced_relation_is_an_error():
    text, rewrites = run('lines = OrderLine.objects.filter(product__category__slug=s)\n',
                         module="orders.views")
    assert text == 'lines = OrderLine.objects.filter(product__category__slug=s)\n'
    assert [r.level for r in rewrites] == [Level.ERROR]
    assert str(rewrites[0].location) == "orders/views.py:1"


def test_a_many_to_many_kept_as_pairs_is_looked_up_through_them():
    check_transformed("""\
        Order.objects.filter(tags=tag)
        Order.objects.filter(tags__pk__in=keys)
        Order.objects.filter(tags__name="x")
        """, """\
        from decompose_remote.models import pk_of, pks_where

        Order.objects.filter(tags_pairs__tag_id=pk_of(tag))
        Order.objects.filter(tags_pairs__tag_id__in=keys)
        Order.objects.filter(tags_pairs__tag_id__in=pks_where("catalog.Tag", name="x"))
        """, module="orders.views")


def test_traversal_of_a_many_to_many_further_than_one_field_is_an_error():
    _, rewrites = run('Order.objects.filter(tags__group__name="x")\n', module="orders.views")
    assert [r.level for r in rewrites] == [Level.ERROR]


def _with_reverse_keys(source: str, module: str = "orders.views") -> tuple[str, list[str]]:
    boundary = replace(BOUNDARY, reverse_keys=(
        ReverseKey("order", "orders.Order", "user_id", "accounts.User"),))
    outcome = transform(textwrap.dedent(source), module.replace(".", "/") + ".py", module,
                        boundary)
    return outcome.text, [r.message for r in outcome.rewrites]


def test_a_lookup_through_a_moved_models_key_asks_the_services_rows():
    # Tandoor's UserViewSet: queryset = User.objects; self.queryset.filter(userspace__space=s)
    text, messages = _with_reverse_keys("""\
        from accounts.models import User


        class UserViewSet(ModelViewSet):
            queryset = User.objects

            def get_queryset(self):
                mine = self.queryset.filter(order__status="paid", is_active=True,
                                            order__total__gte=10)
                return mine.exclude(order__status="open")


        buyers = User.objects.filter(order__lines__product=5)
        """)
    rows = 'Order._base_manager.filter({}).values_list("user_id", flat=True)'
    assert text == textwrap.dedent("""\
        from accounts.models import User
        from orders.models import Order


        class UserViewSet(ModelViewSet):
            queryset = User.objects

            def get_queryset(self):
                mine = self.queryset.filter(pk__in={}, is_active=True)
                return mine.exclude(order__status="open")


        buyers = User.objects.filter(pk__in={})
        """).format(rows.format('status="paid", total__gte=10'), rows.format("lines__product=5"))
    assert messages == [
        "order__status=... -> pk__in=<orders.Order rows where status=...>.user_id: the service "
        "holds the key",
        "order__total__gte=... -> pk__in=<orders.Order rows where total__gte=...>.user_id: the "
        "service holds the key",
        "order__lines__product=... -> pk__in=<orders.Order rows where lines__product=...>."
        "user_id: the service holds the key"]


def test_a_moved_models_own_relation_of_that_name_is_left_alone():
    # OrderLine.order is also "order": from a moved model, or a query of unknown model, it is
    # the service's own relation
    source = """\
        lines = OrderLine.objects.filter(order__status="paid")
        some = Q(order__status="paid")
        """
    assert _with_reverse_keys(source) == (textwrap.dedent(source), [])


def test_two_questions_in_one_call_are_an_error():
    source = """\
        from accounts.models import User
        both = User.objects.filter(order__status="paid", pk__in=ids)
        """
    assert _with_reverse_keys(source) == (textwrap.dedent(source), [
        "lookups through order would be several pk__in arguments of one call: rewrite it by "
        "hand"])
