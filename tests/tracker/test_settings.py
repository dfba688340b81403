"""Settings read the environment; defaults run on a laptop; production passes check --deploy."""

import os
import subprocess
import sys

from django.conf import settings

PYTHON = sys.executable


def run_settings_probe(env_overrides: dict, code: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "EMAIL_HOST",
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    result = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; " + code,
        ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_defaults_to_sqlite_filesystem_broker_and_file_email():
    out = run_settings_probe(
        {},
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL,"
        " s.MAILERS['default']['BACKEND'])",
    )
    assert out == (
        "django.db.backends.sqlite3 filesystem:// django.core.mail.backends.filebased.EmailBackend"
    )


def test_it_uses_postgres_redis_and_smtp_when_configured():
    out = run_settings_probe(
        {
            "DATABASE_URL": "postgres://u@db.internal:5432/duban",
            "REDIS_URL": "redis://r:6379/0",
            "EMAIL_URL": "smtp+tls://mailer:s%40cret@smtp.example.gov.cn:587",
        },
        "m = s.MAILERS['default']['OPTIONS']; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL,"
        " m['host'], m['port'], m['password'], m['use_tls'])",
    )
    assert out == (
        "tracker.db.postgresql duban redis://r:6379/0 smtp.example.gov.cn 587 s@cret True"
    )


def test_it_is_chinese_first_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env.update({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "tracker.settings"})
    result = subprocess.run(
        [PYTHON, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_it_passes_check_deploy_with_production_values():
    # Production needs a real mailer: the file backend fails mail.E001 on purpose.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "prod-like-" + "k3y-" * 16,
            "ALLOWED_HOSTS": "duban.example.gov.cn",
            "EMAIL_URL": "smtp+tls://duban@smtp.example.gov.cn:587",
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
        }
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
