"""E-mails to registrants, sent once the transaction that decided them has committed (a rolled-back change
sends nothing; a mail server that fails is logged, never turned into an error for the request)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tenants.selectors import active_venue

from .models import Registration

logger = logging.getLogger(__name__)


def _send_on_commit(recipient: str, subject: str, body: str) -> None:
    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        except Exception:  # an SMTP outage must not undo what was committed
            logger.exception("could not send %r to %s", subject, recipient)

    transaction.on_commit(send)


def _when(registration: Registration) -> str:
    venue = active_venue()
    return registration.event.starts_at.astimezone(venue.tzinfo).strftime("%d/%m/%Y %H:%M")


def promoted(registration: Registration) -> None:
    """The person had been waiting; a seat freed up and is now theirs."""
    venue = active_venue()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your place at %(event)s is confirmed") % {"event": registration.event.title}
        body = _(
            "Good news: a place has freed up at %(event)s (%(when)s, %(venue)s) and it is yours.\n"
            "If you can no longer come, please cancel your registration so someone else can take it."
        ) % {"event": registration.event.title, "when": _when(registration), "venue": venue.name}
    _send_on_commit(registration.person.email, subject, body)


def event_cancelled(registration: Registration) -> None:
    venue = active_venue()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(event)s is cancelled") % {"event": registration.event.title}
        body = _("%(venue)s has cancelled %(event)s (%(when)s). Your registration is cancelled with it.") % {
            "event": registration.event.title,
            "when": _when(registration),
            "venue": venue.name,
        }
    _send_on_commit(registration.person.email, subject, body)
