from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy

from partners.models import PartnerKey
from partners.services import partner_key_create, partner_key_revoke


@admin.register(PartnerKey)
class PartnerKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw_key = partner_key_create(name=obj.name)
        obj.pk, obj.prefix, obj.created_at = key.pk, key.prefix, key.created_at
        obj._state.adding = False
        obj.raw_key = raw_key  # for response_add only; never stored

    def response_add(self, request, obj, post_url_continue=None):
        """The new key, shown once in this response: not in a message, which would put it in
        a cookie or the session."""
        raw_key = getattr(obj, "raw_key", None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"API key for {obj.name}",
            "key": obj,
            "raw_key": raw_key,
        }
        return TemplateResponse(request, "admin/partners/partnerkey/created.html", context)

    @admin.action(description=gettext_lazy("Revoke selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            partner_key_revoke(key=key)
        self.message_user(request, gettext("The selected keys no longer work."), messages.SUCCESS)
