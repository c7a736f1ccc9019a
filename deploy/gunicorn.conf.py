"""Gunicorn's settings for Folkhälsa (`gunicorn -c deploy/gunicorn.conf.py folkhalsa.wsgi`).

Every value can be set from the environment (the systemd unit reads /etc/folkhalsa/folkhalsa.env),
so one file serves the production unit and `make load`.
"""

import os

# nginx in front talks to this address; 127.0.0.1 only, never a public interface.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: one request at a time each. Two per core is the usual start; `make load` runs 2.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Documents render in the task worker (`manage.py db_worker`), so no request should come near
# this; the slowest pages at national size take a few seconds, and publishing a follow-up stores
# its PDF. A worker silent for this long is killed and restarted, its request answered 502.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx holds the slow clients, so keep-alive to it is short.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (with jitter, so they do not all restart at
# once): a bounded memory footprint whatever a long-running process accumulates.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The access log is the application's own (one line per request, LOG_FORMAT=json); gunicorn's
# error log goes to stderr, that is to journald under systemd.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Only nginx on this machine may set X-Forwarded-* (Django reads them through BEHIND_TLS_PROXY).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "folkhalsa-web"
