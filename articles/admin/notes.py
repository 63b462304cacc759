"""Notes on entries: corrections, clarifications and updates, written into the working copy
(often from a reader's correction) and published with the entry's changes. A live note is
shown read-only: it never changes; a later note amends it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from articles.admin.states import when
from articles.admin.writes import ServiceErrorsMixin
from articles.models import Article, Note
from articles.models.notes import NOTE_TEXT_MAX_LENGTH
from articles.permissions import may_edit_content, may_translate
from articles.services import note_create, note_delete, note_update
from feedback.models import Feedback
from feedback.services import feedback_write_note
from kernel.languages import default_language, supported_languages

LIVE_FIELDS = ["article", "kind", "amends", "live_text", "published_at", "written_by"]


def text_field(language: str) -> str:
    return f"text_{language}"


class NoteForm(forms.ModelForm):
    """The note's text gets one box per language; ``feedback`` names the reader's correction
    the note answers (it is then marked actioned)."""

    feedback = forms.ModelChoiceField(
        queryset=Feedback.objects.filter(article__isnull=False),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Note
        fields = ["article", "kind", "amends"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in supported_languages():
            self.fields[text_field(language)].initial = self.instance.text.get(language, "")
        if "amends" in self.fields:
            self.fields["amends"].queryset = self._amendable()
            self.fields["amends"].label_from_instance = note_label

    def _amendable(self):
        """Live notes, those of the entry the note is for once it is known."""
        notes = Note.objects.filter(published_at__isnull=False).select_related("article")
        article = self.data.get("article") or self.initial.get("article")
        if article and str(article).isdigit():
            notes = notes.filter(article_id=article)
        return notes.order_by("article__slug", "published_at")

    @property
    def texts(self) -> dict[str, str]:
        return {
            language: self.cleaned_data.get(text_field(language), "")
            for language in supported_languages()
        }


def note_label(note: Note) -> str:
    """A note as the editor knows it: its kind, entry, date and the start of its text."""
    text = excerpt(note.text.get(default_language(), ""), 80)
    return gettext("%(kind)s on %(entry)s, %(when)s: %(text)s") % {
        "kind": note.get_kind_display(),
        "entry": note.article.slug,
        "when": when(note.published_at),
        "text": text,
    }


def excerpt(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def text_fields() -> dict[str, forms.CharField]:
    """One box per language, the default language's required."""
    return {
        text_field(language): forms.CharField(
            label=gettext_lazy("Text (%(language)s)") % {"language": language},
            required=language == default_language(),
            max_length=NOTE_TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=gettext_lazy(
                "Plain text. Readers of a language without a text read the %(default)r one."
            )
            % {"default": default_language()},
        )
        for language in supported_languages()
    }


@admin.register(Note)
class NoteAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    form = NoteForm
    list_display = ["entry", "kind", "excerpt", "state", "written_by"]
    list_filter = ["kind"]
    list_select_related = ["article", "written_by"]
    search_fields = ["article__slug"]
    raw_id_fields = ["article"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = type("NoteForm", (NoteForm,), text_fields())
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None):
        article = obj.article if obj is not None else None
        return may_edit_content(request.user, article) or may_translate(request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_live)

    def get_fields(self, request, obj=None):
        texts = [text_field(language) for language in supported_languages()]
        if obj is not None and obj.is_live:
            return [*LIVE_FIELDS, "reader_correction"]
        return ["article", "kind", "amends", *texts, "feedback"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_live:
            return [*LIVE_FIELDS, "reader_correction"]
        readonly = []
        if obj is not None:
            readonly += ["article", "amends"]
            if not may_edit_content(request.user, obj.article):
                readonly.append("kind")
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        feedback = self._feedback(request)
        if feedback is not None:
            initial |= {"article": feedback.article_id, "kind": "correction", "feedback": feedback}
        return initial

    def _feedback(self, request) -> Feedback | None:
        pk = request.GET.get("feedback") or request.POST.get("feedback")
        if not (pk and str(pk).isdigit()):
            return None
        return Feedback.objects.filter(pk=pk, article__isnull=False).first()

    def add_view(self, request, form_url="", extra_context=None):
        feedback = self._feedback(request)
        if request.method == "GET" and feedback is not None:
            self.message_user(
                request,
                gettext("Writing a note on %(entry)s from a reader's %(kind)s: “%(message)s”")
                % {
                    "entry": feedback.article.slug,
                    "kind": feedback.get_kind_display().lower(),
                    "message": feedback.message,
                },
                messages.INFO,
            )
        return super().add_view(request, form_url, extra_context)

    @admin.display(description=gettext_lazy("Reader's correction"))
    def reader_correction(self, note):
        feedback = note.feedback.first()
        if feedback is None:
            return "—"
        return format_html("“{}” ({})", feedback.message, when(feedback.created_at))

    @admin.display(description=gettext_lazy("Text"))
    def live_text(self, note):
        return format_html_join(
            mark_safe("<br>"), "<strong>{}</strong>: {}", sorted(note.text.items())
        )

    @admin.display(description=gettext_lazy("Entry"), ordering="article__slug")
    def entry(self, note):
        return note.article.slug

    @admin.display(description=gettext_lazy("Text"))
    def excerpt(self, note):
        return excerpt(note.text.get(default_language(), ""), 100)

    @admin.display(description=gettext_lazy("State"), ordering="published_at")
    def state(self, note):
        if note.is_live:
            return gettext("Live since %(when)s") % {"when": when(note.published_at)}
        return gettext("Waiting: goes live with the entry's changes")

    # Writes go through the services.

    def save_model(self, request, obj, form, change):
        if change:
            note_update(note=obj, user=request.user, kind=obj.kind, texts=form.texts)
            return
        feedback = form.cleaned_data.get("feedback")
        if feedback is not None:
            if feedback.article_id != obj.article_id:
                raise ValidationError(gettext("The reader's feedback is about another entry."))
            note = feedback_write_note(
                feedback=feedback, kind=obj.kind, texts=form.texts, user=request.user
            )
        else:
            note = note_create(
                article=obj.article,
                kind=obj.kind,
                texts=form.texts,
                amends=obj.amends,
                user=request.user,
            )
        obj.pk = note.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        note_delete(note=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for note in queryset:
            note_delete(note=note, user=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        """Back to the entry, where its changes wait to be published."""
        article = obj.article
        live = article.status == Article.Status.PUBLISHED
        self.message_user(
            request,
            (
                gettext(
                    "Note added to %(entry)s's working copy: it goes live when a publisher "
                    "publishes the changes."
                )
                if live
                else gettext("Note added to %(entry)s's working copy.")
            )
            % {"entry": article},
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)


def notes_summary(article: Article) -> str:
    """The entry's notes with their state, and a link to add one (article page)."""
    if not article.pk:
        return gettext("Shown after saving.")
    notes = sorted(article.notes.all(), key=lambda n: (n.published_at is None, n.pk))
    rows = format_html_join(
        "",
        '<li><a href="{}">{}</a> · {} · {}</li>',
        (
            (
                reverse("admin:articles_note_change", args=[note.pk]),
                note.get_kind_display(),
                gettext("live since %(when)s") % {"when": when(note.published_at)}
                if note.is_live
                else gettext("not live yet"),
                note.text.get(default_language(), ""),
            )
            for note in notes
        ),
    )
    add = reverse("admin:articles_note_add") + f"?article={article.pk}"
    return format_html(
        '<ul>{}</ul><a href="{}">{}</a>',
        rows,
        add,
        gettext("Add a correction, clarification or update"),
    )
