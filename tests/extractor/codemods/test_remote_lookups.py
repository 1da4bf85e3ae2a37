import textwrap
from dataclasses import replace

from decompose.model import Level
from extractor.codemods import transform
from tests.extractor.codemods.tools import BOUNDARY, run

SOURCE = """\
    from django.db import models
    from django.db.models import Q

    from catalog.models import Product

    mine = Product.objects.filter(Q(owner=user) | ~Q(members__user=user), name__icontains="a")
    other = Product.objects.exclude(models.Q(Q(category__name="x"))).first()
    fine = Product.objects.filter(Q(pk__in=ids) | Q(owner=user), price__gte=5, owner__isnull=False)
    mine = Order.objects.filter(Q(status__name="paid"))
    """


def test_lookups_joining_across_a_remote_model_s_relations_are_reported_not_rewritten():
    # taiga's settings: Project.objects.filter(Q(owner=u) | Q(memberships__user=u)), a 403 of
    # the bridge when the view ran.
    text, rewrites = run(SOURCE, module="orders.views")
    body = textwrap.dedent(SOURCE).partition("import Product\n")[2]
    assert text.endswith(body)  # only the import is the mirror's
    assert [(r.location.line, r.level, r.message) for r in rewrites
            if r.codemod == "remote_lookups"] == [
        (line, Level.ERROR, f"lookup {key!r} on the monolith's Product joins across {field!r}, "
         "which its bridge refuses (a 403, when the view runs): it joins only through foreign "
         "keys between models of the monolith's own apps the service reads; ask a remote "
         "function for these rows, or filter on ids")
        for line, key, field in ((6, "members__user", "members"),
                                 (7, "category__name", "category"))]


def test_a_join_the_bridge_runs_is_left_to_it():
    # the plan found Product.members -> Member.user keys it allowlists (plan/joins.py)
    joined = replace(BOUNDARY, joins=frozenset({("catalog.Product", "members__user")}))
    outcome = transform(textwrap.dedent(SOURCE), "orders/views.py", "orders.views", joined)
    assert [(r.location.line, r.message.partition(" on ")[0]) for r in outcome.rewrites
            if r.codemod == "remote_lookups"] == [(7, "lookup 'category__name'")]
