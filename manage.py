#!/usr/bin/env python
"""Django's command-line utility. Starts (or joins) the embedded PostgreSQL and Redis when
DATABASE_URL / REDIS_URL are unset, so every command works on a fresh clone."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        from hub.embedded import EmbeddedServiceError, ensure_services

        try:
            ensure_services()
        except EmbeddedServiceError as exc:
            sys.exit("error: %s" % exc)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
