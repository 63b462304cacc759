"""The image library in the admin: upload, texts per language, credit, focal point, what
uses each image. Writes go through ``images.services``; deletion is refused while in use."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from images import processing
from images.models import Image
from images.selectors import image_uses
from images.services import image_create, image_delete, image_update
from kernel.languages import supported_languages


def _text_fields(language: str) -> tuple[str, str]:
    return f"title_{language}", f"alt_{language}"


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text=gettext_lazy(
            "JPEG, PNG, WebP or AVIF; still images only. Leave empty to keep the file."
        ),
    )

    class Meta:
        model = Image
        fields = ["credit", "licence", "focal_x", "focal_y"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].required = self.instance.pk is None
        present = {t.language: t for t in self.instance.texts.all()} if self.instance.pk else {}
        for language in supported_languages():
            title, alt = _text_fields(language)
            text = present.get(language)
            self.fields[title] = forms.CharField(
                label=f"Title ({language})",
                required=False,
                max_length=200,
                initial=text.title if text else "",
            )
            self.fields[alt] = forms.CharField(
                label=f"Alt text ({language})",
                required=False,
                max_length=300,
                initial=text.alt if text else "",
                help_text=gettext_lazy(
                    "What the image shows. Missing: the default language's is served, "
                    "flagged as a fallback."
                ),
            )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        return processing.normalise(upload) if upload else None

    def texts(self) -> dict:
        return {
            language: {
                "title": self.cleaned_data.get(_text_fields(language)[0], ""),
                "alt": self.cleaned_data.get(_text_fields(language)[1], ""),
            }
            for language in supported_languages()
        }


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "__str__", "credit", "size", "status"]
    list_filter = ["status"]
    search_fields = ["texts__title", "texts__alt", "credit"]
    readonly_fields = ["preview", "size", "format", "status", "status_detail", "used_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts", "renditions")

    def get_fields(self, request, obj=None):
        texts = [name for language in supported_languages() for name in _text_fields(language)]
        shown = ["preview", "size", "format", "status", "status_detail", "used_by"] if obj else []
        return ["upload", *texts, "credit", "licence", "focal_x", "focal_y", *shown]

    def get_form(self, request, obj=None, **kwargs):
        """The texts per language are added by the form itself, one pair per language."""
        kwargs["fields"] = ImageForm.Meta.fields
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=gettext_lazy("Size"))
    def size(self, image):
        return f"{image.width}x{image.height}"

    def _smallest(self, image):
        widths = [r for r in image.renditions.all() if r.kind == "width" and r.format == "webp"]
        return min(widths, key=lambda r: r.width, default=None)

    @admin.display(description=gettext_lazy("Image"))
    def thumbnail(self, image):
        smallest = self._smallest(image)
        if smallest is None:
            return image.get_status_display()
        return format_html('<img src="{}" alt="" style="max-height:48px">', smallest.file.url)

    @admin.display(description=gettext_lazy("Preview"))
    def preview(self, image):
        smallest = self._smallest(image)
        if smallest is None:
            return image.get_status_display()
        return format_html(
            '<img src="{}" alt="" style="max-width:480px"><br>Focal point: {:.2f}, {:.2f}',
            smallest.file.url,
            image.focal_x,
            image.focal_y,
        )

    @admin.display(description=gettext_lazy("Used by"))
    def used_by(self, image):
        uses = image_uses(image)
        if not uses:
            return "Nothing: it can be deleted."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((u,) for u in uses)))

    def save_model(self, request, obj, form, change):
        """Written in ``save_related`` through the services."""

    def save_related(self, request, form, formsets, change):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        upload = form.cleaned_data.get("upload")
        if change:
            image_update(
                image=form.instance,
                user=request.user,
                upload=upload,
                fields=fields,
                texts=form.texts(),
            )
            image = form.instance
        else:
            image = image_create(
                user=request.user,
                upload=upload,
                credit=fields["credit"],
                licence=fields["licence"],
                focal=(fields["focal_x"], fields["focal_y"]),
                texts=form.texts(),
            )
        form.instance.pk = image.pk
        form.instance._state.adding = False
        form.instance.refresh_from_db()

    def delete_model(self, request, obj):
        image_delete(image=obj, user=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, "Not deleted: " + " ".join(error.messages), messages.ERROR)
            return redirect(request.path.rsplit("delete/", 1)[0])

    def delete_queryset(self, request, queryset):
        for image in queryset:
            try:
                image_delete(image=image, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{image} was not deleted: {' '.join(error.messages)}", messages.ERROR
                )
