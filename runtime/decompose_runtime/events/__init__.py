"""Signals that cross the service boundary as events: a transactional outbox, a relay that
publishes it to RabbitMQ, and a consumer that sends the same Django signal on the other side.

A Django app (label ``decompose_events``) installed on both sides. What each side publishes and
consumes is data the extractor generates (see :mod:`decompose_runtime.events.forwarding`), so the
receivers themselves stay unchanged: they run later, after the sender's commit, in the consumer.
"""
