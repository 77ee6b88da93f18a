"""Who is acting: a member of staff, the requester, or a scheduled job."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import Role, User


@dataclass(frozen=True)
class Actor:
    """The explicit actor every service takes, so no service reads current_user."""

    user_id: int | None
    label: str
    roles: frozenset[Role] = frozenset()

    @classmethod
    def staff(cls, user: User) -> Actor:
        """A signed-in member of staff."""
        return cls(user_id=user.id, label=user.full_name, roles=user.roles)

    @classmethod
    def requester(cls) -> Actor:
        """The member of the public who made the request."""
        return cls(user_id=None, label="requester")

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """A scheduled or background job."""
        return cls(user_id=None, label=label)
