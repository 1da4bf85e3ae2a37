"""Lookups and orderings through a replaced key deeper than one field, when the monolith's
bridge runs them as a join (the plan found ``catalog.Product`` -> ``members`` -> ``user``
between allowlisted models, as taiga's ``project__memberships__user``)."""

import textwrap
from dataclasses import replace

from decompose.model import Level
from extractor.codemods import transform
from tests.extractor.codemods.tools import BOUNDARY

JOINED = replace(BOUNDARY, joins=frozenset({("catalog.Product", "members__user"),
                                            ("catalog.Product", "members__rank")}))


def run(source: str) -> tuple[str, list[tuple[int, str, Level, str]]]:
    outcome = transform(textwrap.dedent(source), "orders/views.py", "orders.views", JOINED)
    return outcome.text, [(r.location.line, r.codemod, r.level, r.message)
                          for r in outcome.rewrites]


def test_an_ordering_on_the_service_s_own_fields_is_left_alone():
    source = 'rows = OrderLine.objects.filter(qty=1).order_by("-qty", "product_id")\n'
    assert run(source) == (source, [])


def test_a_join_through_a_replaced_key_asks_the_monolith_and_ranks_by_the_filter_s_row():
    # taiga's UserProjectSettings: filter(project__memberships__user=u)
    #     .order_by('project__memberships__user_order')
    text, rewrites = run("""\
        rows = OrderLine.objects.filter(qty=1).filter(product__members__user=u)\\
            .order_by("-product__members__rank").distinct()
        either = OrderLine.objects.filter(Q(product__members__user__in=us) | Q(qty=2))
        """)
    assert text == textwrap.dedent("""\
        from decompose_remote.models import pks_where, ordered_where

        rows = ordered_where(OrderLine.objects.filter(qty=1).filter(product_id__in=pks_where("catalog.Product", members__user=u)), "product_id", "catalog.Product", "-members__rank", members__user=u).distinct()
        either = OrderLine.objects.filter(Q(product_id__in=pks_where("catalog.Product", members__user__in=us)) | Q(qty=2))
        """)  # noqa: E501
    assert rewrites == [
        (1, "fk_ordering", Level.INFO, "order_by('-product__members__rank') -> ordered_where("
         "rows, 'product_id', 'catalog.Product', '-members__rank', members__user=...): the "
         "monolith ranks the rows' keys"),
        # (reported on the statement's next line: the rewrite joined its two lines into one)
        (2, "fk_lookups", Level.INFO, "product__members__user=... -> product_id__in=pks_where("
         "'catalog.Product', members__user=...): the monolith finds the matching rows"),
        (3, "fk_lookups", Level.INFO, "product__members__user__in=... -> product_id__in="
         "pks_where('catalog.Product', members__user__in=...): the monolith finds the matching "
         "rows")]


def test_a_one_step_ordering_needs_no_join_to_reuse():
    text, rewrites = run('rows = OrderLine.objects.order_by("product__price")\n')
    assert text == ("from decompose_remote.models import ordered_where\n\n"
                    'rows = ordered_where(OrderLine.objects, "product_id", "catalog.Product", '
                    '"price")\n')
    assert [r[1:3] for r in rewrites] == [("fk_ordering", Level.INFO)]


def test_an_ordering_whose_join_the_service_cannot_name_is_an_error():
    # Without one filter() naming product__members, Django's order_by would join every member
    # row (or reuse a join the service does not see): which row ranks is not the service's to say.
    source = textwrap.dedent("""\
        a = OrderLine.objects.order_by("product__members__rank")
        b = OrderLine.objects.filter(Q(product__members__user=u)).order_by("product__members__rank")
        c = OrderLine.objects.exclude(product__members__user=u).order_by("product__members__rank")
        d = OrderLine.objects.filter(product__members__user=u).order_by("product__members__rank", "qty")
        e = OrderLine.objects.filter(product__members__user=u).order_by("product__members__role")
        """)  # noqa: E501
    text, rewrites = run(source)
    assert [line.partition(".order_by")[2] for line in text.splitlines()[2:]] == [
        line.partition(".order_by")[2] for line in source.splitlines()]  # the filters rewritten
    errors = [(line, message.partition(": ")[2]) for line, codemod, level, message in rewrites
              if codemod == "fk_ordering" and level == Level.ERROR]
    reuse = ("exactly one filter() of the chain must name product__members in keywords, the "
             "join Django's order_by reuses (none, a Q, an exclude() or several do)")
    assert errors == [
        (1, reuse), (2, reuse), (3, reuse),
        (4, "it is not the call's only ordering, or 'product' is not one key to one monolith "
         "model"),
        (5, "the monolith's bridge does not run 'members__role' from catalog.Product")]


def test_a_deeper_lookup_the_bridge_does_not_run_stays_an_error():
    text, rewrites = run("rows = OrderLine.objects.filter(product__members__role='x')\n")
    assert text == "rows = OrderLine.objects.filter(product__members__role='x')\n"
    assert [r[1:3] for r in rewrites] == [("fk_lookups", Level.ERROR)]
