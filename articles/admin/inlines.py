"""The parts of an entry on its page: translations side by side, signal, scorecard, ratings.

The inlines only collect what the editor typed; ``ArticleAdmin.save_related`` hands it all to
``article_update`` in one call (see ``edit_from_forms``).
"""

from django import forms
from django.contrib import admin
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from articles.models import (
    ArticleTranslation,
    RiskCategory,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
)
from articles.permissions import may_edit_content
from articles.rendering import render_markdown
from articles.services.edits import KEEP, TEXT_FIELDS
from kernel.languages import default_language, supported_languages


class LanguageRowsFormSet(BaseInlineFormSet):
    """Offers one empty form per language that has no row yet, with its language chosen.

    With ``keeps_default_language`` (a translator's page) the default language's row offers no
    *Delete*: only whoever edits the entry's content may remove its main text."""

    keeps_default_language = False

    def __init__(self, *args, instance=None, **kwargs):
        present = set()
        if instance is not None and instance.pk:
            rows = self.model.objects.filter(**{self.fk.name: instance})
            present = set(rows.values_list("language", flat=True))
        kwargs["initial"] = [{"language": c} for c in supported_languages() if c not in present]
        super().__init__(*args, instance=instance, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        main_text = form.instance.pk and form.instance.language == default_language()
        if self.keeps_default_language and main_text:
            # Disabled: a posted "delete" is ignored; hidden, so the page offers none.
            form.fields[DELETION_FIELD_NAME] = forms.BooleanField(
                required=False, disabled=True, label="", widget=forms.HiddenInput
            )
            form.fields["language"].disabled = True


class LanguageRowsInlineMixin:
    formset = LanguageRowsFormSet

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return len(supported_languages())
        present = self.model.objects.filter(**{self.fk_name: obj}).count()
        return max(len(supported_languages()) - present, 0)

    def get_max_num(self, request, obj=None, **kwargs):
        return len(supported_languages())


class ArticleTranslationInline(LanguageRowsInlineMixin, admin.StackedInline):
    model = ArticleTranslation
    fk_name = "article"
    template = "admin/articles/side_by_side_inline.html"
    fields = ["language", "title", "summary", "audience", "body", "rendered_body"]
    readonly_fields = ["rendered_body"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        formset = super().get_formset(request, obj, **kwargs)
        formset.keeps_default_language = not may_edit_content(request.user, obj)
        return formset

    @admin.display(description=gettext_lazy("Preview"))
    def rendered_body(self, translation):
        if not translation.pk:
            return gettext("Shown after saving.")
        # render_markdown sanitises its output.
        html = mark_safe(render_markdown(translation.body))
        return format_html('<div class="rendered-body">{}</div>', html)


class SignalBulletInline(admin.TabularInline):
    model = SignalBullet
    fields = ["language", "position", "text"]
    extra = 0
    verbose_name = gettext_lazy("editorial signal bullet")
    verbose_name_plural = gettext_lazy("Quick editorial signal (ordered bullets per language)")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            "position": forms.NumberInput(attrs={"style": "width: 4em"}),
            "text": forms.Textarea(attrs={"rows": 2, "style": "width: 100%; min-width: 32em"}),
        }
        return super().get_formset(request, obj, **kwargs)


class ScorecardInline(admin.StackedInline):
    model = Scorecard
    fields = ["framework", "risk_areas", "summary"]
    readonly_fields = ["summary"]
    autocomplete_fields = ["risk_areas"]
    max_num = 1
    extra = 0
    verbose_name_plural = gettext_lazy("Scorecard (model releases)")

    @admin.display(description=gettext_lazy("Derived"))
    def summary(self, scorecard):
        if not scorecard.pk:
            return gettext("Shown after saving.")
        summary = scorecard.summary
        overall = summary.overall.name if summary.overall else "no ratings yet"
        return format_html(
            gettext(
                "Overall: <strong>{}</strong> · may be deployed: {} · may be developed further: {}"
            ),
            overall,
            gettext("yes") if summary.may_deploy else gettext("no"),
            gettext("yes") if summary.may_develop else gettext("no"),
        )


class FrameworkOptionsSelect(forms.Select):
    """Each option names its framework (``data-framework``), so the entry's page offers only
    the levels and categories of the framework chosen in the form (``entry_form.js``)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-framework"] = str(instance.framework_id)
        return option


class ScorecardRatingInline(admin.TabularInline):
    model = ScorecardRating
    fields = ["category", "pre_mitigation", "post_mitigation"]
    extra = 0
    verbose_name_plural = gettext_lazy("Scorecard ratings (before and after mitigation)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only the categories and levels of the article's own framework."""
        object_id = request.resolver_match.kwargs.get("object_id")
        scorecard = Scorecard.objects.filter(article_id=object_id).first() if object_id else None
        if scorecard is not None:
            if db_field.name == "category":
                kwargs["queryset"] = RiskCategory.objects.filter(framework=scorecard.framework_id)
            elif db_field.name in ("pre_mitigation", "post_mitigation"):
                kwargs["queryset"] = RiskLevel.objects.filter(framework=scorecard.framework_id)
        kwargs["widget"] = FrameworkOptionsSelect
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _kept(formset):
    """The forms that stay: filled in, and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and (form.instance.pk or form.has_changed())
    ]


def _translations(formset) -> dict:
    wanted = {}
    for form in formset.forms:
        original = form.initial.get("language") if form.instance.pk else None
        if original and (
            form.cleaned_data.get("DELETE") or form.cleaned_data.get("language") != original
        ):
            wanted[original] = None
    for form in _kept(formset):
        wanted[form.cleaned_data["language"]] = {
            name: form.cleaned_data.get(name, "") for name in TEXT_FIELDS
        }
    return wanted


def _signals(formset) -> dict:
    rows = [
        (form.cleaned_data["language"], form.cleaned_data["position"], index, form)
        for index, form in enumerate(_kept(formset))
    ]
    wanted = {form.initial["language"]: [] for form in formset.forms if form.instance.pk}
    for language, _position, _index, form in sorted(rows, key=lambda row: row[:3]):
        wanted.setdefault(language, []).append(form.cleaned_data["text"])
    return wanted


def _scorecard(article, cards, ratings):
    """The scorecard as the forms leave it: None when removed, KEEP when untouched."""
    if not cards.has_changed() and not ratings.has_changed():
        return KEEP
    current = Scorecard.objects.filter(article_id=article.pk).first() if article.pk else None
    card = _kept(cards)
    if cards.has_changed() and not card:
        return None
    if card:
        framework = card[0].cleaned_data["framework"]
        areas = card[0].cleaned_data.get("risk_areas", [])
    elif current is not None:
        framework, areas = current.framework_id, list(current.risk_areas.all())
    else:
        return KEEP  # ratings without a scorecard: the rating forms refuse them already
    return {
        "framework": framework,
        "risk_areas": areas,
        "ratings": {
            form.cleaned_data["category"]: (
                form.cleaned_data["pre_mitigation"],
                form.cleaned_data.get("post_mitigation"),
            )
            for form in _kept(ratings)
        },
    }


def edit_from_forms(article, formsets) -> dict:
    """The parts of an ``article_update`` call from the page's inline formsets (only those the
    editor may change and did change)."""
    by_model = {formset.model: formset for formset in formsets}
    parts = {}
    translations = by_model.get(ArticleTranslation)
    if translations is not None and translations.has_changed():
        parts["translations"] = _translations(translations)
    signals = by_model.get(SignalBullet)
    if signals is not None and signals.has_changed():
        parts["signals"] = _signals(signals)
    cards, ratings = by_model.get(Scorecard), by_model.get(ScorecardRating)
    if cards is not None and ratings is not None:
        scorecard = _scorecard(article, cards, ratings)
        if scorecard is not KEEP:
            parts["scorecard"] = scorecard
    return parts
