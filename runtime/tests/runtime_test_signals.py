"""A custom signal the events tests forward, as a moved app's ``signals.py`` would hold."""

from django.dispatch import Signal

parcel_sent = Signal()
