"""The moved apps' Django admin, served by the service to the monolith's staff.

The monolith stays the identity provider: ``request.user`` is the ``TokenUser`` of the access
token the gateway got for the staff member's admin session, and its permissions are the token's
(``is_staff``, ``is_superuser``, and the user's permissions on the extracted apps). The service
has no login, logout or password pages of its own: those views and the admin index redirect to
the monolith's admin (``DECOMPOSE_MONOLITH_ADMIN_URL``), which the proxy keeps serving at the
same public paths; only ``/admin/<app_label>/`` of the moved apps reaches this site.

Admin actions are written to the service's JSON log (logger ``decompose_remote.admin``), never
to ``django_admin_log``: a LogEntry row points at the monolith's user and content type rows, and
the service does not write the monolith's tables. The monolith's "Recent actions" and object
history do not show what was changed here.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.messages.storage.cookie import CookieStorage
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import smart_split, unescape_string_literal
from django.views.decorators.cache import never_cache

from decompose_remote.models import RemoteRelation, pks_where, prefetch_relations

logger = logging.getLogger(__name__)
# search_fields' prefixes, read as Django's ModelAdmin.get_search_results reads them.
SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}


def monolith_admin_url(page: str = "", **query: str) -> str:
    """A page of the monolith's admin, as the browser reaches it (behind the gateway: the
    same public host, so a path)."""
    base = str(settings.DECOMPOSE_MONOLITH_ADMIN_URL)
    query = {key: value for key, value in query.items() if value}
    return base.rstrip("/") + "/" + page + (f"?{urlencode(query)}" if query else "")


class RemoteRowsChangeList(ChangeList):
    """A changelist that reads the monolith rows its columns show (``list_display = ["user"]``
    on a ``RemoteRelation``) in one call per monolith model for the page, not one per row."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        relations = [relation for name in self.list_display if isinstance(name, str)
                     and isinstance(relation := getattr(self.model, name, None), RemoteRelation)]
        prefetch_relations((row, relation) for row in self.result_list for relation in relations)


def remote_search_lookup(model: type[Model], entry: str) -> tuple[RemoteRelation, str] | None:
    """For a search_fields entry one field into a monolith model (``"user__email"``, or
    ``"^user__email"``), its relation and the lookup to ask the monolith
    (``"email__icontains"``); None for the model's own fields."""
    path, lookup = (entry[1:], SEARCH_PREFIXES[entry[0]]) if entry[:1] in SEARCH_PREFIXES else (
        entry, "icontains")
    name, _, rest = path.partition("__")
    relation = getattr(model, name, None)
    if rest and isinstance(relation, RemoteRelation):
        return relation, f"{rest}__{lookup}"
    return None


# Checkers see the mixin as the ModelAdmin it is always mixed into.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class ServiceModelAdmin(_ModelAdmin):
    """Mixed into every ModelAdmin registered on the service's site (by ``register``)."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return RemoteRowsChangeList

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        """Django's search, where an entry such as ``user__email`` asks the monolith which of
        its rows match (``pks_where``, at most 1,000) and keeps the rows pointing at them.
        As in Django, every word of the term must match one of the fields."""
        entries = [str(entry) for entry in self.get_search_fields(request)]
        remote = {e: found for e in entries if (found := remote_search_lookup(self.model, e))}
        if not remote or not search_term:
            return super().get_search_results(request, queryset, search_term)
        own = copy.copy(self)  # the model's own fields, searched by Django (and any override)
        own.search_fields = [  # type: ignore[misc]  # on the copy only
            entry for entry in entries if entry not in remote]
        words, duplicates = [], False
        for bit in smart_split(search_term):
            word = unescape_string_literal(bit) if bit[:1] in "\"'" and bit[0] == bit[-1] else bit
            match = Q()
            if own.search_fields:
                rows, spawned = super(ServiceModelAdmin, own).get_search_results(
                    request, queryset, bit)
                match |= Q(pk__in=rows.values("pk"))
                duplicates |= spawned
            for relation, lookup in remote.values():
                match |= Q(**{f"{relation.attname}__in": pks_where(relation.label,
                                                                   **{lookup: word})})
            words.append(match)
        return queryset.filter(*words), duplicates

    # No LogEntry row (the monolith owns that table): a JSON log line instead.
    def log_addition(  # type: ignore[override]
            self, request: HttpRequest, obj: Model, message: Any) -> None:
        _log_action(request, "addition", [obj], message)

    def log_change(  # type: ignore[override]
            self, request: HttpRequest, obj: Model, message: Any) -> None:
        _log_action(request, "change", [obj], message)

    def log_deletions(  # type: ignore[override]
            self, request: HttpRequest, queryset: Iterable[Model]) -> None:
        _log_action(request, "deletion", queryset, "")

    def log_deletion(  # type: ignore[override]  # what Django < 5.1 calls, once per row
            self, request: HttpRequest, obj: Model, object_repr: str) -> None:
        _log_action(request, "deletion", [obj], "")

    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: dict[str, Any] | None = None) -> HttpResponseRedirect:
        """The history is LogEntry rows in the monolith's table: not read here."""
        messages.info(request, "Changes made through this service are recorded in its JSON "
                      "log (logger decompose_remote.admin), not in the admin history.")
        opts = self.model._meta
        return HttpResponseRedirect(reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id],
            current_app=self.admin_site.name))


def _log_action(request: HttpRequest, action: str, objects: Iterable[Model],
                message: Any) -> None:
    user = request.user
    for obj in objects:
        logger.info("admin %s", action, extra={
            "admin_action": action, "model": obj._meta.label, "object_id": str(obj.pk),
            "object_repr": str(obj)[:200], "change_message": message,
            "user_id": user.pk, "username": user.get_username()})


class ServiceAdminSite(admin.AdminSite):
    """``admin.site`` in the service (see ``decompose_remote.apps.ServiceAdminConfig``).

    Permission to enter is Django's own (``is_active and is_staff``), read from the token.
    """

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Register as Django does, with ``ServiceModelAdmin`` mixed into the admin class."""
        base = admin_class or admin.ModelAdmin
        mixed = type(base.__name__, (ServiceModelAdmin, base),
                     {"__module__": base.__module__, "__qualname__": base.__qualname__})
        super().register(model_or_iterable, mixed, **options)

    def get_log_entries(self, request: HttpRequest) -> Any:
        from django.contrib.admin.models import LogEntry

        return LogEntry.objects.none()

    def index(  # type: ignore[override]  # a redirect where Django renders a page
            self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        return HttpResponseRedirect(monolith_admin_url())

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        return HttpResponseRedirect(monolith_admin_url(
            "login/", **{REDIRECT_FIELD_NAME: request.GET.get(REDIRECT_FIELD_NAME, "")}))

    def logout(  # type: ignore[override]  # a redirect where Django renders a page
            self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        # 307: the browser repeats the POST (and its CSRF token) at the monolith.
        return HttpResponseRedirect(monolith_admin_url("logout/"), status=307)

    def password_change(  # type: ignore[override]  # a redirect where Django renders a page
            self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        return HttpResponseRedirect(monolith_admin_url("password_change/"))

    def password_change_done(  # type: ignore[override]  # a redirect, not a page
            self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        return HttpResponseRedirect(monolith_admin_url("password_change/done/"))


class ServiceMessageStorage(CookieStorage):
    """The admin's messages ("changed successfully") in a cookie of the service's own: the
    service has no sessions, and the monolith's ``messages`` cookie is signed with a
    SECRET_KEY the service does not have (reading it would discard the monolith's messages)."""

    @property
    def cookie_name(self) -> str:  # type: ignore[override]
        return f"{settings.DECOMPOSE_SERVICE_NAME}_messages"
