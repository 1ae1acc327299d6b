"""Prometheus metrics at ``/metrics``: turns handled, and the state of the outbox and timers
(read from the database at scrape time, so every replica reports the shared truth)."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from storage import Store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # one per application, not the global one
        self.turns = Counter(
            "wasstraat_turns",
            "Activities handled at /api/messages",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "wasstraat_outbox_pending", "Messages waiting to be delivered", registry=self.registry
        )
        self.outbox_oldest = Gauge(
            "wasstraat_outbox_oldest_undelivered_seconds",
            "Age of the oldest undelivered message",
            registry=self.registry,
        )
        self.dead_letters = Gauge(
            "wasstraat_outbox_dead_letters",
            "Messages that could not be delivered",
            registry=self.registry,
        )
        self.timers_due = Gauge(
            "wasstraat_timers_due",
            "Timers whose moment has come but have not fired",
            registry=self.registry,
        )
        self.timer_oldest = Gauge(
            "wasstraat_timer_oldest_overdue_seconds",
            "How long the most overdue timer has been due",
            registry=self.registry,
        )

    async def refresh(self, store: Store, now: datetime) -> None:
        state = await store.operational_state(now)
        self.outbox_pending.set(state["outbox_pending"])
        self.outbox_oldest.set(_age(now, state["outbox_oldest"]))
        self.dead_letters.set(state["dead_letters"])
        self.timers_due.set(state["timers_due"])
        self.timer_oldest.set(_age(now, state["timer_oldest"]))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _age(now: datetime, since: datetime | None) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0
