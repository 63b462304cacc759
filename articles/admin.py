from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from articles.models import (
    Article,
    ArticleTranslation,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.services import article_publish, article_unpublish
from cms.languages import supported_languages


class LanguageRowsFormSet(BaseInlineFormSet):
    """Offers one empty form per language that has no row yet, with its language chosen."""

    def __init__(self, *args, instance=None, **kwargs):
        present = set()
        if instance is not None and instance.pk:
            rows = self.model.objects.filter(**{self.fk.name: instance})
            present = set(rows.values_list("language", flat=True))
        kwargs["initial"] = [{"language": c} for c in supported_languages() if c not in present]
        super().__init__(*args, instance=instance, **kwargs)


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
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Preview")
    def rendered_body(self, translation):
        if not translation.pk:
            return "Shown after saving."
        # body_html is sanitised by articles.rendering on save.
        return format_html('<div class="rendered-body">{}</div>', mark_safe(translation.body_html))


class SignalBulletInline(admin.TabularInline):
    model = SignalBullet
    fields = ["language", "position", "text"]
    extra = 0
    verbose_name = "editorial signal bullet"
    verbose_name_plural = "Quick editorial signal (ordered bullets per language)"


class ScorecardInline(admin.StackedInline):
    model = Scorecard
    fields = ["framework", "risk_areas", "summary"]
    readonly_fields = ["summary"]
    autocomplete_fields = ["risk_areas"]
    max_num = 1
    extra = 0
    verbose_name_plural = "Scorecard (model releases)"

    @admin.display(description="Derived")
    def summary(self, scorecard):
        if not scorecard.pk:
            return "Shown after saving."
        summary = scorecard.summary
        overall = summary.overall.name if summary.overall else "no ratings yet"
        return format_html(
            "Overall: <strong>{}</strong> · may be deployed: {} · may be developed further: {}",
            overall,
            "yes" if summary.may_deploy else "no",
            "yes" if summary.may_develop else "no",
        )


class ScorecardRatingInline(admin.TabularInline):
    model = ScorecardRating
    fields = ["category", "pre_mitigation", "post_mitigation"]
    extra = 0
    verbose_name_plural = "Scorecard ratings (before and after mitigation)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only the categories and levels of the article's own framework."""
        object_id = request.resolver_match.kwargs.get("object_id")
        scorecard = Scorecard.objects.filter(article_id=object_id).first() if object_id else None
        if scorecard is not None:
            if db_field.name == "category":
                kwargs["queryset"] = RiskCategory.objects.filter(framework=scorecard.framework_id)
            elif db_field.name in ("pre_mitigation", "post_mitigation"):
                kwargs["queryset"] = RiskLevel.objects.filter(framework=scorecard.framework_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MissingTranslationFilter(admin.SimpleListFilter):
    title = "missing translation"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, code) for code in supported_languages()]

    def queryset(self, request, queryset):
        if self.value() not in supported_languages():
            return queryset
        translated = ArticleTranslation.objects.filter(
            article=OuterRef("pk"), language=self.value()
        )
        return queryset.filter(~Exists(translated))


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "vendor",
        "kind",
        "status_label",
        "published_at",
        "missing_translations",
    ]
    list_filter = ["status", "vendor", "kind", MissingTranslationFilter]
    list_select_related = ["vendor"]
    search_fields = ["slug", "translations__title", "translations__summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["vendor", "topics"]
    readonly_fields = ["created_at", "updated_at", "version"]
    fieldsets = [
        (None, {"fields": ["vendor", "slug", "kind", "status", "published_at"]}),
        ("Source", {"fields": ["source_url", "source_authors", "topics"]}),
        ("Follow-up", {"fields": ["revisit_after"]}),
        ("Record", {"fields": ["created_at", "updated_at", "version"]}),
    ]
    inlines = [ArticleTranslationInline, SignalBulletInline, ScorecardInline, ScorecardRatingInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description="Title")
    def title(self, article):
        return str(article)

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return format_html(
                "Scheduled for {}", article.published_at.strftime("%Y-%m-%d %H:%M UTC")
            )
        return article.get_status_display()

    @admin.display(description="Missing translations")
    def missing_translations(self, article):
        present = set(article.available_languages)
        return ", ".join(c for c in supported_languages() if c not in present) or "—"

    @admin.action(description="Publish selected entries (now, or at their scheduled time)")
    def publish(self, request, queryset):
        self._apply(request, queryset, article_publish, "published")

    @admin.action(description="Unpublish selected entries (back to draft)")
    def unpublish(self, request, queryset):
        self._apply(request, queryset, article_unpublish, "unpublished")

    def _apply(self, request, queryset, service, verb):
        done = 0
        for article in queryset:
            try:
                service(article=article)
            except ValidationError as error:
                self.message_user(
                    request, f"{article.slug}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} entr{'y' if done == 1 else 'ies'} {verb}.")


class VendorTranslationInline(LanguageRowsInlineMixin, admin.TabularInline):
    model = VendorTranslation
    fk_name = "vendor"
    fields = ["language", "description"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "public_articles"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_public_counts()

    @admin.display(description="Public entries", ordering="public_article_count")
    def public_articles(self, vendor):
        return vendor.public_article_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RiskArea)
class RiskAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RiskLevelInline(admin.TabularInline):
    model = RiskLevel
    fields = ["rank", "name"]
    extra = 0


class RiskCategoryInline(admin.TabularInline):
    model = RiskCategory
    fields = ["position", "name"]
    extra = 0


@admin.register(RiskFramework)
class RiskFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "deploy_threshold", "develop_threshold"]
    list_select_related = ["vendor", "deploy_threshold", "develop_threshold"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RiskLevelInline, RiskCategoryInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Thresholds are levels of this framework's own scale (save the scale first)."""
        if db_field.name in ("deploy_threshold", "develop_threshold"):
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = RiskLevel.objects.filter(framework_id=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
