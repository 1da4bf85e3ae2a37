"""Issue 15, point 7: signals cross from the orders service to the monolith as events, on
PostgreSQL and a real RabbitMQ, with the generated relay and consumer commands as processes.

The notifications app stays in the monolith; its receivers (``order_placed``, ``post_save`` of
Order) are served by the service's outbox, relay and the monolith's consumer. An order placed
through the service must leave the same notification, stock and payment rows as one placed
through the monolith, exactly once, even across a broker restart and a killed consumer.
"""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.stack import Stack
from tests.support.demo import demo_token
from tests.support.processes import stop
from tests.support.rabbitmq import RabbitNode, temporary_rabbitmq

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# 1,000 by default, as the issue asks; DECOMPOSE_E2E_EVENT_ORDERS lowers it on a slow machine.
ORDERS = int(os.environ.get("DECOMPOSE_E2E_EVENT_ORDERS", "1000"))
KINDS = ("order_placed", "order_status", "payment")


class Command:
    """A management command kept running in the background (restartable), its log on disk."""

    def __init__(self, cwd: Path, env: dict[str, str], name: str, log: Path) -> None:
        self.cwd, self.env, self.name, self.log = cwd, env, name, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, "manage.py", self.name],
                                            cwd=self.cwd, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash or an OOM kill would end it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@pytest.fixture(scope="module")
def broker() -> Iterator[RabbitNode]:
    with temporary_rabbitmq() as node:
        yield node


@pytest.fixture(scope="module")
def stack(extracted_shop) -> Stack:
    running = extracted_shop["orders"]
    running.sql("UPDATE inventory_stockitem SET quantity = quantity + 100000 "
                "WHERE product_id = %s", checkout(running)["lines"][0]["product"])
    return running


@pytest.fixture(scope="module")
def workers(stack: Stack, broker: RabbitNode, tmp_path_factory) -> Iterator[dict[str, Command]]:
    """The service's relay and the monolith's consumer, as the generated manifests run them."""
    logs = tmp_path_factory.mktemp("events")
    started = {
        "relay": Command(stack.service_root, {**stack.service_env,
                                              "DECOMPOSE_BROKER_URL": broker.url},
                         "decompose_relay", logs / "relay.log"),
        "consumer": Command(stack.monolith_root, {**stack.monolith_env,
                                                  "DECOMPOSE_BROKER_URL": broker.url},
                            "decompose_consume", logs / "consumer.log"),
    }
    for command in started.values():
        command.start()
    yield started
    for command in started.values():
        command.stop()


def checkout(stack: Stack, username: str = "alice") -> dict:
    product = stack.sql("SELECT s.product_id FROM inventory_stockitem s JOIN catalog_product p "
                        "ON p.id = s.product_id WHERE p.is_active ORDER BY 1 LIMIT 1")[0][0]
    address = stack.sql("SELECT a.id FROM accounts_address a JOIN accounts_user u "
                        "ON u.id = a.user_id WHERE u.username = %s LIMIT 1", username)[0][0]
    return {"shipping_address": address, "lines": [{"product": product, "quantity": 1}]}


def notifications(stack: Stack, orders: list[int]) -> dict[int, collections.Counter]:
    """Per order, how many notifications of each kind its customer got."""
    wanted = set(orders)
    found: dict[int, collections.Counter] = {order: collections.Counter() for order in orders}
    for kind, message in stack.sql("SELECT kind, message FROM notifications_notification"):
        for number in re.findall(r"#(\d+)\b", message):
            if int(number) in wanted:
                found[int(number)][kind] += 1
    return found


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


def once_each(stack: Stack, orders: list[int]) -> bool:
    return all(counts == dict.fromkeys(KINDS, 1)
               for counts in notifications(stack, orders).values())


def test_an_order_through_the_service_leaves_the_same_rows_as_through_the_monolith(
        stack: Stack, workers: dict[str, Command]) -> None:
    body = checkout(stack)
    product = body["lines"][0]["product"]
    reserved = "SELECT sum(reserved) FROM inventory_stockitem WHERE product_id = %s"
    before = stack.sql(reserved, product)[0][0]
    mono = stack.monolith.send("POST", "/api/orders/", body,
                               {"Authorization": f"Token {demo_token('alice')}"})
    serv = stack.service.send("POST", "/api/orders/", body, stack.signed_in("alice")[1])
    assert mono.status == serv.status == 201, (mono.body[:300], serv.body[:300])
    ids = [mono.json()["id"], serv.json()["id"]]
    wait_for(lambda: once_each(stack, ids), 30, "the service order's notifications")
    counts = notifications(stack, ids)
    assert counts[ids[0]] == counts[ids[1]] == dict.fromkeys(KINDS, 1)  # 3 and 3
    assert stack.sql(reserved, product)[0][0] - before == 2  # one unit reserved per order
    payments = stack.sql("SELECT o.id, p.status, p.amount = o.total FROM payments_payment p "
                         "JOIN orders_order o ON o.id = p.order_id WHERE o.id = ANY(%s) "
                         "ORDER BY 1", ids)
    assert payments == [(ids[0], "captured", True), (ids[1], "captured", True)]
    published = stack.sql("SELECT routing_key, request_id <> '' FROM decompose_outbox "
                          "WHERE aggregate = %s ORDER BY id", f"orders.Order:{ids[1]}")
    assert [key for key, _ in published] == [
        "django.db.models.signals.post_save:orders.Order",
        "django.db.models.signals.post_save:orders.Order", "orders.signals.order_placed:*"]
    assert all(has_request_id for _, has_request_id in published)
    # the monolith's consumer ran notifications' receivers as that request, for that event:
    # its lines (the monolith's log format, no ids in it) end with both ids
    events = stack.sql("SELECT event_id, request_id FROM decompose_outbox WHERE aggregate = %s",
                       f"orders.Order:{ids[1]}")
    wait_for(lambda: all(f" request={request} event={event}" in workers["consumer"].log
                         .read_text() for event, request in events), 30, "the consumer's lines")


def test_a_thousand_orders_notify_exactly_once_across_a_broker_restart_and_a_killed_consumer(
        stack: Stack, broker: RabbitNode, workers: dict[str, Command]) -> None:
    """The broker stops after a quarter of the orders and comes back at half, when the consumer
    is killed; it restarts at three quarters. Orders are taken all along (the outbox holds).
    carol places them: the other modules' tests read alice's orders, a thousand more would
    exceed what one question to the monolith may answer."""
    body, cookie = checkout(stack, "carol"), stack.session_cookie("carol")
    token = {"Authorization": ""}

    def place(_: int) -> int:
        reply = stack.service.send("POST", "/api/orders/", body, token)
        assert reply.status == 201, reply.body[:300]
        return int(reply.json()["id"])

    incidents = {ORDERS // 4: broker.stop, ORDERS // 2: lambda: (broker.start(),
                                                                  workers["consumer"].kill()),
                 ORDERS * 3 // 4: workers["consumer"].start}
    placed: list[int] = []
    with ThreadPoolExecutor(4) as pool:
        while len(placed) < ORDERS:
            # Access tokens are short-lived: exchange the session again, as the gateway does.
            token["Authorization"] = f"Bearer {stack.exchange(cookie)}"
            placed += pool.map(place, range(min(50, ORDERS - len(placed))))
            incidents.pop(len(placed), lambda: None)()
    assert len(set(placed)) == ORDERS
    wait_for(lambda: once_each(stack, placed), 300, "every notification, exactly once")
    assert stack.sql("SELECT count(*) FROM decompose_outbox WHERE sent_at IS NULL") == [(0,)]


def test_a_poisoned_event_lands_in_the_dead_letter_queue_with_one_log_line(
        stack: Stack, broker: RabbitNode, workers: dict[str, Command]) -> None:
    event = uuid.uuid4()
    missing = stack.sql("SELECT coalesce(max(id), 0) + 1000000 FROM orders_order")[0][0]
    payload = {"signal": "orders.signals.order_placed", "sender": "orders.Order",
               "kwargs": {"values": {"order": {"$model": "orders.Order", "pk": missing}},
                          "classes": {}}}
    stack.sql("INSERT INTO decompose_outbox (event_id, origin, routing_key, aggregate, payload, "
              "request_id, created_at) VALUES (%s, 'orders', 'orders.signals.order_placed:*', "
              "'', %s, 'poison', now())", event, json.dumps(payload))
    wait_for(lambda: broker.queue_depths().get("decompose.events.monolith.dead") == 1, 60,
             "the dead-letter queue")
    lines = [line for line in workers["consumer"].log.read_text().splitlines()
             if str(event) in line and "dead-lettered" in line]
    assert len(lines) == 1, lines
    assert "notifications.receivers.notify_order_placed" in lines[0]
    assert "AttributeError" in lines[0] and "request poison" in lines[0]
