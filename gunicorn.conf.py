"""gunicorn settings of the production server (read by gunicorn from the working directory;
`make serve-prod` and the README's « En production » use them)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# The usual rule for a server that waits on its database: two workers per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# A few threads per worker serve the requests that wait on PostgreSQL or Redis meanwhile.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# With gthread workers this is only how long a worker may fail to report to the arbiter (its main
# loop keeps reporting while a thread serves a slow request): it does not end a slow request. The
# slowest request, an import in the back office, stops itself after IMPORT_MAX_SECONDS.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "180"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that no slow leak can grow for ever.
max_requests = 5000
max_requests_jitter = 500
# Load the application once, before the workers are forked (less memory, faster start).
preload_app = True
# The access log holds no IP address, no user agent and no referrer (see /donnees-personnelles/):
# time, request line, status, size and duration only.
# GUNICORN_ACCESS_LOG: a file, « - » for the standard output (default), empty for no log at all.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# Trust X-Forwarded-* from the reverse proxy on the same machine only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
