import textwrap
from dataclasses import replace

from extractor.codemods import transform
from tests.extractor.codemods.tools import BOUNDARY, check_noop, check_transformed


def test_serializer_of_a_model_that_did_not_move_or_lose_relations_is_kept():
    check_noop("""\
        from rest_framework import serializers

        from orders.models import Note


        class NoteSerializer(serializers.ModelSerializer):
            class Meta:
                model = Note
                fields = ["id", "text"]
        """, module="orders.api.serializers")


def test_serializer_of_a_moved_model_with_id_columns_keeps_uniqueness_checks():
    rewrites = check_transformed("""\
        from rest_framework import serializers

        from orders.models import Order


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                model = Order
                fields = ["id", "status", "lines"]
        """, """\

        from orders.models import Order
        from decompose_remote.serializers import IdColumnModelSerializer


        class OrderSerializer(IdColumnModelSerializer):
            class Meta:
                model = Order
                fields = ["id", "status", "lines"]
        """, module="orders.api.serializers")
    assert [r.location.line for r in rewrites] == [6]


def test_model_serializer_of_a_remote_model_becomes_remote():
    check_transformed("""\
        from rest_framework import serializers

        from catalog.models import Product


        class ProductSummarySerializer(serializers.ModelSerializer):
            \"\"\"As an order line shows it.\"\"\"

            class Meta:
                model = Product
                fields = ["id", "name", "price"]
        """, """\
        from rest_framework import serializers

        from monolith.catalog.models import Product
        from decompose_remote.serializers import RemoteModelSerializer


        class ProductSummarySerializer(RemoteModelSerializer):
            \"\"\"As an order line shows it.\"\"\"

            class Meta:
                model = Product
                fields = ["id", "name", "price"]
        """, module="orders.api.serializers")


def test_replaced_relation_listed_in_fields_is_declared_as_a_primary_key():
    check_transformed("""\
        from rest_framework import serializers

        from orders.models import Order, OrderLine


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                model = Order
                fields = ["id", "user"]
                read_only_fields = fields


        class LineSerializer(serializers.ModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["id", "product"]
        """, """\
        from rest_framework import serializers

        from orders.models import Order, OrderLine
        from decompose_remote.serializers import IdColumnModelSerializer, IdColumnPrimaryKeyField
        from monolith.catalog.models import Product


        class OrderSerializer(IdColumnModelSerializer):
            user = serializers.PrimaryKeyRelatedField(source="user_id", read_only=True)
            class Meta:
                model = Order
                fields = ["id", "user"]
                read_only_fields = fields


        class LineSerializer(IdColumnModelSerializer):
            product = IdColumnPrimaryKeyField(queryset=Product.objects.all())
            class Meta:
                model = OrderLine
                fields = ["id", "product"]
        """, module="orders.api.serializers")


def test_a_key_s_queryset_reads_the_remote_model_the_file_imports_already():
    # taiga's notifications serializers, once get_user_model_safe() is the remote model
    check_transformed("""\
        from rest_framework import serializers

        from catalog.models import Product as Item
        from orders.models import OrderLine


        class LineSerializer(serializers.ModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["id", "product"]
        """, """\

        from monolith.catalog.models import Product as Item
        from orders.models import OrderLine
        from decompose_remote.serializers import IdColumnModelSerializer, IdColumnPrimaryKeyField


        class LineSerializer(IdColumnModelSerializer):
            product = IdColumnPrimaryKeyField(queryset=Item.objects.all())
            class Meta:
                model = OrderLine
                fields = ["id", "product"]
        """, module="orders.api.serializers")


def test_a_many_to_many_kept_as_pairs_is_declared_as_a_list_of_keys():
    check_transformed("""\
        from rest_framework import serializers
        from orders.models import Order


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                model = Order
                fields = "__all__"
        """, """\
        from orders.models import Order
        from decompose_remote.serializers import IdColumnModelSerializer, IdColumnPrimaryKeyField
        from monolith.catalog.models import Tag


        class OrderSerializer(IdColumnModelSerializer):
            tags = IdColumnPrimaryKeyField(many=True, queryset=Tag.objects.all())
            class Meta:
                model = Order
                fields = "__all__"
        """, module="orders.serializers")


def test_a_model_the_file_imports_under_the_targets_name_is_not_shadowed():
    # tandoor's serializer.py imports the real auth.User for its UserSerializer: the mirror
    # backing a replaced relation to it comes under another name
    check_transformed("""\
        from accounts.models import User
        from rest_framework import serializers

        from orders.models import Order


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                model = Order
                fields = ["id", "user"]


        class UserSerializer(serializers.ModelSerializer):
            class Meta:
                model = User
                fields = ["id"]
        """, """\
        from accounts.models import User
        from rest_framework import serializers

        from orders.models import Order
        from monolith.accounts.models import User as MonolithUser
        from decompose_remote.serializers import IdColumnModelSerializer, IdColumnPrimaryKeyField


        class OrderSerializer(IdColumnModelSerializer):
            user = IdColumnPrimaryKeyField(queryset=MonolithUser.objects.all())
            class Meta:
                model = Order
                fields = ["id", "user"]


        class UserSerializer(serializers.ModelSerializer):
            class Meta:
                model = User
                fields = ["id"]
        """, module="orders.api.serializers")


def test_serializers_deriving_from_model_serializer_declare_the_id_fields_too():
    # tandoor's StorageSerializer(WritableNestedModelSerializer, SpacedModelSerializer): DRF
    # built created_by from the model, where it is a RemoteRelation now
    check_transformed("""\
        from drf_writable_nested import WritableNestedModelSerializer as WNMS
        from rest_framework import serializers

        from orders.models import Order, OrderLine


        class SpacedModelSerializer(serializers.ModelSerializer):
            pass


        class OrderSerializer(WNMS, SpacedModelSerializer):
            class Meta:
                model = Order
                fields = ["id", "user"]
                read_only_fields = ("user",)


        class LineSerializer(SpacedModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["id", "product"]


        class LinkedSerializer(serializers.HyperlinkedModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["id", "product"]
        """, """\
        from drf_writable_nested import WritableNestedModelSerializer as WNMS
        from rest_framework import serializers

        from orders.models import Order, OrderLine
        from decompose_remote.serializers import IdColumnPrimaryKeyField
        from monolith.catalog.models import Product


        class SpacedModelSerializer(serializers.ModelSerializer):
            pass


        class OrderSerializer(WNMS, SpacedModelSerializer):
            user = serializers.PrimaryKeyRelatedField(source="user_id", read_only=True)
            class Meta:
                model = Order
                fields = ["id", "user"]
                read_only_fields = ("user",)


        class LineSerializer(SpacedModelSerializer):
            product = IdColumnPrimaryKeyField(queryset=Product.objects.all())
            class Meta:
                model = OrderLine
                fields = ["id", "product"]


        class LinkedSerializer(serializers.HyperlinkedModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["id", "product"]
        """, module="orders.api.serializers")


FORK = replace(BOUNDARY, drf_fork=True)  # the monolith has no DRF: its ModelSerializer is a fork's


def fork_transformed(source: str) -> tuple[str, list[str]]:
    outcome = transform(textwrap.dedent(source), "orders/serializers.py", "orders.serializers",
                        FORK)
    return outcome.text, [f"{r.location.line} {r.message}" for r in outcome.rewrites]


def test_a_fork_s_model_serializer_declares_the_relations_with_the_fork_s_key_field():
    # taiga's WebNotificationSerializer(serializers.ModelSerializer) of its own DRF fork: the
    # fork finds no "user" among the model's fields (it is user_id), so it is declared with
    # the fork's field, reading the column; the base stays the fork's (one of a remote model
    # is the remote serializer, as with DRF's)
    text, rewrites = fork_transformed("""\
        from kit import serializers

        from . import models
        from catalog.models import Product


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                model = models.Order
                fields = ("id", "user", "tags")


        class LineSerializer(serializers.ModelSerializer):
            class Meta:
                model = models.OrderLine
                fields = ("id", "product")
                read_only_fields = ("id", "product")


        class ProductSerializer(serializers.ModelSerializer):
            class Meta:
                model = Product
                fields = ("id", "name")
        """)
    assert text == textwrap.dedent("""\
        from kit import serializers

        from . import models
        from monolith.catalog.models import Product
        from decompose_remote.drf_fork import id_column_key
        from decompose_remote.serializers import RemoteModelSerializer
        from monolith.accounts.models import User


        class OrderSerializer(serializers.ModelSerializer):
            user = id_column_key(serializers.PrimaryKeyRelatedField)(
                source="user_id", queryset=User.objects.all())
            class Meta:
                model = models.Order
                fields = ("id", "user", "tags")


        class LineSerializer(serializers.ModelSerializer):
            product = serializers.PrimaryKeyRelatedField(source="product_id", read_only=True)
            class Meta:
                model = models.OrderLine
                fields = ("id", "product")
                read_only_fields = ("id",)


        class ProductSerializer(RemoteModelSerializer):
            class Meta:
                model = Product
                fields = ("id", "name")
        """)
    assert rewrites == [
        "4 from catalog.models -> from monolith.catalog.models",
        "7 OrderSerializer.user: declared as a primary key field (the accounts.User relation "
        "is an id column now)",
        "13 LineSerializer.product: declared as a primary key field (the catalog.Product "
        "relation is an id column now)",
        "17 read_only_fields: product is declared read-only (the fork refuses a declared field "
        "among them)",
        "20 ProductSerializer: ModelSerializer of the monolith's Product -> "
        "RemoteModelSerializer"]


def test_a_fork_s_model_serializer_imported_by_name_imports_the_fork_s_key_field():
    text, _ = fork_transformed("""\
        from kit.serializers import ModelSerializer
        from orders.models import OrderLine


        class LineSerializer(ModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["product"]
                read_only_fields = ["product"]
        """)
    assert text.startswith("from kit.serializers import PrimaryKeyRelatedField, ModelSerializer\n")
    assert ('    product = PrimaryKeyRelatedField(source="product_id", read_only=True)\n'
            "    class Meta:\n") in text
    assert "        read_only_fields = []\n" in text


def test_a_fork_s_serializer_through_a_base_of_the_file_uses_the_base_s_fork():
    text, _ = fork_transformed("""\
        from kit import serializers
        from orders.models import OrderLine


        class BaseSerializer(serializers.ModelSerializer):
            pass


        class LineSerializer(BaseSerializer):
            class Meta:
                model = OrderLine
                fields = ["product"]
                read_only_fields = ["product"]
        """)
    assert ('class LineSerializer(BaseSerializer):\n    product = serializers.'
            'PrimaryKeyRelatedField(source="product_id", read_only=True)\n') in text


def test_a_fork_s_serializer_through_a_base_imported_is_reported_not_guessed():
    source = """\
        from orders.api import OrdersModelSerializer
        from orders.models import OrderLine


        class LineSerializer(OrdersModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["product"]


        class LineIdSerializer(OrdersModelSerializer):
            class Meta:
                model = OrderLine
                fields = ["id"]
        """
    assert fork_transformed(source) == (textwrap.dedent(source), [
        "5 LineSerializer: derives from a ModelSerializer of the monolith's DRF fork through "
        "a base imported from elsewhere: the relations it lists that are id columns now are not "
        "declared (declare them with the fork's PrimaryKeyRelatedField, source the id column)"])
