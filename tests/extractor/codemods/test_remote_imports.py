from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed, run


def test_imports_of_moved_and_kernel_modules_are_kept():
    check_noop("""\
        from core.money import to_money
        from orders.models import Order
        from . import signals
        """, module="orders.services")


def test_imports_of_apps_that_stay_point_at_the_mirror():
    check_transformed("""\
        # stock is the inventory's business
        from inventory.services import InsufficientStock, reserve_stock  # keep


        def place():
            from catalog.models import Product
            return Product
        """, """\
        # stock is the inventory's business
        from monolith.inventory.services import InsufficientStock, reserve_stock  # keep


        def place():
            from monolith.catalog.models import Product
            return Product
        """, module="orders.services")


def test_a_name_the_mirror_cannot_provide_is_an_error():
    _, rewrites = run("from catalog.models import PRICE_CAP\n", module="orders.services")
    assert any(r.level == Level.ERROR and "PRICE_CAP" in r.message for r in rewrites)


def test_plain_module_import_is_an_error():
    _, rewrites = run("import catalog.models\n", module="orders.services")
    assert [r.level for r in rewrites] == [Level.ERROR]
