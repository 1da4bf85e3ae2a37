"""``django.contrib.admin`` as the service installs it: ``admin.site`` is the service's site.

Installed as ``decompose_remote.apps.ServiceAdminConfig`` in place of ``django.contrib.admin``,
as Django's docs do for a custom default site. The module imports Django's AdminConfig under
its module name so that it is not a second AppConfig candidate for ``decompose_remote`` itself.
"""

from django.contrib.admin import apps as admin_apps


class ServiceAdminConfig(admin_apps.AdminConfig):
    default = False  # decompose_remote keeps its plain AppConfig
    default_site = "decompose_remote.admin.ServiceAdminSite"
