"""Django settings: built from Config only (nothing here reads the environment itself)."""

from __future__ import annotations

import dj_database_url

from mam import config
from mam.config import Config
from mam.logging import logging_config

Config.ensure_directories()

DEBUG = Config.DEBUG
SECRET_KEY = Config.secret_key()
# Accounts on (the default) or the open single-user mode; read per request (accounts.roles).
MAM_AUTH_ENABLED = Config.AUTH_ENABLED
ALLOWED_HOSTS = Config.ALLOWED_HOSTS
ROOT_URLCONF = "mam.urls"
ASGI_APPLICATION = "mam.asgi.application"
WSGI_APPLICATION = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
APPEND_SLASH = False
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "channels",
    "accounts",
    "assets",
    "health",
]

MIDDLEWARE = [
    "mam.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OpenModeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ]
        },
    }
]

if Config.DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(Config.DATABASE_URL, conn_health_checks=True)}
    if config.is_web_process():
        # Django under ASGI runs each request's database work on a thread of its own, so a
        # kept connection was never used again: with CONN_MAX_AGE they piled up until
        # PostgreSQL refused more (500s under load). A web process borrows from a pool (its
        # requests now run on DB_POOL_SIZE long-lived threads, mam.asgi.RequestThreads).
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "pool": {"min_size": 1, "max_size": Config.DB_POOL_SIZE, "timeout": 10},
        }
    else:
        # Workers and commands are plain threads that live long: they keep theirs.
        DATABASES["default"]["CONN_MAX_AGE"] = 60
else:
    # SQLite is shared by the web process and the workers: WAL so readers never block the
    # writer, IMMEDIATE so a writer takes the lock up front instead of failing on upgrade,
    # and a busy timeout so short write bursts queue instead of raising "database is locked".
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(Config.DATA_DIR / "mam.db"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Kept by the thread that opened it: a web process runs requests on a few
            # long-lived threads (mam.asgi.RequestThreads), a worker on its own.
            "CONN_MAX_AGE": 60,
        }
    }

# Rate limits (mam.throttling) count in Redis, shared by every server process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": Config.REDIS_URL,
        "KEY_PREFIX": f"{Config.REDIS_PREFIX}:cache",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

STATIC_URL = "/static/"
# The admin's static files are served from the installed apps by WhiteNoise (no collectstatic).
WHITENOISE_USE_FINDERS = True
# The built React UI (frontend/dist) is served at "/" by WhiteNoise; its hashed assets forever.
WHITENOISE_ROOT = Config.FRONTEND_DIST if Config.FRONTEND_DIST.is_dir() else None
WHITENOISE_INDEX_FILE = True
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+/assets/.+[.-][0-9a-zA-Z_-]{8,}\..+$"

# Uploads: anything larger than UPLOAD_MEMORY_BYTES is streamed to a temporary file next to
# its destination, so the final move is a rename on the same filesystem.
FILE_UPLOAD_MAX_MEMORY_SIZE = Config.UPLOAD_MEMORY_BYTES
FILE_UPLOAD_TEMP_DIR = str(Config.incoming_dir)
FILE_UPLOAD_HANDLERS = [
    "assets.ingest.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o644

# Passwords set through the API and the admin: Django's four checks, at least 10 characters.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# https behind a trusted proxy (mam.proxies drops the header from anyone else).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Served over https (MAM_PUBLIC_URL): cookies never travel in clear, browsers remember to use
# https, plain http is redirected. Over plain http these are the only `check --deploy`
# warnings, and they are about TLS (docs/operators.md).
if Config.serves_https:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/status/?$"]  # probes speak plain http
    SECURE_HSTS_SECONDS = 30 * 24 * 3600
    # HSTS for other subdomains, and the browsers' preload list, bind more than this one
    # site: decisions for the domain's owner, not for MAM.
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
if Config.PUBLIC_URL:
    CSRF_TRUSTED_ORIGINS = [Config.PUBLIC_URL]

CSRF_FAILURE_VIEW = "mam.errors.csrf_failure"
CORS_ALLOWED_ORIGINS = Config.CORS_ORIGINS
CORS_URLS_REGEX = r"^/(api|thumbnails)/.*$"

REST_FRAMEWORK = {
    # In this order: a bearer token first (so "no credentials" is a 401 with
    # WWW-Authenticate), then the browser's session, then the open mode's local admin.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "accounts.authentication.CsrfSessionAuthentication",
        "accounts.authentication.OpenModeAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.RolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "assets.api.pagination.AssetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mam.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"thumbnails": Config.THUMBNAIL_RATE, "login": "10/min"},
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    # Rate limits count REMOTE_ADDR, which mam.proxies sets; never the raw header.
    "NUM_PROXIES": 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MAM API",
    "DESCRIPTION": "Media asset management: register local media, watch it being processed.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Separate request components, so an upload's `file` is binary, not a URI.
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its page are for signed-in users too; only health status is public.
    "SERVE_PERMISSIONS": ["accounts.permissions.RolePermission"],
    # The open mode (MAM_AUTH=off) needs no credentials, so it is no security scheme.
    "AUTHENTICATION_WHITELIST": [
        "accounts.authentication.BearerTokenAuthentication",
        "accounts.authentication.CsrfSessionAuthentication",
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "assets.api.schema.describe_what_drf_spectacular_cannot",
    ],
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # channels-redis blocks 5 s in BZPOPMIN per receive; redis-py 8 reads with a
            # 5 s socket timeout by default, so idle sockets raced it and died with 1011.
            "hosts": [
                {
                    "address": Config.REDIS_URL,
                    "socket_timeout": 30,
                    "socket_connect_timeout": 5,
                    "socket_keepalive": True,
                }
            ],
            "prefix": f"{Config.REDIS_PREFIX}:asgi",
            "capacity": Config.CHANNEL_CAPACITY,
            "expiry": Config.CHANNEL_EXPIRY,
            "group_expiry": 86400,
        },
    }
}

LOGGING = logging_config(Config.LOG_DIR, debug=Config.DEBUG)
