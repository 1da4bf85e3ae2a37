from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed


def test_atomic_without_remote_calls_is_kept():
    check_noop("""\
        from django.db import transaction


        @transaction.atomic
        def close(order):
            order.save()
        """, module="orders.services")


def test_atomic_that_writes_then_calls_the_monolith_becomes_compensating_and_flagged():
    rewrites = check_transformed("""\
        from django.db import transaction

        from inventory.services import reserve_stock


        @transaction.atomic
        def place(order, line):
            order.save()
            reserve_stock(line.product_id, 1)
        """, """\

        from monolith.inventory.services import reserve_stock
        from decompose_remote.transactions import compensate_on_error


        # decompose: atomic -> compensate_on_error; monolith calls are NOT undone (EXTRACTION.md)
        @compensate_on_error
        def place(order, line):
            order.save()
            reserve_stock(line.product_id, 1)
        """, module="orders.services")
    assert [r.level for r in rewrites if r.codemod == "atomic"] == [Level.ERROR]
    assert str(next(r for r in rewrites if r.codemod == "atomic").location) == \
        "orders/services.py:7"


def test_atomic_that_only_calls_the_monolith_is_kept_and_flagged():
    check_transformed("""\
        from django.db import transaction

        from inventory.services import reserve_stock


        def place(line):
            with transaction.atomic():
                reserve_stock(line.product_id, 1)
        """, """\
        from django.db import transaction

        from monolith.inventory.services import reserve_stock


        def place(line):
            # decompose: distributed transaction: monolith calls here are not rolled back
            with transaction.atomic():
                reserve_stock(line.product_id, 1)
        """, module="orders.services")
