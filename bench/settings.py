"""Settings of the API benchmark (bench/api_load.py): production settings with the bare baseline view.

Production as deployed behind TLS termination on loopback: DEBUG off, the real middleware, API and
database settings; only the HTTPS redirect is off (wrk speaks plain HTTP to 127.0.0.1) and the URLconf
adds ``/bench/bare`` — a plain Django JSON view, the ceiling of this stack on this machine.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-" + "k7Qx2Lr9Vd" * 6)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings.production import *  # noqa: E402, F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
