"""Settings for the ZGC Forum platform, read from the environment.

| setting            | env var              | default                                   |
|--------------------|----------------------|-------------------------------------------|
| DEBUG              | DEBUG                | 0 (the Makefile's dev targets and tests: 1)|
| SECRET_KEY         | SECRET_KEY           | a dev key, only while DEBUG               |
| ALLOWED_HOSTS      | ALLOWED_HOSTS        | localhost,127.0.0.1 (comma-separated)     |
| SITE_URL           | SITE_URL             | http://127.0.0.1:8000 while DEBUG; required (system check error) when DEBUG=0 |
| DATABASES          | DATABASE_URL         | SQLite file db.sqlite3 (WAL, IMMEDIATE)   |
| Celery broker/cache| REDIS_URL            | none: Celery eager, local-memory cache    |
| Celery broker      | CELERY_BROKER_URL    | REDIS_URL                                 |
| cache              | CACHE_URL            | REDIS_URL's next database                 |
| whole-page cache   | PUBLIC_PAGE_CACHE    | 1 when a cache URL is set (shared cache)  |
| EMAIL_*            | EMAIL_URL-ish: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS; console backend when EMAIL_HOST is unset |
| SECURE_SSL_REDIRECT| SECURE_SSL_REDIRECT  | 1 when DEBUG=0                            |
| HSTS seconds       | SECURE_HSTS_SECONDS  | 31536000 when DEBUG=0                     |
| HSTS subdomains    | SECURE_HSTS_INCLUDE_SUBDOMAINS | 0 (opt-in)                      |
| HSTS preload       | SECURE_HSTS_PRELOAD  | 0 (opt-in)                                |
| cookies secure     | SECURE_COOKIES       | 1 when DEBUG=0                            |
| proxies in front   | PROXY_COUNT          | 0: X-Forwarded-Proto/-For ignored         |
| trusted proxies    | TRUSTED_PROXIES      | empty: as above (comma-separated IPs/CIDRs, django-ipware's proxy list) |
| footer filings     | ICP_FILING, PUBLIC_SECURITY_FILING | empty: not shown            |
| badge print sweep  | BADGE_PRINT_STUCK_AFTER | 600: seconds without progress before a running job starts again |
| retention (days)   | DELEGATES_PURGE_SENSITIVE_AFTER_DAYS, SERVER_LOG_RETENTION_DAYS | 30, 180 |
| organizers' site   | ADMIN_URL, ADMIN_SECOND_FACTOR, STAFF_IDLE_TIMEOUT | admin/; on unless DEBUG; 1800 s |
| visa letters       | VISA_FERNET_KEYS (comma-separated, newest first), VISA_PURGE_AFTER_DAYS, VISA_LETTERHEAD_* | a key derived from SECRET_KEY only while DEBUG; 30 |
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless set: a deployment that forgets it must not show tracebacks and settings to anyone.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-zgc-forum-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Absolute links in mail and feeds, and the host of Message-IDs. Required when DEBUG=0: a system
# check (zgcforum/checks.py) refuses to start rather than mail links to 127.0.0.1.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation patches the admin: it must come before django.contrib.admin.
    "modeltranslation",
    # django.contrib.admin, with the organizers' site (verified staff, a second factor).
    "zgcforum.apps.ForumAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    # The organizers' second factor: authenticator apps (TOTP) and recovery codes (static).
    "django_otp",
    "zgcforum.apps.TOTPConfig",
    "zgcforum.apps.RecoveryCodesConfig",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_countries",
    "django_filters",
    "import_export",
    "core",
    "accounts",
    "notifications",
    "events",
    "exhibitors",
    "delegates",
    "visa",
    "leads",
    # The site at the top: home page, admin index, seed_demo. Last, so its templates are found
    # after the apps' (it overrides only what no app provides).
    "zgcforum",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole public pages for visitors without a session: a hit skips everything below.
    "core.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff sessions end after STAFF_IDLE_TIMEOUT idle seconds.
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.PolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zgcforum.urls"
WSGI_APPLICATION = "zgcforum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN,
                # so the threaded dev server and eager Celery never hit "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The raw statements of the programme pages, the exports and every logged-in request are planned
# once per connection on PostgreSQL (core.prepared). Off behind PgBouncer in transaction mode,
# which cannot keep them.
PREPARED_STATEMENTS = env_bool("PREPARED_STATEMENTS", True)

# --- Redis: Celery broker and cache, apart ---------------------------------------------------
# The broker must never lose a queued task to the cache's evictions, and the cache must never
# fill the broker's memory: separate databases (or servers). REDIS_URL is a shortcut for both:
# its database for the broker, the next one for the cache (redis://h:6379/0 → broker 0, cache 1).
# The cache's Redis runs with maxmemory and `maxmemory-policy allkeys-lru` (README: Production).
REDIS_URL = os.environ.get("REDIS_URL", "")


def next_redis_database(url: str) -> str:
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{database + 1}"))


CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CACHE_URL = os.environ.get("CACHE_URL") or (next_redis_database(REDIS_URL) if REDIS_URL else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.RedisCache",  # one client per pool (core/cache_backends.py)
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "zgc",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole public pages in the cache (core/page_cache.py): only with a cache every process shares.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", bool(CACHE_URL))

CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"
# Deployments (and test workers) sharing one Redis keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Long jobs (bulk badge PDFs) go to their own queue, named from the same prefix, so a print run
# never holds up the mail; a worker serves it with `-Q <queue>,<queue>.heavy` (deploy/README.md).
CELERY_HEAVY_TASKS = {"delegates.print_badges"}
CELERY_TASK_ROUTES = ("zgcforum.celery.route_task",)
# Later issues add their periodic tasks here (name -> {"task": ..., "schedule": seconds}).
CELERY_BEAT_SCHEDULE: dict = {
    # Re-enqueues mail a down broker or a killed worker left in the outbox.
    "notifications-sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    # Erases delegates' photos and needs once the retention period after the forum is over.
    "delegates-purge-sensitive-data": {
        "task": "delegates.purge_sensitive_data",
        "schedule": 24 * 3600.0,
    },
    # Badge print jobs a down broker left queued or a killed worker left running.
    "delegates-sweep-badge-print-jobs": {
        "task": "delegates.sweep_badge_print_jobs",
        "schedule": 60.0,
    },
    # Passport data of visa letter requests, erased VISA_PURGE_AFTER_DAYS after the forum.
    "visa-purge-passport-data": {"task": "visa.purge_passport_data", "schedule": 24 * 3600.0},
    # Speakers with an address and exhibitor staff get their registrations (and so badges).
    "delegates-register-speakers-and-staff": {
        "task": "delegates.register_speakers_and_staff",
        "schedule": 15 * 60.0,
    },
    # Exhibitors' documents due in 7 days and overdue: each reminder once (hourly, idempotent).
    "exhibitors-send-document-reminders": {
        "task": "exhibitors.send_document_reminders",
        "schedule": 3600.0,
    },
}
# Days after the forum's last day at which delegates' sensitive data is purged.
DELEGATES_PURGE_SENSITIVE_AFTER_DAYS = int(
    os.environ.get("DELEGATES_PURGE_SENSITIVE_AFTER_DAYS", "30")
)
# Visa invitation letters (visa/): passport numbers and dates of birth are encrypted with
# MultiFernet. VISA_FERNET_KEYS lists urlsafe-base64 Fernet keys, the newest first: it encrypts,
# every key decrypts. To rotate: put a new key first, run `manage.py rotate_visa_keys`, then drop
# the old one. Without keys, DEBUG (the demo, the tests) derives one from SECRET_KEY; DEBUG=0
# without keys is a system check error (visa.E001).
VISA_FERNET_KEYS = env_list("VISA_FERNET_KEYS", "")
if not VISA_FERNET_KEYS and DEBUG:
    import base64
    import hashlib

    VISA_FERNET_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"zgcforum-visa-dev-only:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]
# Days after the forum's last day at which passport data of visa requests is erased.
VISA_PURGE_AFTER_DAYS = int(os.environ.get("VISA_PURGE_AFTER_DAYS", "30"))
# The letterhead of invitation letters (English, then Chinese).
VISA_LETTERHEAD = {
    "organization_en": os.environ.get(
        "VISA_LETTERHEAD_ORGANIZATION_EN", "Organizing Committee of the Zhongguancun Forum"
    ),
    "organization_zh": os.environ.get("VISA_LETTERHEAD_ORGANIZATION_ZH", "中关村论坛组委会"),
    "address_en": os.environ.get(
        "VISA_LETTERHEAD_ADDRESS_EN", "Zhongguancun, Haidian District, Beijing 100080, China"
    ),
    "address_zh": os.environ.get("VISA_LETTERHEAD_ADDRESS_ZH", "中国北京市海淀区中关村 100080"),
    "contact": os.environ.get("VISA_LETTERHEAD_CONTACT", "visa@zgcforum.example"),
    "signatory_en": os.environ.get("VISA_LETTERHEAD_SIGNATORY_EN", "Forum Secretariat"),
    "signatory_zh": os.environ.get("VISA_LETTERHEAD_SIGNATORY_ZH", "论坛秘书处"),
}
# Days the web server's access logs are kept (PRC Cybersecurity Law art. 21: at least six months);
# the privacy notice states it. Log rotation on the host must follow it.
SERVER_LOG_RETENTION_DAYS = int(os.environ.get("SERVER_LOG_RETENTION_DAYS", "180"))
# Outbox: first retry delay (doubles each attempt), and when queued/sending rows count as stuck.
NOTIFICATIONS_RETRY_BASE = float(os.environ.get("NOTIFICATIONS_RETRY_BASE", "60"))
NOTIFICATIONS_STUCK_AFTER = float(os.environ.get("NOTIFICATIONS_STUCK_AFTER", "300"))
# Badge print jobs: seconds without progress after which a running job counts as stuck (its
# worker died) and the sweep starts it again; a chunk of 25 badges takes a few seconds.
BADGE_PRINT_STUCK_AFTER = float(os.environ.get("BADGE_PRINT_STUCK_AFTER", "600"))

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any other backend checks them.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.ForumBackend",  # Django's ModelBackend, the user loaded with its flags
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600
PASSWORD_RESET_TIMEOUT = 24 * 3600

# django-import-export: importing needs the model's add permission, exporting its view
# permission (without these, any staff member could export or import any admin's rows).
# --- The organizers' site ----------------------------------------------------------------
# Its path (behind i18n_patterns: /zh-hans/<ADMIN_URL> too); "admin/" unless moved.
ADMIN_URL = (os.environ.get("ADMIN_URL") or "admin").strip("/") + "/"
# A staff session idle this long (seconds) ends; 0 keeps it to the session's own age.
STAFF_IDLE_TIMEOUT = int(os.environ.get("STAFF_IDLE_TIMEOUT", "1800"))
# A TOTP second factor for superusers and the visa desk (optional for other staff); on unless
# DEBUG (tests turn it on where they test it).
ADMIN_SECOND_FACTOR = env_bool("ADMIN_SECOND_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "ZGC Forum"

# History is read, never replayed: a revert would bypass the services (and their mail and locks).
SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Keyed on username + IP: one venue's NAT is not locked out by one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans"), "zh-hans": ("zh-hans", "en")}
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Two storages (core/storage.py): "public" files (logos, speaker photos) anyone may fetch at
# MEDIA_URL, mapped by the web server in production (README: Files); "private" ones (delegates'
# photos, badge PDFs, documents) in a root outside MEDIA_ROOT that no URL maps, handed out only by
# views that check permissions: through the proxy (X-Accel-Redirect to an internal location) when
# PRIVATE_FILES_ACCEL_PREFIX is set, else streamed. With S3_* set both live in object storage and a
# private file is reached by a presigned URL that expires.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
PRIVATE_FILES_ACCEL_PREFIX = os.environ.get("PRIVATE_FILES_ACCEL_PREFIX", "")
PRIVATE_FILES_URL_EXPIRY = int(os.environ.get("PRIVATE_FILES_URL_EXPIRY", "60"))  # seconds
# Django serves MEDIA_URL itself (zgcforum.views.media): for `make run` and the tests; in
# production the web server maps it to MEDIA_ROOT (or S3 serves it).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

S3_BUCKET = os.environ.get("S3_BUCKET", "")  # one bucket: "public/" and "private/" prefixes
S3_BUCKET_PUBLIC = os.environ.get("S3_BUCKET_PUBLIC", S3_BUCKET)
S3_BUCKET_PRIVATE = os.environ.get("S3_BUCKET_PRIVATE", S3_BUCKET)
S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "") or None  # unset: AWS
S3_REGION = os.environ.get("S3_REGION", "") or None
S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "") or None
S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "") or None
# Where browsers fetch public files (a CDN or the bucket's public domain), without scheme.
S3_PUBLIC_DOMAIN = os.environ.get("S3_PUBLIC_DOMAIN", "") or None
S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE", "") or None  # "path" for MinIO


def s3_storage(bucket: str, *, private: bool) -> dict:
    """A django-storages S3 backend; two buckets, or one with a prefix for each kind."""
    one_bucket = S3_BUCKET_PUBLIC == S3_BUCKET_PRIVATE
    options = {
        "bucket_name": bucket,
        "location": ("private" if private else "public") if one_bucket else "",
        "endpoint_url": S3_ENDPOINT_URL,
        "region_name": S3_REGION,
        "access_key": S3_ACCESS_KEY_ID,
        "secret_key": S3_SECRET_ACCESS_KEY,
        "signature_version": "s3v4",
        "addressing_style": S3_ADDRESSING_STYLE,
        "file_overwrite": False,
        # No ACLs: access is the bucket's policy (README: public prefix readable, private not).
        "default_acl": None,
        "querystring_auth": private,
        "querystring_expire": PRIVATE_FILES_URL_EXPIRY,
    }
    if not private and S3_PUBLIC_DOMAIN:
        options["custom_domain"] = S3_PUBLIC_DOMAIN
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


if S3_BUCKET_PUBLIC and S3_BUCKET_PRIVATE:
    PUBLIC_STORAGE = s3_storage(S3_BUCKET_PUBLIC, private=False)
    PRIVATE_STORAGE = s3_storage(S3_BUCKET_PRIVATE, private=True)
elif S3_BUCKET_PUBLIC or S3_BUCKET_PRIVATE:
    raise ImproperlyConfigured("Set both S3_BUCKET_PUBLIC and S3_BUCKET_PRIVATE, or S3_BUCKET")
else:
    PUBLIC_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    PRIVATE_STORAGE = {"BACKEND": "core.storage.PrivateFileSystemStorage"}
# Pages load public images (and private ones by redirect) from the bucket's origin when on S3:
# the endpoint's host, or a bucket's subdomain of it (virtual-hosted addressing).
MEDIA_ORIGINS = []
if S3_PUBLIC_DOMAIN:
    MEDIA_ORIGINS.append(f"https://{S3_PUBLIC_DOMAIN}")
if S3_BUCKET_PUBLIC:
    _scheme, _, _host = (S3_ENDPOINT_URL or "https://amazonaws.com").partition("://")
    _host = _host.split("/")[0]
    MEDIA_ORIGINS += [f"{_scheme}://{_host}", f"{_scheme}://*.{_host}"]

STORAGES = {
    # Whatever names no storage (third-party code) is public: private files always name theirs.
    "default": PUBLIC_STORAGE,
    "public": PUBLIC_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.storage.StaticStorage"  # whitenoise's, each URL worked out once
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ZGC Forum <noreply@zgcforum.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's database sessions, looked up by a prepared statement (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The balancer probes each node over plain HTTP on its own port.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
# Opt-in: includeSubDomains breaks every subdomain still on plain HTTP, and a preload listing
# takes months to undo. Not opting in is a decision, so `check --deploy` is not asked to warn.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Behind a reverse proxy -----------------------------------------------------------------
# X-Forwarded-Proto and X-Forwarded-For are believed only when the deployment says proxies set
# them: otherwise any client could claim HTTPS, or another address to lock accounts out with.
# PROXY_COUNT: reverse proxies in front of the app, each appending the address it saw to
# X-Forwarded-For (nginx: $proxy_add_x_forwarded_for). TRUSTED_PROXIES: addresses or networks of
# the proxies listed at the end of X-Forwarded-For, nearest last (django-ipware's proxy list).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
BEHIND_PROXY = PROXY_COUNT > 0 or bool(TRUSTED_PROXIES)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Axes finds the client through django-ipware. Without a proxy only the socket's address counts.
# With PROXY_COUNT=n the client is the n-th address from the right of X-Forwarded-For (the one
# the outermost proxy saw): ipware counts the proxies listed in the header, so n - 1 of them;
# not strict, so what a client writes in front of that is ignored rather than voiding the header.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT > 0 else None
AXES_IPWARE_PROXY_TRUSTED_IPS = TRUSTED_PROXIES or None
IPWARE_STRICT = False

# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# LOG_FORMAT=json (production, `make stack`): one JSON object per line on stdout, for the
# host's log collector; gunicorn's access log and Celery's worker log use the same formatter.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
JSON_LOG_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_LOG_FORMATTER},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"stream": "ext://sys.stdout", "formatter": "json"} if LOG_FORMAT == "json" else {})
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# Celery keeps Django's logging (above) instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# Filing numbers a site served in mainland China shows in its footer (shown only when set):
# the MIIT ICP filing (e.g. 京ICP备12345678号) and the public security filing (京公网安备…号).
ICP_FILING = os.environ.get("ICP_FILING", "")
PUBLIC_SECURITY_FILING = os.environ.get("PUBLIC_SECURITY_FILING", "")

# A test run that finds a service missing fails instead of skipping when this is set (CI).
REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)
