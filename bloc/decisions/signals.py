"""Signals other apps listen to."""

from django.dispatch import Signal

#: Sent inside the closing transaction once a poll is counted (``poll=``); receivers
#: apply what the outcome decides for them (e.g. a council's assembly votes).
poll_counted = Signal()

#: Sent at the start of every ``bloc polls tick`` (no arguments): other apps do their
#: own due work there (a council question still being sent to its assemblies).
polls_tick_started = Signal()

#: Sent inside the closing transaction once a council's delegates have decided a
#: question (``question=``): e.g. the chapter's vote on endorsing a candidate.
question_decided = Signal()
