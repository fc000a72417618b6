"""Recording events in the outbox. Call inside the transaction of the change, with the aggregate's row
locked (so versions of one aggregate are strictly increasing in commit order); nothing is published here."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import Max
from django_tenants.utils import schema_context

from tenants.models import Venue

from .models import OutboxEvent

logger = logging.getLogger(__name__)


def record(
    *, venue: Venue, aggregate_type: str, aggregate_id: Any, event_type: str, payload: dict[str, Any]
) -> OutboxEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox events are recorded inside the transaction of the change they describe")
    with schema_context("public"):  # the outbox lives in public; the caller's venue schema comes back after
        current = (
            OutboxEvent.objects.filter(
                venue=venue, aggregate_type=aggregate_type, aggregate_id=str(aggregate_id)
            ).aggregate(v=Max("version"))["v"]
            or 0
        )
        event = OutboxEvent.objects.create(
            venue=venue,
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            version=current + 1,
            event_type=event_type,
            payload=payload,
        )
    connection = transaction.get_connection()
    if not any(callback is nudge_relay for _savepoints, callback, _robust in connection.run_on_commit):
        transaction.on_commit(nudge_relay)  # once per transaction
    return event


# After a nudge fails, nudges pause this long: reaching a broker that is down takes seconds (the Redis client's
# connection retries), which every write would otherwise wait for after its commit.
PAUSE_AFTER_FAILURE = 5.0
_paused_until = 0.0


def nudge_relay() -> None:
    """Ask a worker to drain the outbox now (after commit). If the broker is unreachable, the beat schedule
    drains it later: a lost nudge delays an event, never loses it. After a failure, nudges are skipped for
    PAUSE_AFTER_FAILURE seconds, so that a broker outage costs one write its wait, not every write."""
    global _paused_until
    from .tasks import drain_outbox

    if time.monotonic() < _paused_until:
        return
    try:
        drain_outbox.apply_async(retry=False, ignore_result=True, expires=60)
    except Exception:  # the broker is down: the request that changed things must still succeed
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        logger.warning(
            "could not nudge the outbox relay; the beat schedule will drain it (no nudge for %.0f s)",
            PAUSE_AFTER_FAILURE,
        )
