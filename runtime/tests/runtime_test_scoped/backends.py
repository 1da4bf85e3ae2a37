"""An object-permission backend as django-rules is one: owners may edit their notes."""

from typing import Any


class OwnerBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        return (perm == "runtime_test_scoped.edit_note" and obj is not None
                and obj.owner_id == user.pk)
