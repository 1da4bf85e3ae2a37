import threading

import pytest
from django.db import connection

from inventory.models import StockItem
from inventory.services import InsufficientStock, release_stock, reserve_stock


@pytest.mark.django_db
def test_reserve_takes_from_preferred_warehouse_then_the_next(keyboard):
    reserve_stock(keyboard.pk, 2)
    reserve_stock(keyboard.pk, 3)

    assert list(keyboard.stock_items.values_list("warehouse__code", "reserved")) == [
        ("PAR", 3), ("LIL", 2),
    ]


@pytest.mark.django_db
def test_reserving_more_than_available_changes_nothing(keyboard):
    with pytest.raises(InsufficientStock) as excinfo:
        reserve_stock(keyboard.pk, 8)

    assert (excinfo.value.requested, excinfo.value.available) == (8, 7)
    assert not keyboard.stock_items.filter(reserved__gt=0).exists()


@pytest.mark.django_db
def test_release_gives_back_least_preferred_warehouse_first(keyboard):
    reserve_stock(keyboard.pk, 5)

    release_stock(keyboard.pk, 3)

    assert list(keyboard.stock_items.values_list("warehouse__code", "reserved")) == [
        ("PAR", 2), ("LIL", 0),
    ]


@pytest.mark.django_db
def test_releasing_more_than_reserved_is_refused_whole(keyboard):
    reserve_stock(keyboard.pk, 1)

    with pytest.raises(ValueError, match="Only part of 2"):
        release_stock(keyboard.pk, 2)

    assert sum(keyboard.stock_items.values_list("reserved", flat=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_never_oversell(mouse):
    """Row locks serialise checkouts racing for the last units (SQLite locks the whole file)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def buy() -> None:
        start.wait()
        try:
            reserve_stock(mouse.pk, 3)
            outcomes.append("reserved")
        except InsufficientStock:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "reserved", "reserved", "reserved"]
    assert StockItem.objects.get(product=mouse).reserved == 9


@pytest.mark.django_db
def test_stock_api_is_staff_only(customer_client, staff_client, keyboard):
    url = "/api/inventory/stock/"

    assert customer_client.get(url).status_code == 403
    rows = staff_client.get(url, {"product": keyboard.pk}).json()["results"]
    assert [(row["warehouse"], row["available"]) for row in rows] == [("PAR", 3), ("LIL", 4)]
