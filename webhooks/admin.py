"""Subscriptions, deliveries and the delivery log in the admin."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from articles.models import PublicationEvent
from webhooks import selectors, services
from webhooks.models import Attempt, Delivery, HubPing, Subscription


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=PublicationEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("None selected: every event."),
    )
    languages = forms.MultipleChoiceField(
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("The languages of the documents sent; none selected: all of them."),
    )

    class Meta:
        model = Subscription
        fields = ["name", "url", "events", "vendors", "languages", "partner", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            services.target_validate(url)
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from None
        return url


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    change_form_template = "admin/webhooks/subscription/change_form.html"
    list_display = ["name", "url", "is_active", "health", "last_success_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    filter_horizontal = ["vendors"]
    readonly_fields = ["secret", "health", "failing_since", "last_success_at", "created_at"]

    @admin.display(description=gettext_lazy("secret"))
    def secret(self, obj):
        if obj.pk is None:
            return "Generated when you save; shown once."
        until = obj.previous_secret_until
        overlap = (
            f" The previous secret also signs until {until:%Y-%m-%d %H:%M} UTC."
            if (obj.previous_secret_encrypted and until)
            else ""
        )
        return f"whsec_… (shown once; “Rotate secret” makes a new one).{overlap}"

    @admin.display(description=gettext_lazy("health"))
    def health(self, obj):
        if obj.disabled_reason:
            return format_html('<strong class="errornote">{}</strong>', obj.disabled_reason)
        if obj.failing_since:
            return f"Failing since {obj.failing_since:%Y-%m-%d %H:%M} UTC"
        return "OK"

    def changelist_view(self, request, extra_context=None):
        disabled = selectors.failing_subscriptions().exclude(disabled_reason="")
        for subscription in disabled:
            self.message_user(
                request, f"{subscription.name}: {subscription.disabled_reason}", messages.ERROR
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            enabling = "is_active" in form.changed_data and obj.is_active
            super().save_model(request, obj, form, change)
            if enabling:
                services.subscription_enable(subscription=obj)
            return
        subscription, secret = services.subscription_create(
            name=obj.name,
            url=obj.url,
            events=form.cleaned_data["events"],
            languages=form.cleaned_data["languages"],
            partner=obj.partner,
        )
        obj.pk, obj.secret_encrypted, obj.created_at = (
            subscription.pk,
            subscription.secret_encrypted,
            subscription.created_at,
        )
        obj._state.adding, obj._state.db = False, subscription._state.db
        obj.raw_secret = secret  # for response_add only; never stored in clear

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(obj, "raw_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return self._secret_page(request, obj, secret)

    def _secret_page(self, request, obj, secret):
        """The secret, shown once in this response: not in a message, which would keep it in
        a cookie or the session."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Signing secret for {obj.name}",
            "subscription": obj,
            "secret": secret,
        }
        return TemplateResponse(request, "admin/webhooks/subscription/secret.html", context)

    def get_urls(self):
        def view(name, function):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(require_POST(function)),
                name=f"webhooks_subscription_{name.replace('-', '_')}",
            )

        return [
            view("ping", self.ping_view),
            view("rotate-secret", self.rotate_view),
            view("redeliver-failed", self.redeliver_view),
            *super().get_urls(),
        ]

    def _subscription(self, request, object_id):
        subscription = get_object_or_404(Subscription, pk=object_id)
        if not self.has_change_permission(request, subscription):
            raise PermissionDenied
        return subscription

    def _back(self, subscription):
        return redirect(reverse("admin:webhooks_subscription_change", args=[subscription.pk]))

    def ping_view(self, request, object_id):
        subscription = self._subscription(request, object_id)
        attempt = services.subscription_ping(subscription=subscription)
        if attempt.succeeded:
            text = gettext("Test ping delivered: HTTP %(code)s in %(ms)s ms.") % {
                "code": attempt.status_code,
                "ms": attempt.duration_ms,
            }
            self.message_user(request, text, messages.SUCCESS)
        else:
            failure = f"HTTP {attempt.status_code}" if attempt.status_code else attempt.error
            self.message_user(
                request,
                gettext("Test ping failed: %(failure)s") % {"failure": failure},
                messages.ERROR,
            )
        return self._back(subscription)

    def rotate_view(self, request, object_id):
        subscription = self._subscription(request, object_id)
        secret = services.subscription_rotate_secret(subscription=subscription)
        return self._secret_page(request, subscription, secret)

    def redeliver_view(self, request, object_id):
        subscription = self._subscription(request, object_id)
        failed = subscription.deliveries.filter(status=Delivery.Status.FAILED)
        count = services.deliveries_redeliver(deliveries=failed)
        text = ngettext(
            "%(count)d failed delivery queued again.",
            "%(count)d failed deliveries queued again.",
            count,
        ) % {"count": count}
        self.message_user(request, text, messages.SUCCESS)
        return self._back(subscription)


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ["number", "started_at", "status_code", "duration_ms", "error", "next_retry_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=gettext_lazy("Deliver again (same webhook-id)"), permissions=["change"])
def redeliver(modeladmin, request, queryset):
    if queryset.model is Attempt:
        queryset = Delivery.objects.filter(pk__in=queryset.values("delivery"))
    count = services.deliveries_redeliver(deliveries=queryset)
    text = ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
    modeladmin.message_user(request, text % {"count": count}, messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["webhook_id", "subscription", "event", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "subscription"]
    list_select_related = ["subscription", "event"]
    readonly_fields = [
        "webhook_id",
        "subscription",
        "event",
        "is_ping",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "finished_at",
    ]
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = [redeliver]

    def has_add_permission(self, request):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """The delivery log: every request, newest first."""

    list_display = [
        "started_at",
        "subscription",
        "delivery",
        "event",
        "number",
        "succeeded",
        "status_code",
        "duration_ms",
        "error",
        "next_retry_at",
    ]
    list_filter = ["succeeded", "subscription"]
    list_select_related = ["subscription", "delivery__event"]
    readonly_fields = [
        "delivery",
        "subscription",
        "number",
        "started_at",
        "duration_ms",
        "succeeded",
        "status_code",
        "error",
        "response_excerpt",
        "next_retry_at",
    ]
    fields = readonly_fields
    actions = [redeliver]

    @admin.display(description=gettext_lazy("event"))
    def event(self, obj):
        return "ping" if obj.delivery.is_ping else obj.delivery.event

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)


@admin.register(HubPing)
class HubPingAdmin(admin.ModelAdmin):
    """WebSub pings: each feed a publication changed, announced to each hub, newest first."""

    list_display = [
        "created_at",
        "topic",
        "hub",
        "status",
        "attempts",
        "status_code",
        "error",
        "next_attempt_at",
    ]
    list_filter = ["status", "hub"]
    readonly_fields = [*list_display, "finished_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)
