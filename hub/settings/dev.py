"""Local development: DEBUG on, well-known demo accounts allowed. Never deploy with this module."""

from csp.constants import SELF, UNSAFE_INLINE

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
HUB_DEMO_ALLOWED = True
HUB_GRAPHIQL = HUB_GRAPHQL_INTROSPECTION = HUB_GRAPHQL_SESSIONS = True
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# GraphiQL (development only) loads its scripts and styles from jsdelivr and starts with an inline script.
_graphiql = ["https://cdn.jsdelivr.net"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "script-src": [SELF, UNSAFE_INLINE, *_graphiql],
        "style-src": [SELF, UNSAFE_INLINE, *_graphiql],
        "font-src": [SELF, *_graphiql],
    }
}
