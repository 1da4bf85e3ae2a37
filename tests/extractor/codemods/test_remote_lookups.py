import textwrap

from decompose.model import Level
from tests.extractor.codemods.tools import run

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
        (6, Level.ERROR, "lookup 'members__user' on the monolith's Product joins across "
         "'members': its bridge answers lookups on the model's own fields only and refuses this "
         "one (a 403, when the view runs); ask a remote function for these rows, or filter on "
         "ids"),
        (7, Level.ERROR, "lookup 'category__name' on the monolith's Product joins across "
         "'category': its bridge answers lookups on the model's own fields only and refuses "
         "this one (a 403, when the view runs); ask a remote function for these rows, or filter "
         "on ids")]
