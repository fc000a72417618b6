"""Keep the host → venue cache true: any change to a Domain or Venue forgets the hosts involved."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Domain, Venue
from .selectors import forget_host


def _forget_now_and_on_commit(*hosts: str) -> None:
    # Now, for readers in this transaction; on commit, for readers that cached the old row meanwhile.
    forget_host(*hosts)
    transaction.on_commit(lambda: forget_host(*hosts))


@receiver(pre_save, sender=Domain)
def remember_previous_host(sender: type[Domain], instance: Domain, **kwargs: Any) -> None:
    if instance.pk:
        instance._previous_host = Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first()


@receiver([post_save, post_delete], sender=Domain)
def forget_domain(sender: type[Domain], instance: Domain, **kwargs: Any) -> None:
    hosts = {instance.domain, getattr(instance, "_previous_host", None) or instance.domain}
    _forget_now_and_on_commit(*hosts)


@receiver([post_save, post_delete], sender=Venue)
def forget_venue_hosts(sender: type[Venue], instance: Venue, **kwargs: Any) -> None:
    hosts = list(Domain.objects.filter(tenant_id=instance.pk).values_list("domain", flat=True))
    if hosts:
        _forget_now_and_on_commit(*hosts)
