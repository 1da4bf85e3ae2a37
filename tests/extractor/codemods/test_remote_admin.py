from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed, run


def test_registrations_of_moved_or_unknown_models_and_outside_admin_modules_are_kept():
    check_noop("""\
        admin.site.register(Order, OrderAdmin)
        admin.site.unregister(Product)  # not imported from the monolith
        """, module="orders.admin")
    mixed = "admin.site.register([Order, Product])\n"  # left for Django to report
    outside = "admin.site.unregister(Product)\n"
    for module, body in (("orders.admin", mixed), ("orders.views", outside)):
        text, rewrites = run("from catalog.models import Product\n" + body, module)
        assert text == "from monolith.catalog.models import Product\n" + body
        assert [r.codemod for r in rewrites] == ["remote_imports"]


def test_registrations_of_monolith_models_are_removed_with_a_comment():
    rewrites = check_transformed("""\
        from catalog.models import Product as Item


        class ItemAdmin(admin.ModelAdmin):
            pass


        # the shop's own product page
        admin.site.unregister(Item)
        admin.site.register(Item, ItemAdmin)

        admin.site.register(Order)
        if settings.DEBUG:
            site.register((Item,))


        @admin.display
        @admin.register(Item, site=site)
        class ItemAdmin2(admin.ModelAdmin):
            pass
        admin.site.unregister(Item)
        """, """\
        from monolith.catalog.models import Product as Item


        class ItemAdmin(admin.ModelAdmin):
            pass


        # the shop's own product page
        # decompose: catalog.Product stays, its admin too: admin.site.unregister(Item)
        # decompose: catalog.Product stays, its admin too: admin.site.register(Item, ItemAdmin)

        admin.site.register(Order)
        if settings.DEBUG:
            # decompose: catalog.Product stays, its admin too: site.register((Item,))
            pass


        # decompose: catalog.Product stays, its admin too: @admin.register(Item, site=site)
        @admin.display
        class ItemAdmin2(admin.ModelAdmin):
            pass
        # decompose: catalog.Product stays, its admin too: admin.site.unregister(Item)
        """, module="orders.admin")
    removals = [r for r in rewrites if r.codemod == "remote_admin"]
    assert [(r.location.line, r.level, r.message.partition(" removed")[0])
            for r in removals] == [
        (9, Level.WARNING, "admin.site.unregister(Item)"),
        (10, Level.WARNING, "admin.site.register(Item, ItemAdmin)"),
        (14, Level.WARNING, "site.register((Item,))"),
        (18, Level.WARNING, "@admin.register(Item, site=site)"),
        (21, Level.WARNING, "admin.site.unregister(Item)")]
    assert removals[0].message.endswith("catalog.Product stays in the monolith (a remote model "
                                        "here), whose admin keeps serving it")
