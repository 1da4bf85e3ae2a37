from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.reports import sales_summary, top_products


class SalesReportView(APIView):
    """Back-office sales figures over all time."""

    permission_classes = [permissions.IsAdminUser]

    def get(self, request: Request) -> Response:
        summary = sales_summary()
        return Response(
            {
                "orders": summary.orders,
                "revenue": str(summary.revenue),
                "discounts": str(summary.discounts),
                "refunded": str(summary.refunded),
                "average_order_value": str(summary.average_order_value),
                "top_products": [
                    {
                        "product": product.product_id,
                        "name": product.name,
                        "units": product.units,
                        "revenue": str(product.revenue),
                    }
                    for product in top_products()
                ],
            }
        )
