from tests.extractor.codemods.tools import check_noop, check_transformed


def test_model_that_did_not_move_is_left_alone():
    check_noop("""\
        from django.db import models


        class Invoice(models.Model):
            number = models.CharField(max_length=10)
        """, module="billing.models")


def test_meta_is_added_with_the_monolith_table_and_unmanaged():
    check_transformed("""\
        from django.db import models


        class Order(models.Model):
            status = models.CharField(max_length=10)  # pending, paid
        """, """\
        from django.db import models


        class Order(models.Model):
            status = models.CharField(max_length=10)  # pending, paid

            class Meta:
                db_table = "orders_order"
                managed = False
        """)


def test_existing_meta_keeps_its_options_and_gets_the_table_pinned():
    check_transformed("""\
        from django.db import models


        class Order(models.Model):
            class Meta:
                ordering = ["-id"]  # newest first
                db_table = "old_name"
        """, """\
        from django.db import models


        class Order(models.Model):
            class Meta:
                ordering = ["-id"]  # newest first
                db_table = "orders_order"
                managed = False
        """)
