"""outbox: download links and one-time codes only sealed (encrypted) beside the body, never in
it; the bodies already written have their link or code replaced by the placeholder

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:00:00

The data step is self-contained (it does not import the portal): the placeholders and the key
derivation are those of portal/services/mail.py when this revision was written. An unsent message
whose link is still valid is sealed with the SECRET_KEY of the app running the upgrade, so it is
still sent; any other has its secret removed for good (a code expires in 15 minutes anyway).
"""
import base64
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

LINK_LABEL = "download link"
CODE_LABEL = "one-time code"
LINK = re.compile(r"\S*/download/([A-Za-z0-9_-]+)")
CODE = re.compile(r"(code is )(\d{6})")
KEY_INFO = b"disclose outbox secrets v1"
CODE_MINUTES = 15


def _placeholder(label):
    return f"[{label}: sent to the requester, not shown to staff]"


def _aware(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _fernet():
    try:
        from flask import current_app, has_app_context
    except ImportError:
        return None
    key = current_app.config.get("SECRET_KEY") if has_app_context() else None
    if not key:
        return None
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    raw = key.encode() if isinstance(key, str) else key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(raw)
    return Fernet(base64.urlsafe_b64encode(derived))


def _outbox():
    return sa.table(
        'outbox',
        sa.column('id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('body', sa.Text),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('sent_at', sa.DateTime(timezone=True)),
        sa.column('attempts', sa.Integer),
        sa.column('sealed_secrets', sa.Text),
        sa.column('secrets_expire_at', sa.DateTime(timezone=True)),
    )


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_secrets', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('secrets_expire_at', sa.DateTime(timezone=True), nullable=True))
    _seal_existing()


def _seal_existing():
    bind = op.get_bind()
    outbox = _outbox()
    links = sa.table(
        'delivery_links',
        sa.column('token_hash', sa.String),
        sa.column('expires_at', sa.DateTime(timezone=True)),
    )
    fernet = _fernet()
    now = datetime.now(timezone.utc)
    rows = bind.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.body, outbox.c.created_at, outbox.c.sent_at)
        .where(outbox.c.kind.in_(("pack_released", "download_code")))
    ).all()
    for row in rows:
        body = row.body or ""
        if row.kind == "pack_released":
            found = LINK.search(body)
            if found is None:
                continue
            secrets = {LINK_LABEL: found.group(0)}
            body = body.replace(found.group(0), _placeholder(LINK_LABEL))
            digest = hashlib.sha256(found.group(1).encode()).hexdigest()
            expires = _aware(
                bind.scalar(sa.select(links.c.expires_at).where(links.c.token_hash == digest))
            )
        else:
            found = CODE.search(body)
            if found is None:
                continue
            secrets = {CODE_LABEL: found.group(2)}
            body = CODE.sub(lambda m: m.group(1) + _placeholder(CODE_LABEL), body)
            created = _aware(row.created_at)
            expires = created + timedelta(minutes=CODE_MINUTES) if created else None
        values = {"body": body, "secrets_expire_at": expires or now}
        if row.sent_at is None and fernet is not None and expires is not None and expires > now:
            values["sealed_secrets"] = fernet.encrypt(json.dumps(secrets).encode()).decode()
        bind.execute(outbox.update().where(outbox.c.id == row.id).values(**values))


def downgrade():
    # Unsent messages get their secret back in the body (with the key, if it can be read);
    # sent ones keep the placeholder: the secret was never kept after sending. An unsent one
    # whose secret is gone is marked as failed, so the older code never sends the placeholder.
    bind = op.get_bind()
    outbox = _outbox()
    fernet = _fernet()
    bind.execute(
        outbox.update()
        .where(
            outbox.c.sent_at.is_(None),
            outbox.c.secrets_expire_at.is_not(None),
            outbox.c.sealed_secrets.is_(None),
        )
        .values(attempts=5)
    )
    rows = bind.execute(
        sa.select(outbox.c.id, outbox.c.body, outbox.c.sealed_secrets)
        .where(outbox.c.sealed_secrets.is_not(None))
    ).all()
    for row in rows:
        if fernet is None:
            bind.execute(outbox.update().where(outbox.c.id == row.id).values(attempts=5))
            continue
        try:
            secrets = json.loads(fernet.decrypt(row.sealed_secrets.encode()))
        except Exception:
            bind.execute(outbox.update().where(outbox.c.id == row.id).values(attempts=5))
            continue
        body = row.body
        for label, value in secrets.items():
            body = body.replace(_placeholder(label), value)
        bind.execute(outbox.update().where(outbox.c.id == row.id).values(body=body))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('secrets_expire_at')
        batch_op.drop_column('sealed_secrets')
