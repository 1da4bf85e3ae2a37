"""Signals other apps listen to, so orders need not know who reacts to a new order."""

from django.dispatch import Signal

# Sent once an order, its lines, stock reservations and payment exist; ``order`` is the Order.
order_placed = Signal()
