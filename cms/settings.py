"""Project settings, read from the environment (12-factor).

Every knob an operator may turn is an environment variable; see README "Configuration".
"""

import zoneinfo
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "strawberry_django",
    "simple_history",
    "cms",
    "partners",
    "articles",
    "feedback",
    "reader",
    "persisted",
    "django_tasks_db",
    "webhooks",
    "edge",
    "images",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin only: the editor's language, the desk's time zone (public answers untouched).
    "cms.desk_locale.DeskLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Public GETs read from a replica, when there is one (kernel/db_routing.py).
    "kernel.db_routing.PublicReadsMiddleware",
    # ?release=<token>: the public surfaces as a release will make them, on the primary, in a
    # transaction always rolled back, never cached (articles/middleware.py).
    "articles.middleware.ReleasePreviewMiddleware",
    # Last, so that the 503 it answers for a database outage passes through the others.
    "cms.errors.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"
ASGI_APPLICATION = "cms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
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

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes write one file (the server, the task worker polling every 0.1 s, a
    # publication): with WAL, readers go on while one writes; IMMEDIATE takes the write lock
    # as a transaction begins, so writers queue (up to the timeout, in seconds) rather than
    # one failing with "database is locked" when it turns from reading to writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
# Streaming replicas of DATABASES["default"] (comma-separated URLs) that serve the public read
# path; the rest stays on the primary (kernel/db_routing.py, docs/scaling.md). Tests use the
# primary's test database for each (never create one on a replica, which is read-only).
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = env.db_url_config(url)
    if replica["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer is given up quickly: its reads go to the primary.
        replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES[f"replica_{number}"] = {
        **replica,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["kernel.db_routing.ReplicaRouter"]
# A replica further behind the primary's publication log than this (seconds) serves nothing
# until it catches up; each process measures it every DATABASE_REPLICA_PROBE_SECONDS.
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=5.0)
DATABASE_REPLICA_PROBE_SECONDS = env.float("DATABASE_REPLICA_PROBE_SECONDS", default=1.0)
DATABASE_REPLICA_LAG_PROBE = "articles.selectors.replication.replica_lag"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Keys each process's memory cache holds (responses, budgets), the most recently used kept:
# the cache without REDIS_URL, and where Redis's work goes while it is unreachable.
CACHE_MAX_ENTRIES = env.int("CACHE_MAX_ENTRIES", default=300)
CACHES = {
    "default": (
        {
            # Django's RedisCache, in memory while Redis is unreachable (kernel/cache.py).
            "BACKEND": "kernel.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "MAX_ENTRIES": CACHE_MAX_ENTRIES,
                "socket_connect_timeout": env.float("REDIS_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            },
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Content languages. The first entry is the default and the fallback for missing translations;
# adding a language here is all it takes (no migration).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
TIME_ZONE = "UTC"
# The admin shows and reads times in the desk's time zone (the APIs and feeds stay in UTC).
DESK_TIME_ZONE = env.str("DESK_TIME_ZONE", default="UTC")
try:
    zoneinfo.ZoneInfo(DESK_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"DESK_TIME_ZONE={DESK_TIME_ZONE!r} is not a time zone (e.g. Europe/Amsterdam)."
    ) from None
USE_I18N = True
# The project's own words in each content language (the feeds' titles, the kinds of notes).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Production serves hashed, compressed files collected by `manage.py collectstatic`.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
# Uploaded images and their renditions (docs/images.md): the file system under MEDIA_ROOT by
# default; STORAGES["default"] may name any Django storage (S3 through django-storages).
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=False)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0)

# One console handler, on the root logger: Django's own loggers pass their records up to it instead
# of printing them a second time. The development server's request lines keep their own format.
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusal_without_traceback": {"()": "cms.log_filters.RefusalWithoutTraceback"},
        "preview_token_redaction": {"()": "cms.log_filters.PreviewTokenRedaction"},
    },
    "formatters": {
        "console": {"format": "{levelname} {name}: {message}", "style": "{"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "console",
            "filters": ["refusal_without_traceback", "preview_token_redaction"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["preview_token_redaction"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Reverse proxies in front of the app; their X-Forwarded-For hops are trusted for client addresses.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# Cross-origin frontends (GraphQL and REST). Origins such as https://news.example.com.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|graphql|feeds)/.*$"
# Cross-origin frontends may read what a GraphQL answer cost (docs/graphql.md, "Query cost").
CORS_EXPOSE_HEADERS = ["GraphQL-Cost", "GraphQL-Cost-Limit"]

# --- Public content surfaces -----------------------------------------------------------------
# Seconds a public response may be cached by browsers and shared caches.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=60)
# Larger public responses are built for each request rather than stored in the cache; with
# CACHE_MAX_ENTRIES this bounds the memory the response cache takes in each process.
RESPONSE_CACHE_MAX_BYTES = env.int("RESPONSE_CACHE_MAX_BYTES", default=1024 * 1024)
# Milliseconds each process may reuse the publication log's head it read (the version public
# answers are validated and cached by) before reading it again: a publication shows on the
# public surfaces of another process at most this late. 0 reads it for every request.
PUBLIC_HEAD_STALENESS_MS = env.int("PUBLIC_HEAD_STALENESS_MS", default=100)
if not 0 <= PUBLIC_HEAD_STALENESS_MS <= 250:
    raise ImproperlyConfigured("PUBLIC_HEAD_STALENESS_MS must be between 0 and 250.")
# How long a preview link for a draft stays valid, in seconds.
PREVIEW_TOKEN_MAX_AGE = env.int("PREVIEW_TOKEN_MAX_AGE", default=3600)
# How many entries one release may hold (``articles.services.releases``).
RELEASE_MAX_ITEMS = env.int("RELEASE_MAX_ITEMS", default=200)
# How many revisions of an entry `manage.py prune_revisions` keeps (the newest; the one its
# live version was published from is always kept as well).
REVISIONS_KEEP = env.int("REVISIONS_KEEP", default=100)

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # JSON only; the interactive documentation is /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": NUM_PROXIES,
    # Partner API: entries per page by default; API_MAX_PAGE_SIZE is the most a client may ask.
    "DEFAULT_PAGINATION_CLASS": "articles.api.pagination.StrictCursorPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=20),
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env.str("API_ANONYMOUS_RATE", default="120/minute"),
        "partner": env.str("API_PARTNER_RATE", default="2000/minute"),
        "feedback": env.str("FEEDBACK_RATE", default="5/minute"),
    },
}
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)

SPECTACULAR_SETTINGS = {
    "TITLE": "AI News CMS API",
    "DESCRIPTION": "Curated AI-news entries for partners: articles, vendors, incremental sync.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ArticleKindEnum": "articles.choices.ArticleKind"},
    # 3.1 states nullable nested objects in a way validators understand (oneOf with null).
    "OAS_VERSION": "3.1.0",
    # A slug in a path is what Django's slug converter matches; anything else is a 404.
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
}

# --- GraphQL ---------------------------------------------------------------------------------
GRAPHQL = {
    "MAX_DEPTH": env.int("GRAPHQL_MAX_DEPTH", default=10),
    "MAX_ALIASES": env.int("GRAPHQL_MAX_ALIASES", default=15),
    "MAX_TOKENS": env.int("GRAPHQL_MAX_TOKENS", default=2000),
    "MAX_PAGE_SIZE": env.int("GRAPHQL_MAX_PAGE_SIZE", default=100),
    "DEFAULT_PAGE_SIZE": env.int("GRAPHQL_DEFAULT_PAGE_SIZE", default=20),
    "INTROSPECTION": env.bool("GRAPHQL_INTROSPECTION", default=True),
    "MAX_REQUEST_BYTES": env.int("GRAPHQL_MAX_REQUEST_BYTES", default=64 * 1024),
    "GRAPHIQL": DEBUG,
}
# --- GraphQL query cost and size (docs/graphql.md, "Limits and errors") ---------------------
GRAPHQL |= {
    # Fields a document may select once its fragments are expanded.
    "MAX_FIELDS": env.int("GRAPHQL_MAX_FIELDS", default=2000),
    # Fields an operation may resolve: each field counts once per item of the lists around it.
    "MAX_COST": env.int("GRAPHQL_MAX_COST", default=50_000),
    # The size counted for a list that takes no limit (vendors, an entry's topics, ratings).
    "LIST_SIZE": env.int("GRAPHQL_LIST_SIZE", default=20),
    # Larger answers are replaced by an error.
    "MAX_RESPONSE_BYTES": env.int("GRAPHQL_MAX_RESPONSE_BYTES", default=10 * 1024 * 1024),
}
# --- Persisted documents (docs/graphql.md, "Persisted and trusted documents") -----------------
GRAPHQL |= {
    # Only documents registered from a manifest run (manage.py graphql_documents register).
    "TRUSTED_DOCUMENTS_ONLY": env.bool("GRAPHQL_TRUSTED_DOCUMENTS_ONLY", default=False),
    # Documents clients may register the APQ way: how many, how long, how often per client.
    "APQ_MAX_DOCUMENTS": env.int("GRAPHQL_APQ_MAX_DOCUMENTS", default=1000),
    "APQ_MAX_BYTES": env.int("GRAPHQL_APQ_MAX_BYTES", default=16 * 1024),
    "APQ_REGISTER_RATE": env.str("GRAPHQL_APQ_REGISTER_RATE", default="10/minute"),
    # A GET request's URL, variables included (longer: 414, send it by POST).
    "MAX_URL_BYTES": env.int("GRAPHQL_MAX_URL_BYTES", default=8 * 1024),
}
STRAWBERRY_DJANGO = {
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": True,
}

# --- Reader feedback -------------------------------------------------------------------------
FEEDBACK = {
    "MESSAGE_MAX_LENGTH": env.int("FEEDBACK_MESSAGE_MAX_LENGTH", default=2000),
    "DUPLICATE_WINDOW_SECONDS": env.int("FEEDBACK_DUPLICATE_WINDOW_SECONDS", default=3600),
    "RETENTION_DAYS": env.int("FEEDBACK_RETENTION_DAYS", default=365),
    "MESSAGE_MIN_LENGTH": env.int("FEEDBACK_MESSAGE_MIN_LENGTH", default=3),
    # Larger request bodies are refused before they are parsed.
    "MAX_REQUEST_BYTES": env.int("FEEDBACK_MAX_REQUEST_BYTES", default=16 * 1024),
}

# --- The publisher, as readers and search engines see it (schema.org JSON-LD) -----------------
SITE_NAME = env.str("SITE_NAME", default="AI News Desk")
# Absolute base of public links: canonical URLs, the publisher's url, feed links. Required with
# debug off; in debug `manage.py serve` (`make serve`) sets it to the address it serves.
SITE_URL = env.str("SITE_URL", default="")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DJANGO_DEBUG is off: the address readers reach this "
            "site at, e.g. https://cms.example.com (set DJANGO_DEBUG=1 for local development)."
        )
    SITE_URL = "http://127.0.0.1:8000"
SITE_LOGO_URL = env.str("SITE_LOGO_URL", default="")
# An entry's canonical URL with {id}, {slug} and {lang}, e.g.
# "https://news.example/{lang}/{slug}"; empty: the reader site's page under SITE_URL.
# Entries take a change of these four settings with `manage.py rebuild_live`.
CANONICAL_URL_TEMPLATE = env.str("CANONICAL_URL_TEMPLATE", default="")

# --- Reader site, previews and playgrounds ---------------------------------------------------
# URLs per page of /sitemap.xml (at most 50,000); more entries make it an index of pages.
SITEMAP_MAX_URLS = env.int("SITEMAP_MAX_URLS", default=2000)
if not 1 <= SITEMAP_MAX_URLS <= 50_000:
    raise ImproperlyConfigured("SITEMAP_MAX_URLS must be between 1 and 50000.")
# Where an editor's preview link points: a frontend URL with {slug}, {token} and {lang}, e.g.
# "https://front.example/preview/{slug}?token={token}&lang={lang}". Empty: the reader site at
# /read/<lang>/<slug>/?preview=<token>.
PREVIEW_URL_TEMPLATE = env.str("PREVIEW_URL_TEMPLATE", default="")
# The live preview beside an entry's form: how often one editor's page may render the unsaved
# form ("5/second": DRF's notation). The page sends one per pause in typing.
LIVE_PREVIEW_RATE = env.str("LIVE_PREVIEW_RATE", default="5/second")
# Swagger UI and ReDoc from drf-spectacular-sidecar's files: the docs work offline.
SPECTACULAR_SETTINGS |= {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
if DEBUG:
    # `make serve`: frontends under development on any local port may call the APIs.
    CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost(:\d+)?$", r"^http://127\.0\.0\.1(:\d+)?$"]

# --- Webhooks and background tasks (docs/webhooks.md) ----------------------------------------
# Deliveries run as tasks: on the database (django-tasks-db, `manage.py db_worker`, started by
# `make serve`) by default, on RQ (`manage.py rqworker --job-class django_tasks_rq.Job
# --with-scheduler`) when REDIS_URL is set; TASKS_BACKEND=db|rq overrides the choice.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="rq" if REDIS_URL else "db")
if TASKS_BACKEND not in ("db", "rq"):
    raise ImproperlyConfigured("TASKS_BACKEND must be 'db' or 'rq'.")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq"]
    # The queue may live apart from the cache (another DB or instance, never evicted).
    TASKS_REDIS_URL = env.str("TASKS_REDIS_URL", default=REDIS_URL)
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 120}}
TASKS = {
    "default": {
        "BACKEND": {
            "db": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# Encrypts signing secrets at rest (Fernet); comma-separated to rotate: the first encrypts,
# all decrypt. Derived from DJANGO_SECRET_KEY when empty.
WEBHOOK_SECRET_KEY = env.list("WEBHOOK_SECRET_KEY", default=[])
# Development and tests only: targets on private, loopback and link-local addresses (and plain
# http to them) are accepted.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
# Seconds one delivery attempt may take, connection to last byte.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
# Seconds between attempts, each with up to 20% jitter; after the last the event has failed.
WEBHOOK_RETRY_DELAYS = [
    int(s)
    for s in env.list(
        "WEBHOOK_RETRY_DELAYS",
        default=["5", "30", "120", "600", "1800", "3600", "10800", "21600", "43200"],
    )
]
# A subscription whose deliveries have all failed for this long is disabled.
WEBHOOK_DISABLE_AFTER_HOURS = env.int("WEBHOOK_DISABLE_AFTER_HOURS", default=72)
# Hours the previous secret still signs (beside the new one) after a rotation.
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", default=24)
# Entry documents larger than this (all languages together) are sent as fetch URLs.
WEBHOOK_MAX_DOCUMENTS_BYTES = env.int("WEBHOOK_MAX_DOCUMENTS_BYTES", default=256 * 1024)
# Absolute base of the fetch URLs, e.g. https://cms.example.com.
WEBHOOK_SITE_URL = env.str("WEBHOOK_SITE_URL", default=SITE_URL)
# Bytes of each response kept in the delivery log.
WEBHOOK_RESPONSE_EXCERPT_BYTES = env.int("WEBHOOK_RESPONSE_EXCERPT_BYTES", default=1024)
# Days the delivery log keeps finished deliveries and their attempts.
WEBHOOK_LOG_RETENTION_DAYS = env.int("WEBHOOK_LOG_RETENTION_DAYS", default=30)
# The sweep (every WEBHOOK_SWEEP_SECONDS) re-enqueues deliveries overdue by
# WEBHOOK_SWEEP_GRACE_SECONDS: lost tasks, a worker that died mid-attempt.
WEBHOOK_SWEEP_SECONDS = env.int("WEBHOOK_SWEEP_SECONDS", default=60)
WEBHOOK_SWEEP_GRACE_SECONDS = env.int("WEBHOOK_SWEEP_GRACE_SECONDS", default=300)
# WebSub: hubs every feed names (comma-separated URLs, e.g. https://pubsubhubbub.appspot.com/);
# each publication pings them once per feed it changed, retried like webhook deliveries.
WEBSUB_HUBS = env.list("WEBSUB_HUBS", default=[])
# --- end of webhooks -------------------------------------------------------------------------

# --- The cache in front (docs/edge.md) -------------------------------------------------------
# Purges on publish: "" (none), "varnish" (xkey, the VCL in deploy/varnish/), "fastly" or
# "http" (EDGE_PURGE_METHOD with a Surrogate-Key header to each of EDGE_PURGE_URLS).
EDGE_PURGE_BACKEND = env.str("EDGE_PURGE_BACKEND", default="")
if EDGE_PURGE_BACKEND not in ("", "varnish", "fastly", "http"):
    raise ImproperlyConfigured("EDGE_PURGE_BACKEND must be varnish, fastly, http or empty.")
EDGE_PURGE_URLS = env.list("EDGE_PURGE_URLS", default=[])
EDGE_PURGE_METHOD = env.str("EDGE_PURGE_METHOD", default="PURGE")
# Sent as "Authorization: Bearer <token>" by the http backend, when set.
EDGE_PURGE_TOKEN = env.str("EDGE_PURGE_TOKEN", default="")
EDGE_PURGE_TIMEOUT = env.float("EDGE_PURGE_TIMEOUT", default=5.0)
# The worker's periodic sweep (every WEBHOOK_SWEEP_SECONDS) sends purges left unsent this many
# seconds past their time: a task lost between the commit and the worker.
EDGE_PURGE_SWEEP_GRACE_SECONDS = env.int("EDGE_PURGE_SWEEP_GRACE_SECONDS", default=10)
EDGE_FASTLY_API_URL = env.str("EDGE_FASTLY_API_URL", default="https://api.fastly.com")
EDGE_FASTLY_SERVICE_ID = env.str("EDGE_FASTLY_SERVICE_ID", default="")
EDGE_FASTLY_API_TOKEN = env.str("EDGE_FASTLY_API_TOKEN", default="")
if EDGE_PURGE_BACKEND == "fastly" and not (EDGE_FASTLY_SERVICE_ID and EDGE_FASTLY_API_TOKEN):
    raise ImproperlyConfigured(
        "EDGE_PURGE_BACKEND=fastly needs EDGE_FASTLY_SERVICE_ID and EDGE_FASTLY_API_TOKEN."
    )
if EDGE_PURGE_BACKEND in ("varnish", "http") and not EDGE_PURGE_URLS:
    raise ImproperlyConfigured(f"EDGE_PURGE_BACKEND={EDGE_PURGE_BACKEND} needs EDGE_PURGE_URLS.")
# Seconds the cache in front keeps a public answer (Surrogate-Control: max-age): long, since
# purges are exact. Browsers keep it PUBLIC_CACHE_MAX_AGE (Cache-Control). Both are capped at
# the seconds until the next scheduled change.
EDGE_CACHE_MAX_AGE = env.int("EDGE_CACHE_MAX_AGE", default=86400)
# --- end of the cache in front ---------------------------------------------------------------

# --- Images (docs/images.md) -----------------------------------------------------------------
IMAGES = {
    # Larger uploads are refused before they are read.
    "MAX_UPLOAD_BYTES": env.int("IMAGES_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024),
    # Width x height from the header; larger images are refused before they are decoded
    # (and Pillow's Image.MAX_IMAGE_PIXELS is set to it).
    "MAX_PIXELS": env.int("IMAGES_MAX_PIXELS", default=40_000_000),
    # The widths each image is rendered at, in AVIF, WebP and JPEG (PNG with transparency).
    "WIDTHS": [int(w) for w in env.list("IMAGES_WIDTHS", default=["480", "960", "1600"])],
}
