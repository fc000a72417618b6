"""E-mails to registrants, sent once the transaction that decided them has committed (a rolled-back change
sends nothing; a mail server that fails is logged, never turned into an error for the request). Messages of
one change go out over one connection, with the connection's timeout (EMAIL_TIMEOUT)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tenants.selectors import active_venue

from .models import Registration

logger = logging.getLogger(__name__)


def _send_on_commit(messages: list[EmailMessage]) -> None:
    if not messages:
        return

    def send() -> None:
        try:
            get_connection().send_messages(messages)
        except Exception:  # an SMTP outage must not undo what was committed
            logger.exception("could not send %d notice(s): %r", len(messages), messages[0].subject)

    transaction.on_commit(send)


def _message(registration: Registration, subject: str, body: str) -> EmailMessage:
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [registration.person.email])


def promoted(registration: Registration) -> None:
    """The person had been waiting; a seat freed up and is now theirs."""
    venue = active_venue()
    event = registration.event
    when = event.starts_at.astimezone(venue.tzinfo).strftime("%d/%m/%Y %H:%M")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your place at %(event)s is confirmed") % {"event": event.title}
        body = _(
            "Good news: a place has freed up at %(event)s (%(when)s, %(venue)s) and it is yours.\n"
            "If you can no longer come, please cancel your registration so someone else can take it."
        ) % {"event": event.title, "when": when, "venue": venue.name}
    _send_on_commit([_message(registration, subject, body)])


def event_cancelled(registrations: list[Registration]) -> None:
    if not registrations:
        return
    venue = active_venue()
    event = registrations[0].event
    when = event.starts_at.astimezone(venue.tzinfo).strftime("%d/%m/%Y %H:%M")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(event)s is cancelled") % {"event": event.title}
        body = _("%(venue)s has cancelled %(event)s (%(when)s). Your registration is cancelled with it.") % {
            "event": event.title,
            "when": when,
            "venue": venue.name,
        }
    _send_on_commit([_message(registration, subject, body) for registration in registrations])
