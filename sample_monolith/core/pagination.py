from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page-number pagination whose size the client may choose, within a cap."""

    page_size_query_param = "page_size"
    max_page_size = 100
