from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"
    # The catalog predates the project-wide BigAutoField default; its tables keep integer keys.
    default_auto_field = "django.db.models.AutoField"
