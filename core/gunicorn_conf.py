"""Gunicorn settings for `make serve`, the load benchmark and the fault checks: one config, so every measurement
runs under the server production runs. Command-line flags (--bind, --pid) override these values."""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A worker stuck longer than this is killed and replaced; the master keeps the listening socket open meanwhile.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 2
# The app writes one line per request itself (core/logging_setup.py); gunicorn's access log would double it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): a second server on the same
# machine (benchmark baseline, a staging copy) would take it over. We stop by pid file, so we don't need it.
control_socket_disable = True
