"""The test suite: real PostgreSQL and Redis (embedded throwaway instances unless URLs are set)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
HUB_DEMO_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
# Every test client writes from 127.0.0.1, and the benchmarks write hundreds a minute with one token: the
# write limits are off here, and switched on by the tests of hub.throttling.
HUB_WRITES_PER_MINUTE_PER_CLIENT = HUB_WRITES_PER_MINUTE_PER_ADDRESS = 0
