from django.urls import path

from analytics.api.views import SalesReportView

app_name = "analytics-api"

urlpatterns = [path("sales/", SalesReportView.as_view(), name="sales")]
