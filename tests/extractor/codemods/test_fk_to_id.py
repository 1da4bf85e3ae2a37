from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed, run


def test_local_relation_is_kept():
    check_noop("""\
        from django.db import models


        class Note(models.Model):
            order = models.ForeignKey("orders.Order", on_delete=models.CASCADE)
        """, module="orders.notes")


def test_outbound_foreign_key_becomes_id_column_with_the_same_column_and_type():
    rewrites = check_transformed("""\
        from django.db import models

        from catalog.models import Product


        class OrderLine(models.Model):
            # what was bought
            product = models.ForeignKey(Product, on_delete=models.PROTECT)  # never deleted
            quantity = models.PositiveIntegerField()

            class Meta:
                constraints = [models.UniqueConstraint(fields=["order", "product"], name="u")]
                ordering = ["-product"]
                db_table = "orders_orderline"
                managed = False
        """, """\
        from django.db import models
        from decompose_remote.models import RemoteRelation


        class OrderLine(models.Model):
            # what was bought
            product_id = models.IntegerField(db_column="product_id", db_index=True)  # never deleted
            product = RemoteRelation("catalog.Product", "product_id")
            quantity = models.PositiveIntegerField()

            class Meta:
                constraints = [models.UniqueConstraint(fields=["order", "product_id"], name="u")]
                ordering = ["-product_id"]
                db_table = "orders_orderline"
                managed = False
        """)
    assert [(str(r.location), r.codemod) for r in rewrites] == [
        ("orders/models.py:8", "fk_to_id")]


def test_db_column_null_and_blank_are_kept_and_bigint_follows_the_target_key():
    rewrites = check_transformed("""\
        from django.db import models


        class Order(models.Model):
            user = models.ForeignKey("accounts.User", models.SET_NULL, null=True, db_column="uid",
                                     blank=True)

            class Meta:
                db_table = "orders_order"
                managed = False
        """, """\
        from django.db import models
        from decompose_remote.models import RemoteRelation


        class Order(models.Model):
            user_id = models.BigIntegerField(db_column="uid", null=True, blank=True, db_index=True)
            user = RemoteRelation("accounts.User", "user_id")

            class Meta:
                db_table = "orders_order"
                managed = False
        """)
    assert all(r.level == Level.INFO for r in rewrites)


def test_a_one_to_one_that_is_the_primary_key_stays_the_primary_key():
    # Tandoor's SearchPreference: ``user = AutoOneToOneField(User, primary_key=True)``; the
    # table has no ``id``, which Django would otherwise read.
    check_transformed("""\
        from django.db import models


        class Order(models.Model):
            user = models.OneToOneField("accounts.User", models.CASCADE, primary_key=True)

            class Meta:
                db_table = "orders_order"
                managed = False
        """, """\
        from django.db import models
        from decompose_remote.models import RemoteRelation


        class Order(models.Model):
            user_id = models.BigIntegerField(db_column="user_id", primary_key=True)
            user = RemoteRelation("accounts.User", "user_id")

            class Meta:
                db_table = "orders_order"
                managed = False
        """)


def test_a_many_to_many_out_keeps_blank_for_the_forms():
    text, _ = run("""\
        class Order(models.Model):
            tags = models.ManyToManyField("catalog.Tag", blank=True, related_name="orders")
        """)
    assert ('    tags = RemoteManyToMany("catalog.Tag", "orders.Order_tags", "order", "tag_id", '
            "blank=True)\n") in text


def test_a_many_to_many_out_keeps_its_table_as_a_through_model_with_an_id_column():
    rewrites = check_transformed("""\
        from django.db import models

        from catalog.models import Tag


        class Order(models.Model):
            tags = models.ManyToManyField(Tag)

            class Meta:
                db_table = "orders_order"
                managed = False
        """, """\
        from django.db import models
        from decompose_remote.many import RemoteManyToMany


        class Order(models.Model):
            tags = RemoteManyToMany("catalog.Tag", "orders.Order_tags", "order", "tag_id")

            class Meta:
                db_table = "orders_order"
                managed = False


        # decompose: pairs of Order.tags; catalog.Tag stays (an id column)
        class Order_tags(models.Model):
            order = models.ForeignKey(
                "Order", on_delete=models.CASCADE, related_name="+",
                related_query_name="tags_pairs",
            )
            tag_id = models.IntegerField(db_column="tag_id", db_index=True)

            class Meta:
                db_table = "orders_order_tags"
                managed = False
                unique_together = [("order", "tag_id")]
        """)
    assert [(r.location.line, r.level, r.message) for r in rewrites] == [(
        7, Level.INFO, "orders.Order.tags: many-to-many to catalog.Tag -> RemoteManyToMany over "
        "Order_tags (the pairs kept in orders_order_tags, tag_id = models.IntegerField)")]
