"""decompose_remote's app, and ``django.contrib.admin`` as the service installs it.

``RemoteConfig`` is decompose_remote's own (the only candidate Django finds here without a
``default = False``): its ``ready()`` lets the app registry (``registry``) and the contenttypes
framework (``content_types``) answer the monolith's models and django-filter's FilterSets
filter their rows (``filters``). ``ServiceAdminConfig`` is installed as
``decompose_remote.apps.ServiceAdminConfig`` in place of ``django.contrib.admin``, as Django's
docs do for a custom default site. The module imports Django's AdminConfig under its module
name so that it is not a second AppConfig candidate for ``decompose_remote`` itself.
"""

import importlib.util

from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps


class RemoteConfig(AppConfig):
    name = "decompose_remote"

    def ready(self) -> None:
        from decompose_remote import registry

        registry.install()
        if apps.is_installed("django.contrib.contenttypes"):
            from decompose_remote import content_types  # imports DRF's settings

            content_types.install()
        if importlib.util.find_spec("django_filters") is not None:
            from decompose_remote import filters

            filters.install()


class ServiceAdminConfig(admin_apps.AdminConfig):
    default = False  # decompose_remote keeps RemoteConfig
    default_site = "decompose_remote.admin.ServiceAdminSite"
