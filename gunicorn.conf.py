"""gunicorn's settings for Duban's web processes (read from the working directory, so
`gunicorn tracker.wsgi` in the project folder uses them; command-line options win).

Threaded workers, not the default sync ones: a sync worker answers one request per TCP
connection and closes it, so every page and every static file (whitenoise serves them
from this process) paid a new connection, and a slow client held a whole process. A
gthread worker keeps a browser's connection open between requests (an idle one waits in
a poller, not in a thread) and serves `threads` requests at once in one process. Django
is thread-safe; each thread has its own database connection (CONN_MAX_AGE).
"""

import os

worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5  # seconds an idle keep-alive connection stays open
# The number of processes comes from --workers or WEB_CONCURRENCY (gunicorn's own).
