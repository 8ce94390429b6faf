"""Signals other apps listen to."""

from django.dispatch import Signal

#: Sent inside the closing transaction once a poll is counted (``poll=``); receivers
#: apply what the outcome decides for them (e.g. a council's assembly votes).
poll_counted = Signal()
