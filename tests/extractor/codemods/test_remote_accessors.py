from dataclasses import replace

from extractor.codemods import transform
from extractor.codemods.base import RemoteAccessor
from tests.extractor.codemods.tools import BOUNDARY

SHIPMENTS = RemoteAccessor("orders.Order", "shipments", "shipping.Shipment", "order")
PAYMENT = RemoteAccessor("orders.Order", "payment", "payments.Payment", "order", one=True)


def run(source: str, accessors: tuple[RemoteAccessor, ...]):
    """All codemods run (pin_tables pins Order's table too); these tests look at this one."""
    outcome = transform(source, "orders/models.py", "orders.models",
                        replace(BOUNDARY, remote_accessors=accessors))
    return outcome.text, [r for r in outcome.rewrites if r.codemod == "remote_accessors"]


def test_models_without_reverse_relations_from_the_monolith_are_left_alone():
    source = "class Order(models.Model):\n    status = models.CharField(max_length=10)\n"
    for accessors, text in (((), source), ((SHIPMENTS,), source.replace("Order", "Basket"))):
        changed, rewrites = run(text, accessors)
        assert "RemoteReverse" not in changed and rewrites == []


def test_reverse_relations_are_declared_before_meta_and_reported():
    text, rewrites = run('''\
class Order(models.Model):
    status = models.CharField(max_length=10)  # kept as written

    class Meta:
        ordering = ["-id"]
''', (PAYMENT, SHIPMENTS))
    assert text.startswith("from decompose_remote.models import RemoteReverse\n")
    assert '''\
    status = models.CharField(max_length=10)  # kept as written
    payment = RemoteReverse("payments.Payment", "order", one=True)
    shipments = RemoteReverse("shipping.Shipment", "order")

    class Meta:
        ordering = ["-id"]
''' in text
    assert [r.location.line for r in rewrites] == [1, 1]
    assert rewrites[1].message == (
        "orders.Order.shipments: reverse relation of shipping.Shipment.order, which stays in "
        "the monolith -> RemoteReverse (the monolith answers)")


def test_a_name_the_class_defines_itself_is_not_overridden():
    text, rewrites = run('''\
class Order(models.Model):
    @property
    def payment(self):
        return None
''', (PAYMENT, SHIPMENTS))
    assert 'payment = RemoteReverse' not in text and 'shipments = RemoteReverse' in text
    assert [r.message.split(":")[0] for r in rewrites] == ["orders.Order.shipments"]
