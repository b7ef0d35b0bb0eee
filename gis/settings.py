"""Django settings: everything comes from gis.config (environment, typed defaults)."""
from __future__ import annotations

import secrets

import dj_database_url

from gis import config
from gis.cluster import socket_dir

BASE_DIR = config.BASE_DIR
DEBUG = config.DEBUG


def _secret_key() -> str:
    """From QALA_SECRET_KEY, else one generated once for this installation under var/."""
    key = config.env_str("QALA_SECRET_KEY", "")
    if key:
        return key
    path = config.VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in config.env_str("QALA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
# bodies over the limit are refused (413 problem, gis.errors.ProblemMiddleware); forms: at most 1000 fields
DATA_UPLOAD_MAX_MEMORY_SIZE = config.MAX_BODY_MB << 20
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

INSTALLED_APPS = [
    "gis.apps.QalaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "gis.apps.GisConfig",
    "gis.geocoding.apps.GeocodingConfig",
    "layers",
    "importers",
    "tiles",
    "web",
]

MIDDLEWARE = [
    "gis.jsonlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gis.cors.CorsMiddleware",
    "gis.replicas.ReadOnlyRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gis.tokens.TokenAuthMiddleware",
    "gis.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gis.errors.ProblemMiddleware",
]

ROOT_URLCONF = "gis.urls"
WSGI_APPLICATION = "gis.wsgi.application"

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

CONN_MAX_AGE = None if config.DB_CONN_MAX_AGE < 0 else config.DB_CONN_MAX_AGE
if config.DATABASE_URL:
    _db = dj_database_url.parse(config.DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    _db["ENGINE"] = "django.contrib.gis.db.backends.postgis"
else:
    _db = {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": config.PG_DB,
        "USER": config.PG_USER,
        "HOST": str(socket_dir()),
        "PORT": str(config.PG_PORT),
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
    }
# Parallel test runs (several checkouts on one cluster) each set their own test database.
_db["TEST"] = {"NAME": config.env_str("QALA_TEST_DB_NAME", f"test_{_db['NAME']}")}
DATABASES = {"default": _db}
if config.REPLICA_URL:
    _replica = dj_database_url.parse(config.REPLICA_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    _replica["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["gis.replicas.ReplicaRouter"]
# Tiles are rendered on the primary: their cache is invalidated by the primary's change log, and
# a tile rendered from a lagging replica would be cached under a change it does not show.
QALA_REPLICA_READ_PREFIXES = ["/ogc/", "/api/search", "/api/here", "/open311/v2/services"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("kk", "Қазақша"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "web" / "locale"]
TIME_ZONE = config.env_str("QALA_TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = config.VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# whitenoise serves static files with DEBUG off; from the app folders until collectstatic ran
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = config.env_bool("QALA_SECURE_COOKIES", False)
CSRF_FAILURE_VIEW = "gis.csrf.csrf_failure"  # on /api/, /ogc/, /open311/: a problem document, not a page
SESSION_COOKIE_SECURE = config.env_bool("QALA_SECURE_COOKIES", False)

# Map widget in the admin: the city centre, our own tiles later (no outside tile server).
QALA_CITY = {
    "name": config.CITY_NAME,
    "bbox": config.CITY_BBOX,
    "metric_srid": config.CITY_METRIC_SRID,
    "center": config.CITY_CENTER,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("QALA_LOG_LEVEL", "INFO")},
}

# Debian 12 ships GDAL 3.6; GeoDjango's GDAL only reads SRIDs we choose. User files are
# read through pyogrio's own, newer GDAL, which is where that protection matters.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Vector and raster tiles (tiles/): caches and the zoom range served.
QALA_TILES = {
    "cache_dir": config.TILE_CACHE_DIR,
    "disk_cache": config.TILE_DISK_CACHE,
    "memory_mb": config.TILE_MEMORY_MB,
    "max_zoom": config.TILE_MAX_ZOOM,
    "raster_dir": config.RASTER_DIR,
}

# Workflow (gis/workflow/): notices by Django's SMTP backend, the worker, rankings.
if config.EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = config.VAR_DIR / "mail"
EMAIL_HOST = config.EMAIL_HOST
EMAIL_PORT = config.EMAIL_PORT
EMAIL_HOST_USER = config.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = config.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = config.EMAIL_USE_TLS
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config.NOTICE_FROM
QALA_WORKFLOW = {
    "worker_interval": config.WORKER_INTERVAL,
    "pdf_font": config.PDF_FONT,
    "ksk_signal_addresses": config.KSK_SIGNAL_ADDRESSES,
}
# the paving queue's weights (web/paving.py): apartments served, appeals about the yard, area
QALA_PAVING_WEIGHTS = dict(zip(("apartments", "appeals", "area"), config.PAVING_WEIGHTS))
QALA_PAVING_PLAN = {"year": config.PAVING_YEAR, "per_year": config.PAVING_PER_YEAR}

# Security controls (docs/security.md): rate limits per client IP, login throttling, CORS, JSON logs.
QALA_RATE_LIMITS = {"window": config.RATE_WINDOW, "tiles": config.RATE_TILES, "api": config.RATE_API,
                    "pages": config.RATE_PAGES, "login": config.RATE_LOGIN}
QALA_TRUSTED_PROXIES = config.TRUSTED_PROXIES
QALA_LOGIN_THROTTLE = {"failures": config.LOGIN_FAILURES, "ip_failures": config.LOGIN_IP_FAILURES,
                       "window": config.LOGIN_WINDOW}
QALA_CORS_ORIGINS = config.CORS_ORIGINS
LOGGING["formatters"] = {"json": {"()": "gis.jsonlog.JsonFormatter"},
                         "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}}
LOGGING["handlers"]["console"]["formatter"] = "text" if config.LOG_FORMAT == "text" else "json"
