"""Custom signals the events tests forward: one as a moved app's ``signals.py`` would hold, and
one of an app that stays in the monolith with the service's stand-in for it (its mirror's)."""

from django.dispatch import Signal

parcel_sent = Signal()
parcel_returned = Signal()
parcel_returned_stand_in = Signal()
