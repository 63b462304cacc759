"""What the admin does when a service refuses a save: say why, never answer 500."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.shortcuts import redirect


class ServiceErrorsMixin:
    """A refusal from a service (raised inside the admin's transaction, so nothing is kept)
    becomes an error message on the page the editor came from."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, "Not saved: " + " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, ProtectedError) as error:
            reason = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else ("Other data still refers to it.")
            )
            self.message_user(request, f"Not deleted: {reason}", messages.ERROR)
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
                    else ("other data still refers to it.")
                )
                self.message_user(request, f"{obj} was not deleted: {reason}", messages.ERROR)
