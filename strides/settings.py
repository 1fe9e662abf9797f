"""Strides settings: one file, every installation-specific value from the environment."""

import json
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from strides.deployment import refuse_insecure_settings
from strides.env import (
    create_private_directory,
    create_private_file,
    default_var_dir,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    read_or_create_secret_key,
)
from strides.progress.talking_therapies import DETERIORATION_RULES

PACKAGE_DIR = Path(__file__).resolve().parent
# Data paths (SQLite, generated keys, static files): one fixed place, never the working
# directory, so starting Strides from another folder cannot open an empty clinic or make
# a new encryption key. The folder is created 0700 and the SQLite file 0600; start-up
# checks (strides.deployment) refuse database or key files others can read.
VAR_DIR = Path(env_str("STRIDES_VAR_DIR") or str(default_var_dir())).resolve()
create_private_directory(VAR_DIR)

DEBUG = env_bool("STRIDES_DEBUG", False)
SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = env_str("STRIDES_SECRET_KEY") or read_or_create_secret_key(SECRET_KEY_FILE)
ALLOWED_HOSTS = env_list("STRIDES_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
HTTPS = env_bool("STRIDES_HTTPS", False)

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'strides.sqlite3'}"
DATABASE_URL = env_str("STRIDES_DATABASE_URL", DEFAULT_DATABASE_URL)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SQLITE_FILE = Path(DATABASES["default"]["NAME"])
    create_private_directory(SQLITE_FILE.parent)
    create_private_file(SQLITE_FILE)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE makes every write
        # transaction take the write lock at BEGIN, so concurrent writers queue for up to
        # the busy timeout instead of failing half-way through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it is made for long analytical scans, and compiling a page query with many
    # small subqueries (the caseload's) took 4.1 s of a query that runs in 21 ms without
    # it (strides bench, 150 clients). The caseload's per-row lookups are index searches.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "strides.accounts",
    "strides.audit",
    "strides.clients",
    "strides.assessments",
    "strides.alerts",
    "strides.milestones",
    "strides.outcomes",
    "strides.goals",
    "strides.notes",
    "strides.reports",
    "strides.backups",
    "strides.api",
    "strides.fhir",
    "strides.wellbeing",
    "strides.clinic_outcomes",
    "django_tasks_db",
    "strides.portal",
    "strides.web",
    "strides.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "strides.web.middleware.NoStoreMiddleware",
    "strides.web.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "strides.web.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "strides.portal.middleware.PortalSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "strides.audit.middleware.SourceAddressMiddleware",
    "strides.accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "strides.urls"
WSGI_APPLICATION = "strides.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# Accounts and sign-in
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["strides.accounts.lockout.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "strides.accounts.adapter.StaffOnlyAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Strides"
STRIDES_MFA_REQUIRED_ROLES = env_list(
    "STRIDES_MFA_REQUIRED_ROLES", ["admin", "supervisor"] if HTTPS else []
)
# Instruments staff complete about themselves (wellbeing); never offered for a client.
STRIDES_STAFF_SELF_REPORT_INSTRUMENTS = ["proqol5"]
STRIDES_BREAK_GLASS_MINUTES = env_int("STRIDES_BREAK_GLASS_MINUTES", 60)
# NHS Talking Therapies outcomes: which published reading of reliable deterioration to
# use, "either" (default) or "no_improvement_on_other" (docs/progress.md section 3).
STRIDES_TT_DETERIORATION = env_choice("STRIDES_TT_DETERIORATION", DETERIORATION_RULES, "either")
# Overdue status (strides.outcomes.status): a client whose last measure is older than this
# many days shows "overdue" instead of a stale "on track".
STRIDES_OVERDUE_DAYS = env_int("STRIDES_OVERDUE_DAYS", 35)
if STRIDES_OVERDUE_DAYS < 1:
    raise ValueError(f"STRIDES_OVERDUE_DAYS={STRIDES_OVERDUE_DAYS} must be at least 1 day.")
# Keys for encrypted free text: env (comma-separated, newest first) or a 0600 key file.
STRIDES_ENCRYPTION_KEYS = env_str("STRIDES_ENCRYPTION_KEYS")
STRIDES_ENCRYPTION_KEY_FILE = env_str(
    "STRIDES_ENCRYPTION_KEY_FILE", str(VAR_DIR / "encryption.keys")
)
# Audit chain (issue 9): HMAC keys (env, or a 0600 key file beside the encryption keys) and
# the checkpoint file, both outside the database.
STRIDES_AUDIT_KEYS = env_str("STRIDES_AUDIT_KEYS")
STRIDES_AUDIT_KEY_FILE = env_str(
    "STRIDES_AUDIT_KEY_FILE", str(Path(STRIDES_ENCRYPTION_KEY_FILE).with_name("audit.keys"))
)
STRIDES_AUDIT_CHECKPOINT_FILE = env_str(
    "STRIDES_AUDIT_CHECKPOINT_FILE",
    str(Path(STRIDES_AUDIT_KEY_FILE).with_name("audit.checkpoints")),
)

SESSION_COOKIE_AGE = env_int("STRIDES_IDLE_MINUTES", 30) * 60
# Saved when changed, and otherwise at most once a minute to move its expiry on
# (strides.web.sessions), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
STRIDES_SESSION_REFRESH_SECONDS = env_int("STRIDES_SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers. No request ever leaves for a third-party host.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0

# Web hardening (issue 9): proxy trust, HSTS scope, sign-in throttles, messages, cache.
# A proxy's X-Forwarded-Proto / X-Forwarded-For is believed only when the operator says
# Strides is reachable through that proxy alone; otherwise anyone could claim "https"
# or any source address. (gunicorn itself trusts X-Forwarded-Proto from 127.0.0.1.)
STRIDES_TRUSTED_PROXY = env_bool("STRIDES_TRUSTED_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if STRIDES_TRUSTED_PROXY else None
# HSTS for sibling subdomains and the browsers' preload list is hard to undo: opt-in only.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("STRIDES_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("STRIDES_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    check
    for check, opted_in in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if not opted_in
]
# Lockout (strides.accounts.lockout), counted from the audit trail: failures per
# username and source address lock that pair; a slower per-username backstop covers
# attackers with many addresses; a per-address limit stops password spraying.
STRIDES_LOCKOUT_MINUTES = env_int("STRIDES_LOCKOUT_MINUTES", 15)
STRIDES_LOCKOUT_FAILURES = env_int("STRIDES_LOCKOUT_FAILURES", 5)
STRIDES_LOCKOUT_USERNAME_FAILURES = env_int("STRIDES_LOCKOUT_USERNAME_FAILURES", 20)
STRIDES_LOCKOUT_ADDRESS_FAILURES = env_int("STRIDES_LOCKOUT_ADDRESS_FAILURES", 20)
# allauth's own rate limits, in its "amount/period/per" notation. They live in a
# database cache table (created by every `migrate`), so all gunicorn workers and
# servers share one count. Two-factor codes use "login_failed" keyed per user.
_LOCKOUT_WINDOW = f"{STRIDES_LOCKOUT_MINUTES}m"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": (
        f"{STRIDES_LOCKOUT_ADDRESS_FAILURES}/{_LOCKOUT_WINDOW}/ip,"
        f"{STRIDES_LOCKOUT_USERNAME_FAILURES}/{_LOCKOUT_WINDOW}/key"
    ),
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "reset_password": "5/15m/ip,3/15m/key",
    "reset_password_from_key": "20/15m/ip",
    "signup": "5/m/ip",
}
MFA_FORMS = {"authenticate": "strides.accounts.signin.LockoutAuthenticateForm"}
ACCOUNT_FORMS = {"reset_password": "strides.accounts.signin.ResetPasswordForm"}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "strides_cache",
    }
}
# Messages can carry clinical words ("Risk item endorsed"): keep them server-side.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Password reset mails need a mail server (SMTP with STARTTLS); without one there is
# no mailer and the reset form says so instead of failing with a 500.
STRIDES_EMAIL_HOST = env_str("STRIDES_EMAIL_HOST")
MAILERS = (
    {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": STRIDES_EMAIL_HOST,
                "port": env_int("STRIDES_EMAIL_PORT", 587),
                "username": env_str("STRIDES_EMAIL_USER"),
                "password": env_str("STRIDES_EMAIL_PASSWORD"),
                "use_tls": True,
                "timeout": 20,
            },
        }
    }
    if STRIDES_EMAIL_HOST
    else {}
)
if not MAILERS:  # no mailer on purpose: the reset form explains it
    SILENCED_SYSTEM_CHECKS.append("mail.W001")
DEFAULT_FROM_EMAIL = env_str("STRIDES_EMAIL_FROM", "strides@localhost")

# Client portal (issue 11): invitations, their mail, background tasks, crisis resources.
# Portal mail uses the SMTP server when one is set; otherwise (the demo) it is written to
# files under the var folder, which admins read on the Outbox page.
MAILERS["portal"] = (
    MAILERS["default"]
    if STRIDES_EMAIL_HOST
    else {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "outbox")},
    }
)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task (and a mail) claimed by a worker longer ago than this is taken to belong to a
# worker that died (kill -9, power loss) and runs again; every task ends well within it
# (the mail server's timeout is 20 s). docs/operations.md, "The worker".
STRIDES_TASK_LEASE_SECONDS = env_int("STRIDES_TASK_LEASE_SECONDS", 300)
STRIDES_BASE_URL = env_str("STRIDES_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
STRIDES_INVITATION_DAYS = env_int("STRIDES_INVITATION_DAYS", 4)
STRIDES_PORTAL_SESSION_MINUTES = env_int("STRIDES_PORTAL_SESSION_MINUTES", 30)
STRIDES_REMINDER_DAYS = env_int("STRIDES_REMINDER_DAYS", 2)
STRIDES_PORTAL_ATTEMPTS = env_int("STRIDES_PORTAL_ATTEMPTS", 20)
# Shown to a client at once when they endorse a risk item: "name|how to reach|when" lines
# separated by ";". The default is synthetic, for the demo: set your clinic's own.
STRIDES_CRISIS_RESOURCES = env_str(
    "STRIDES_CRISIS_RESOURCES",
    "Demo Clinic duty therapist (synthetic)|call 555 0100|weekdays 9:00 to 17:00;"
    "Demo Crisis Line (synthetic)|call 555 0199|any time, day or night;"
    "Emergency services|call your local emergency number|if you are in danger now",
)

# Language and dates follow the user's browser locale.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English (US)")),
    ("en-gb", _("English (UK)")),
    ("de", _("German")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("es", _("Spanish")),
]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("STRIDES_TIME_ZONE", "UTC")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("STRIDES_LOG_LEVEL", "WARNING")},
}

# Hardening (issue 14): reconnect after a database outage, recent sign-in for break-glass.
# A pooled PostgreSQL connection is checked before reuse, so after a restart of the
# database the next request opens a fresh one instead of failing (strides.web.unavailable
# answers 503 "not saved" while it is down).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Break-glass needs a sign-in (or a password confirmation) within this many minutes.
STRIDES_RECENT_SIGN_IN_MINUTES = env_int("STRIDES_RECENT_SIGN_IN_MINUTES", 15)

# FHIR R4 export/import and the REST API (issue 12, second half).
# The base of the canonical URLs Strides gives its Questionnaires and code systems: a
# URL the practice controls, the same on every server (changing it renames them).
STRIDES_FHIR_CANONICAL_BASE = env_str(
    "STRIDES_FHIR_CANONICAL_BASE", "https://strides.example.org/fhir"
).rstrip("/")
STRIDES_API_TOKEN_DAYS = env_int("STRIDES_API_TOKEN_DAYS", 90)

# Own side (issue 13): the therapist's private wellbeing pages and team / clinic outcomes.
# Supportive resources the clinic offers, shown beside a high burnout or secondary
# traumatic stress check-in (comma-separated; "|" separates a text from an optional link).
STRIDES_WELLBEING_RESOURCES = env_list(
    "STRIDES_WELLBEING_RESOURCES",
    [
        "Talk it through with your supervisor or a colleague you trust.",
        "Your clinic's staff support or employee assistance programme.",
        "ProQOL self-care resources|https://proqol.org/",
    ],
)
# Per-therapist outcome figures (alphabetical, never ranked) only when the clinic turns them on.
STRIDES_OUTCOMES_PER_THERAPIST = env_bool("STRIDES_OUTCOMES_PER_THERAPIST", False)
# Benchmarks for the severity-adjusted effect size (CLINICAL.md section 8). The value is
# from secondary sources (about 0.8 for highly effective care): unverified until checked
# against Minami et al. 2008. Override with a JSON list of {label, value, verified, source}.
STRIDES_OUTCOME_BENCHMARKS = json.loads(
    env_str(
        "STRIDES_OUTCOME_BENCHMARKS",
        json.dumps(
            [
                {
                    "label": "Highly effective care (Minami et al. 2008)",
                    "value": 0.8,
                    "verified": False,
                    "source": "Minami et al. 2008, via CLINICAL.md section 8: verify",
                }
            ]
        ),
    )
)

if not DEBUG:
    refuse_insecure_settings(
        secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS, database_url=DATABASE_URL
    )

# Progress reports and CSV exports (strides/reports)
# Measures a client's own report leaves out besides alliance measures, by instrument code.
STRIDES_CLIENT_HIDDEN_INSTRUMENTS = env_list("STRIDES_CLIENT_HIDDEN_INSTRUMENTS", [])
# A clinic-wide export needs an admin with two-factor who signed in this recently.
STRIDES_EXPORT_SIGN_IN_MINUTES = env_int("STRIDES_EXPORT_SIGN_IN_MINUTES", 15)

# The therapist's day (issue 10): one date format per locale, on pages, charts and
# banners (dd/mm/yyyy for en-GB, yyyy-mm-dd as the fallback): strides/formats.
FORMAT_MODULE_PATH = ["strides.formats"]
