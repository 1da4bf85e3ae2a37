"""What decompose writes for ``users = models.ManyToManyField("auth.User")`` on a moved model:
the auto-created through table as an explicit model, its key to the user an id column."""

from django.db import models

from decompose_remote.many import RemoteManyToMany
from decompose_remote.models import RemoteRelation


class Watchlist(models.Model):
    name = models.CharField(max_length=50)
    users = RemoteManyToMany("auth.User", "runtime_test_pairs.Watchlist_users", "watchlist",
                             "user_id")

    def __str__(self) -> str:
        return self.name


class Watchlist_users(models.Model):  # noqa: DJ008 - Django's name for the through model
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="+",
                                  related_query_name="users_pairs")
    user_id = models.IntegerField(db_column="user_id", db_index=True)

    class Meta:
        db_table = "runtime_test_pairs_watchlist_users"
        unique_together = [("watchlist", "user_id")]


class Bookmark(models.Model):
    """``owner = models.ForeignKey("auth.User", related_name="bookmarks")`` of a moved model."""

    owner_id = models.IntegerField(db_column="owner_id", db_index=True)
    owner = RemoteRelation("auth.User", "owner_id")
    url = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.url


class ShownProfiles(models.Manager["Profile"]):
    """A default manager that filters (Tandoor's django-scopes managers filter by space)."""

    def get_queryset(self) -> models.QuerySet["Profile"]:
        return super().get_queryset().filter(hidden=False)


class Profile(models.Model):
    """``user = models.OneToOneField("auth.User")`` of a moved model (reverse: ``profile``)."""

    user_id = models.IntegerField(db_column="user_id", unique=True)
    user = RemoteRelation("auth.User", "user_id")
    hidden = models.BooleanField(default=False)

    objects = ShownProfiles()

    def __str__(self) -> str:
        return str(self.user_id)
