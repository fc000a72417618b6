"""The relay: takes pending outbox events in batches (`FOR UPDATE SKIP LOCKED`, so several workers share
the work without waiting on each other), applies the projectors and marks the events processed, in one
transaction per batch. A crash mid-batch rolls the whole batch back: nothing is lost, nothing is applied
twice (and projectors are idempotent besides). An event whose projector fails is retried by later runs and
parked after MAX_ATTEMPTS, with its error, without holding up the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from .models import OutboxEvent
from .projectors import apply

logger = logging.getLogger(__name__)
BATCH = 200
MAX_ATTEMPTS = 5


@dataclass
class DrainReport:
    processed: int = 0
    failed: int = 0
    parked: int = 0
    batches: int = 0


def pending() -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(processed_at__isnull=True, parked_at__isnull=True)


def drain_batch(size: int = BATCH) -> DrainReport:
    """One batch, in one transaction. Events of an aggregate go in version order within the batch; across
    batches and workers the projectors' version guard keeps an older event from overwriting a newer one."""
    report = DrainReport(batches=1)
    with transaction.atomic():
        batch = list(
            pending().select_related("venue").order_by("id").select_for_update(skip_locked=True, of=("self",))[:size]
        )
        now = timezone.now()
        for event in sorted(batch, key=lambda e: (e.venue_id, e.aggregate_type, e.aggregate_id, e.version)):
            try:
                with transaction.atomic():  # a savepoint: one poison event does not spoil the batch
                    apply(event)
            except Exception as exc:  # any projector failure is recorded on the event, never raised
                event.attempts += 1
                event.last_error = "%s: %s" % (exc.__class__.__name__, str(exc)[:1000])
                if event.attempts >= MAX_ATTEMPTS:
                    event.parked_at = now
                    report.parked += 1
                    logger.error("outbox event %s parked after %d attempts: %s", event.pk, event.attempts, exc)
                report.failed += 1
                event.save(update_fields=["attempts", "last_error", "parked_at"])
                continue
            event.processed_at = now
            event.save(update_fields=["processed_at"])
            report.processed += 1
    return report


def drain(*, size: int = BATCH, max_batches: int = 50) -> DrainReport:
    """Batches until nothing is pending (or `max_batches`, so one run never holds a worker for long)."""
    total = DrainReport()
    for _ in range(max_batches):
        report = drain_batch(size)
        total.processed += report.processed
        total.failed += report.failed
        total.parked += report.parked
        total.batches += 1
        if report.processed + report.failed == 0 or report.processed + report.failed < size:
            break
    return total


def backlog() -> dict[str, Any]:
    """How many events wait, how old the oldest is (seconds), how many are parked."""
    waiting = pending()
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "backlog": waiting.count(),
        "lag_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0.0,
        "parked": OutboxEvent.objects.filter(parked_at__isnull=False).count(),
    }
