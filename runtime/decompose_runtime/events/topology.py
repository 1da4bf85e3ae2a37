"""What the relay and the consumer declare on the broker (both declare it, idempotently, so
either may start first):

- ``decompose.events``: a durable direct exchange; an event's routing key is
  ``<signal path>:<sender label or *>`` (:attr:`ForwardedSignal.routing_key`);
- ``decompose.events.<side>``: each consuming side's durable queue, bound with the keys it
  consumes, with one active consumer at a time (``x-single-active-consumer``), so events are
  applied in publication order and order per aggregate holds with several replicas;
- ``decompose.events.dlx``: the dead-letter exchange, and ``decompose.events.<side>.dead``: the
  queue where an event lands after it failed ``DECOMPOSE_EVENTS_MAX_TRIES`` times.
"""

from __future__ import annotations

from kombu.entity import Exchange, Queue, binding

from decompose_runtime.events.forwarding import DEAD_LETTER_EXCHANGE, EXCHANGE, Forwarding

events_exchange = Exchange(EXCHANGE, type="direct", durable=True)
dead_letter_exchange = Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True)


def consumer_queues(forwarding: Forwarding) -> tuple[Queue, Queue]:
    """This side's queue (one binding per consumed signal) and its dead-letter queue."""

    queue = Queue(forwarding.queue, exchange=events_exchange, durable=True,
                  bindings=[binding(events_exchange, routing_key=forwarded.routing_key)
                            for forwarded in forwarding.consume],
                  queue_arguments={"x-single-active-consumer": True,
                                   "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                                   "x-dead-letter-routing-key": forwarding.queue})
    dead = Queue(forwarding.dead_letter_queue, exchange=dead_letter_exchange,
                 routing_key=forwarding.queue, durable=True)
    return queue, dead
