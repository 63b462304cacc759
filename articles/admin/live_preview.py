"""The live preview beside an entry's form: the form as the editor is typing it, saved the way
the page's *Save* saves it (the services write the working copy and its revision), read back
the way publishing reads it, and then rolled back: nothing of it stays in the database.

The admin only turns the unsaved form into that momentary working copy
(``LivePreviewMixin.unsaved_working_copy``); what a frontend is sent of it is decided by the
composition root (``cms.live_preview``), which answers in the public API's own shape.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.formsets import all_valid
from django.utils.translation import gettext

from articles.models import Article
from articles.permissions import may_preview
from kernel.throttling import Budget, Rate, spend


class FormErrors(Exception):
    """The unsaved form does not validate: ``messages`` say why, as the page would."""

    def __init__(self, messages: list[str]):
        super().__init__(messages)
        self.messages = messages


def live_preview_budget(user) -> int | None:
    """Count one live preview of ``user``: None when it fits ``LIVE_PREVIEW_RATE``, else the
    seconds to wait (the page sends one per pause in typing; this keeps a runaway page, or
    several tabs, from rendering the entry continuously)."""
    rate = Rate.parse(settings.LIVE_PREVIEW_RATE)
    return spend(Budget(f"live-preview:{user.pk}", rate))


def _errors(form, formsets) -> list[str]:
    messages = [
        f"{form.fields[name].label if name in form.fields else ''}: {error}".lstrip(": ")
        for name, errors in form.errors.items()
        for error in errors
    ]
    for formset in formsets:
        messages += [str(error) for error in formset.non_form_errors()]
        for inline in formset.forms:
            messages += [
                f"{inline.fields[name].label if name in inline.fields else ''}: {error}".lstrip(
                    ": "
                )
                for name, errors in inline.errors.items()
                for error in errors
            ]
    return messages


class LivePreviewMixin:
    @contextmanager
    def unsaved_working_copy(self, request, article: Article) -> Iterator[Article]:
        """``article`` as the posted form would save it, inside a transaction that is always
        rolled back. Raises ``FormErrors`` for a form the page would refuse, and
        ``PermissionDenied`` for an editor who may not preview or change the entry."""
        if not may_preview(request.user) or not self.has_change_permission(request, article):
            raise PermissionDenied(gettext("You may not preview this entry."))
        with transaction.atomic():
            try:
                fieldsets = self.get_fieldsets(request, article)
                form_class = self.get_form(
                    request, article, change=True, fields=flatten_fieldsets(fieldsets)
                )
                form = form_class(request.POST, request.FILES, instance=article)
                formsets, _ = self._create_formsets(request, form.instance, change=True)
                valid = form.is_valid()  # its clean() locks the row, as a save does
                if not (all_valid(formsets) and valid):
                    raise FormErrors(_errors(form, formsets))
                try:
                    self.save_form(request, form, change=True)
                    edited = self.write_edits(request, form, formsets, change=True)
                except ValidationError as error:
                    raise FormErrors(error.messages) from error
                yield Article.objects.with_page_data().get(pk=edited.pk)
            finally:
                transaction.set_rollback(True)
