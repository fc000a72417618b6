"""WSGI entry point (gunicorn). django-tenants is not async-safe, so there is no ASGI module."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.prod")

application = get_wsgi_application()
