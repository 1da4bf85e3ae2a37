from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed, run


def test_paths_inside_the_service_are_kept():
    check_noop("""\
        qs = Order.objects.prefetch_related("lines").select_related(None)
        """, module="orders.views")


def test_path_through_a_replaced_relation_is_cut_there():
    check_transformed("""\
        qs = Order.objects.prefetch_related("lines__product")  # for the table
        """, """\
        qs = Order.objects.prefetch_related("lines")  # for the table
        """, module="orders.views")


def test_call_left_without_paths_is_removed():
    check_transformed("""\
        qs = (
            Order.objects.filter(status="paid")
            .select_related("user")
            .order_by("-id")
        )
        """, """\
        qs = (
            Order.objects.filter(status="paid")
            .order_by("-id")
        )
        """, module="orders.views")


def test_reverse_accessor_of_a_model_that_stays_is_an_error():
    text, rewrites = run('qs = Order.objects.prefetch_related("lines", "shipments__carrier")\n',
                         module="orders.views")
    assert text == 'qs = Order.objects.prefetch_related("lines")\n'
    assert [r.level for r in rewrites] == [Level.ERROR]
