from django.contrib import admin, messages

from cms.models import PartnerKey
from cms.services import partner_key_create, partner_key_revoke


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
        messages.warning(
            request,
            f"The API key for {key.name} is {raw_key} — copy it now: it is stored hashed and "
            "will not be shown again.",
        )

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            partner_key_revoke(key=key)
        self.message_user(request, "The selected keys no longer work.", messages.SUCCESS)
