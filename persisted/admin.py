"""The persisted documents in the admin: read them, retire them. They are registered from
manifests (manage.py graphql_documents register) or by clients (APQ), never typed in here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from persisted import services
from persisted.models import PersistedDocument


@admin.register(PersistedDocument)
class PersistedDocumentAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "created_at", "retired_at"]
    list_filter = ["source", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["id", "document"]
    readonly_fields = ["id", "source", "document", "created_at", "retired_at"]
    actions = ["retire"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # retire instead: a client may still send its id

    @admin.action(description=gettext_lazy("Retire the selected documents"), permissions=["change"])
    def retire(self, request, queryset):
        retired = services.documents_retire(ids=queryset.values_list("pk", flat=True))
        text = ngettext("%(count)d document retired.", "%(count)d documents retired.", retired)
        self.message_user(request, text % {"count": retired}, messages.SUCCESS)
