"""Staff accounts."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Role, User
from portal.services import audit
from portal.services.actor import Actor
from portal.services.errors import ServiceError

MIN_PASSWORD_LENGTH = 12


def create_user(
    email: str, full_name: str, roles: set[Role], password: str, actor: Actor | None
) -> User:
    """Create a staff account with a hashed password."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ServiceError(f"Enter a valid email address ({exc})") from exc
    full_name = full_name.strip()
    if not full_name:
        raise ServiceError("Enter the person's name")
    if not roles:
        raise ServiceError("Give the account at least one role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise ServiceError("An account with that email address already exists")
    user = User(email=email, full_name=full_name)
    user.roles = set(roles)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor or Actor.system("command line"),
        "user_created",
        None,
        user_id=user.id,
        roles=sorted(r.value for r in roles),
    )
    return user


def set_roles(user_id: int, roles: set[Role], active: bool, actor: Actor) -> User:
    """Change an account's roles or switch it off."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("No such account")
    if not roles:
        raise ServiceError("Give the account at least one role")
    if user.id == actor.user_id and (Role.ADMIN not in roles or not active):
        raise ServiceError("You cannot remove your own administrator access")
    before = sorted(r.value for r in user.roles)
    user.roles = set(roles)
    user.active = active
    audit.record(
        actor,
        "user_changed",
        None,
        user_id=user.id,
        before=before,
        after=sorted(r.value for r in roles),
        active=active,
    )
    return user


def caseworkers() -> list[User]:
    """Active caseworkers, by name (for assignment)."""
    return [
        u
        for u in db.session.scalars(select(User).where(User.active).order_by(User.full_name))
        if u.has_role(Role.CASEWORKER)
    ]
