"""The data entries share (vendors, topics, risk areas, frameworks) and the publish log.

Saves and deletes go through ``articles.services.reference``, which re-renders the live
entries that show the data in the same transaction.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from articles.admin.inlines import LanguageRowsInlineMixin
from articles.admin.writes import ServiceErrorsMixin
from articles.models import (
    PublishEvent,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.services import (
    risk_area_create,
    risk_area_delete,
    risk_area_update,
    risk_framework_create,
    risk_framework_delete,
    risk_framework_update,
    topic_create,
    topic_delete,
    topic_update,
    vendor_create,
    vendor_delete,
    vendor_update,
)


def _form_fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _rows(formset, names) -> list[tuple[int | None, dict | None]]:
    """An inline formset as rows for the services: (id or None, values or None to delete)."""
    rows = []
    for form in formset.forms if formset is not None else []:
        if not form.cleaned_data:
            continue
        pk = form.instance.pk
        if form.cleaned_data.get("DELETE"):
            if pk is not None:
                rows.append((pk, None))
        elif pk is not None or form.has_changed():
            rows.append((pk, _form_fields(form, names)))
    return rows


def _point_form_at(form, obj) -> None:
    """The admin's messages and redirect use the form's instance: make it the saved row."""
    form.instance.pk = obj.pk
    form.instance._state.adding = False
    form.instance.refresh_from_db()


class ReferenceAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    """Saves through ``save_related`` (the row and its inlines in one service call)."""

    def save_model(self, request, obj, form, change):
        """Written in ``save_related`` through the services."""

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"added": {}}] if add else [{"changed": {"fields": form.changed_data}}]


class VendorTranslationInline(LanguageRowsInlineMixin, admin.TabularInline):
    model = VendorTranslation
    fk_name = "vendor"
    fields = ["language", "description"]


@admin.register(Vendor)
class VendorAdmin(ReferenceAdmin):
    list_display = ["name", "slug", "website", "public_articles"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorTranslationInline]
    autocomplete_fields = ["logo"]
    FIELDS = ["name", "slug", "website", "logo"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_public_counts()

    @admin.display(description=gettext_lazy("Public entries"), ordering="public_article_count")
    def public_articles(self, vendor):
        return vendor.public_article_count

    def save_related(self, request, form, formsets, change):
        descriptions = {}
        for formset in formsets:
            for form_ in formset.forms:
                data = form_.cleaned_data
                if not data or not (form_.instance.pk or form_.has_changed()):
                    continue
                if form_.instance.pk and form_.initial.get("language") != data.get("language"):
                    descriptions[form_.initial["language"]] = ""
                deleted = data.get("DELETE")
                descriptions[data["language"]] = "" if deleted else data.get("description", "")
        fields = _form_fields(form, self.FIELDS)
        if change:
            vendor_update(
                vendor=form.instance, user=request.user, fields=fields, descriptions=descriptions
            )
            vendor = form.instance
        else:
            vendor = vendor_create(user=request.user, **fields, descriptions=descriptions)
        _point_form_at(form, vendor)

    def delete_model(self, request, obj):
        vendor_delete(vendor=obj, user=request.user)


class NamedAdmin(ReferenceAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(NamedAdmin):
    def save_related(self, request, form, formsets, change):
        values = _form_fields(form, ["name", "slug"])
        if change:
            topic_update(topic=form.instance, user=request.user, **values)
            _point_form_at(form, form.instance)
        else:
            _point_form_at(form, topic_create(user=request.user, **values))

    def delete_model(self, request, obj):
        topic_delete(topic=obj, user=request.user)


@admin.register(RiskArea)
class RiskAreaAdmin(NamedAdmin):
    def save_related(self, request, form, formsets, change):
        values = _form_fields(form, ["name", "slug"])
        if change:
            risk_area_update(area=form.instance, user=request.user, **values)
            _point_form_at(form, form.instance)
        else:
            _point_form_at(form, risk_area_create(user=request.user, **values))

    def delete_model(self, request, obj):
        risk_area_delete(area=obj, user=request.user)


class FrameworkPartInline(admin.TabularInline):
    """A framework's scale and categories are part of it: whoever may change the framework
    changes them."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_riskframework")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_riskframework")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_riskframework")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_riskframework")


class RiskLevelInline(FrameworkPartInline):
    model = RiskLevel
    fields = ["rank", "name"]


class RiskCategoryInline(FrameworkPartInline):
    model = RiskCategory
    fields = ["position", "name"]


@admin.register(RiskFramework)
class RiskFrameworkAdmin(ReferenceAdmin):
    list_display = ["name", "vendor", "deploy_threshold", "develop_threshold"]
    list_select_related = ["vendor", "deploy_threshold", "develop_threshold"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RiskLevelInline, RiskCategoryInline]
    FIELDS = ["name", "slug", "vendor", "url", "deploy_threshold", "develop_threshold"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Thresholds are levels of this framework's own scale (save the scale first)."""
        if db_field.name in ("deploy_threshold", "develop_threshold"):
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = RiskLevel.objects.filter(framework_id=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        by_model = {formset.model: formset for formset in formsets}
        levels = _rows(by_model.get(RiskLevel), ["rank", "name"])
        categories = _rows(by_model.get(RiskCategory), ["position", "name"])
        fields = _form_fields(form, self.FIELDS)
        if change:
            risk_framework_update(
                framework=form.instance,
                user=request.user,
                fields=fields,
                levels=levels,
                categories=categories,
            )
            _point_form_at(form, form.instance)
            return
        scale = sorted((values["rank"], values["name"]) for _pk, values in levels if values)
        named = sorted((values["position"], values["name"]) for _pk, values in categories if values)
        framework = risk_framework_create(
            user=request.user,
            name=fields["name"],
            slug=fields["slug"],
            url=fields.get("url", ""),
            vendor=fields.get("vendor"),
            scale=[name for _rank, name in scale],
            categories=[name for _position, name in named],
        )
        _point_form_at(form, framework)

    def delete_model(self, request, obj):
        risk_framework_delete(framework=obj, user=request.user)


@admin.register(PublishEvent)
class PublishEventAdmin(admin.ModelAdmin):
    """The publish log: read-only, written by the workflow services."""

    list_display = [
        "created_at",
        "entry",
        "action",
        "from_status",
        "to_status",
        "published_at",
        "user",
    ]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "article"]
    search_fields = ["article_slug"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Entry"), ordering="article_slug")
    def entry(self, event):
        if event.article_id is None:
            return event.article_slug
        url = reverse("admin:articles_article_change", args=[event.article_id])
        return format_html('<a href="{}">{}</a>', url, event.article_slug)
