"""Test settings: the same code as production, fast hashing, eager Celery unless a test asks for a worker.

DATABASE_URL / CELERY_BROKER_URL are honoured (CI points them at PostgreSQL and Redis).
"""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
AXES_ENABLED = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}

# A minimal concrete case model for the casework tests.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.caseapp"]  # noqa: F405

# Each test process has its own in-memory cache (tests/conftest.py empties it after every test): a CACHE_URL in
# the developer's environment must not make the suite share, or empty, a Redis cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
