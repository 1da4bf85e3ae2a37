from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed, run


def test_options_on_fields_that_stay_and_files_that_are_not_admin_modules_are_kept():
    check_noop("""\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            list_display = ["id", "status"]
            search_fields = ["id", "lines__quantity"]
        """, module="orders.admin")
    check_noop("""\
        class OrderAdmin(admin.ModelAdmin):
            raw_id_fields = ["user"]
        """, module="orders.views")


def test_id_equivalents_are_renamed_keeping_comments_quotes_and_layout():
    rewrites = check_transformed("""\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            fields = ('status', 'user')  # the customer
            ordering = [
                "-user",  # newest customers first
                "status",
            ]
            list_filter = ["user__id"]
        """, """\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            fields = ('status', 'user_id')  # the customer
            ordering = [
                "-user_id",  # newest customers first
                "status",
            ]
            list_filter = ["user_id"]
        """, module="orders.admin")
    assert [(r.location.line, r.level, r.message) for r in rewrites] == [
        (3, Level.INFO, "fields 'user' -> 'user_id'"),
        (5, Level.INFO, "ordering '-user' -> '-user_id'"),
        (8, Level.WARNING, "list_filter 'user__id' -> 'user_id' (its choices are the ids, "
                           "not the rows)")]


def test_relation_only_options_and_deep_traversals_are_dropped_and_reported():
    rewrites = check_transformed("""\
        class OrderLineInline(admin.TabularInline):
            model = OrderLine
            raw_id_fields = ["order", "product"]


        class OrderAdmin(admin.ModelAdmin):
            search_fields = [
                "id",
                "user__email",
                "user__profile__city",
            ]
            list_display = ["id", "user", "user__email"]
            list_select_related = ("user",)


        admin.site.register(Order, OrderAdmin)
        """, """\
        class OrderLineInline(admin.TabularInline):
            model = OrderLine
            raw_id_fields = ["order"]


        class OrderAdmin(admin.ModelAdmin):
            search_fields = [
                "id",
                "user__email",
            ]
            list_display = ["id", "user"]
            list_select_related = ()


        admin.site.register(Order, OrderAdmin)
        """, module="orders.admin")
    assert [(r.location.line, r.level) for r in rewrites] == [
        (3, Level.INFO), (9, Level.INFO), (10, Level.ERROR), (12, Level.INFO),
        (12, Level.ERROR), (13, Level.INFO)]
    assert rewrites[1].message == (
        "search_fields 'user__email': searched through the monolith (user_id__in=pks_where("
        "'accounts.User', email=...)), at most 1,000 matching rows")
    assert rewrites[2].message == (
        "search_fields 'user__profile__city' removed: it traverses 'user', a relation to the "
        "monolith, which the service cannot query")
    assert "read from the monolith (accounts.User" in rewrites[3].message


def test_each_class_uses_the_relations_of_its_own_model():
    # "product" is replaced on OrderLine only: the Order admin's "product" is left alone.
    text, rewrites = run("""\
        from orders.models import Order, OrderLine


        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            readonly_fields = ["product", "user"]


        @admin.register(OrderLine)
        class OrderLineAdmin(admin.ModelAdmin):
            readonly_fields = ["product", "user"]
        """, module="orders.admin")
    assert 'readonly_fields = ["product", "user_id"]' in text
    assert 'readonly_fields = ["product_id", "user"]' in text
    assert [r.location.line for r in rewrites] == [6, 11]


def test_fieldsets_fields_are_rewritten_inside_their_options():
    check_transformed("""\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            fieldsets = [
                (None, {"fields": [("user", "status")]}),
                ("Money", {"fields": ["total"], "classes": ["collapse"]}),
            ]
        """, """\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            fieldsets = [
                (None, {"fields": [("user_id", "status")]}),
                ("Money", {"fields": ["total"], "classes": ["collapse"]}),
            ]
        """, module="orders.admin")


def test_a_many_to_many_the_model_lost_is_dropped_from_every_option_as_an_error():
    rewrites = check_transformed("""\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            filter_horizontal = ["tags"]
            raw_id_fields = ("tags",)
            fields = ["status", "tags"]
        """, """\
        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            filter_horizontal = []
            raw_id_fields = ()
            fields = ["status"]
        """, module="orders.admin")
    assert {(r.location.line, r.level) for r in rewrites} == {
        (3, Level.ERROR), (4, Level.ERROR), (5, Level.ERROR)}
    assert rewrites[0].message == ("filter_horizontal 'tags' removed: the many-to-many to "
                                   "catalog.Tag is a RemoteManyToMany over Order_tags now, "
                                   "which admin forms cannot edit")
