"""The web server as production runs it (gunicorn with the project's gunicorn.conf.py):
threaded workers that keep a client's connection open between requests."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_web_server_answers_several_requests_over_one_connection():
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-only-secret-key-that-is-long-and-random-enough-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi", "-b", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no server"
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sockets = []
        for _ in range(3):
            connection.request("GET", "/robots.txt")
            response = connection.getresponse()
            assert response.status == 200 and response.read().startswith(b"User-agent")
            assert not response.will_close  # the server keeps the connection open
            sockets.append(connection.sock)
        assert sockets[0] is sockets[1] is sockets[2]  # one TCP connection for all three
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
