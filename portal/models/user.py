"""Staff accounts and their roles."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models.enums import Role
from portal.timeutil import utcnow


class User(UserMixin, db.Model):
    """A member of staff. Members of the public have no account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    # Space-separated Role values: one person may hold several roles.
    roles_text: Mapped[str] = mapped_column("roles", String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.roles_text.split() if r)

    @roles.setter
    def roles(self, value: set[Role] | frozenset[Role] | list[Role]) -> None:
        self.roles_text = " ".join(sorted(Role(r).value for r in value))

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password (never the password)."""
        method = "scrypt"
        if has_app_context():  # tests use a cheaper hash; production keeps scrypt
            method = current_app.config.get("PASSWORD_HASH_METHOD") or method
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        # Changing the password hash signs the user out of every other session.
        return f"{self.id}:{self.password_hash[-12:]}"
