"""Run the main job in one terminal: web server, Celery worker and Celery beat.

For a laptop or a demo. Production runs the same three kinds of process under its
own supervisor (see README), with as many web and worker processes as it needs.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站、后台任务进程和定时任务进程（演示与本地开发用）。"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("DUBAN_ADDR", "127.0.0.1:8000"))

    def handle(self, *args, addr: str, **options):
        python = sys.executable
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "tracker",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        url = f"http://{addr}/"
        self._wait_until_up(url + "healthz")
        # Beat's first heartbeat comes a minute after it starts: ask the worker for one now,
        # so /healthz shows a live worker as soon as it has started.
        from tracker.tasks import record_worker_heartbeat

        record_worker_heartbeat.delay()
        self.stdout.write(self.style.SUCCESS(f"督办已启动：{url}  （按 Ctrl-C 停止）"))
        self.stdout.write("演示账号见 README（如 duchashi / duban-demo）。")
        stop = False

        def request_stop(signum, frame):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        try:
            while not stop:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(
                            f"{name} 进程已退出（代码 {process.returncode}），正在停止。"
                        )
                        stop = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _wait_until_up(self, url: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        self.stderr.write(f"网站在 {seconds} 秒内未响应：{url}")
