"""What the admin does when a service refuses a save: say why, never answer 500."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.utils.translation import gettext


class ServiceErrorsMixin:
    """A refusal from a service (raised inside the admin's transaction, so nothing is kept)
    becomes an error message on the page the editor came from."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            text = gettext("Not saved: %(reason)s") % {"reason": " ".join(error.messages)}
            self.message_user(request, text, messages.ERROR)
            return redirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, ProtectedError) as error:
            reason = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else gettext("Other data still refers to it.")
            )
            self.message_user(
                request, gettext("Not deleted: %(reason)s") % {"reason": reason}, messages.ERROR
            )
            return redirect(request.path.rsplit("delete/", 1)[0])

    def delete_queryset(self, request, queryset):
        """Deletes each through ``delete_model`` (the services), reporting refusals."""
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except (ValidationError, ProtectedError) as error:
                reason = (
                    " ".join(error.messages)
                    if isinstance(error, ValidationError)
                    else gettext("other data still refers to it.")
                )
                text = gettext("%(object)s was not deleted: %(reason)s") % {
                    "object": obj,
                    "reason": reason,
                }
                self.message_user(request, text, messages.ERROR)
