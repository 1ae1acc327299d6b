"""Delivering the outbox: a worker claims due messages and sends each to its person or channel
(:mod:`.worker`), a person's reminders of the day as one digest (:mod:`.digest`), through the
conversations Teams gave the bot or ones it opens (:mod:`.conversations`); session invitations
go to the organiser's calendar (:mod:`.invitations`). Sends are paced to Teams' limits and
retried as Teams asks (:mod:`.retry`, which also reads ``Retry-After`` for Graph).

The package itself imports nothing, so a module anywhere in the bot can use :mod:`.retry`."""
