"""Prepare instance/ before the app starts: a random SECRET_KEY written once (`make run`)."""

from __future__ import annotations

import os
import secrets
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_secret_key(instance_path: str) -> bool:
    """Write instance/config.py with a random SECRET_KEY unless it has one. True if written."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "config.py")
    existing = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            existing = fh.read()
    if "SECRET_KEY" in existing:
        return False
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"SECRET_KEY = {secrets.token_hex(32)!r}\n")
    os.chmod(path, 0o600)
    return True


if __name__ == "__main__":
    instance = os.environ.get("PORTAL_INSTANCE_PATH") or os.path.join(ROOT, "instance")
    if ensure_secret_key(instance):
        print(f"Wrote a new random SECRET_KEY to {instance}/config.py")
    sys.exit(0)
