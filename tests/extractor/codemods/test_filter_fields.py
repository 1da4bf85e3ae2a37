from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, run


def test_fields_inside_the_service_and_plain_relation_filters_are_kept():
    check_noop("""\
        class OrderViewSet(viewsets.ModelViewSet):
            filterset_fields = ["status", "product"]
            search_fields = ["^status", "lines__quantity"]
            ordering_fields = ["total", "-created_at"]


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                fields = ["user__email"]
        """, module="orders.api.views")


def test_search_ordering_and_filterset_traversals_are_errors_left_as_written():
    source = """\
        class OrderFilter(django_filters.FilterSet):
            class Meta:
                fields = ["status", "user__email"]


        class OrderViewSet(viewsets.ModelViewSet):
            search_fields = ["=product__name", "user"]
            ordering_fields = ["-product__price", "total"]
        """
    text, rewrites = run(source, module="orders.api.views")
    assert text == __import__("textwrap").dedent(source)
    assert [(r.location.line, r.level) for r in rewrites] == [
        (3, Level.ERROR), (7, Level.ERROR), (7, Level.ERROR), (8, Level.ERROR)]
    assert "'user__email' traverses 'user'" in rewrites[0].message
