"""The desk: the editors' admin. Every write goes through ``articles.services``."""

from django.contrib import admin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy

from articles.admin import entries, notes, reference, releases  # noqa: F401  (registers the model admins)

admin.site.site_header = "AI news desk"
admin.site.site_title = gettext_lazy("AI news desk")
admin.site.index_title = gettext_lazy("What needs attention")
# "View site" opens the reader site, not the API's root.
admin.site.site_url = reverse_lazy("reader:list")
