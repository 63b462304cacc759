"""The entry image's caption on the entry's page: one text box per language, as the
translations are edited, stored as the model keeps it (language -> caption)."""

from django import forms
from django.conf import settings

from kernel.languages import supported_languages


class CaptionWidget(forms.MultiWidget):
    """A labelled text box per language; the languages in ``fixed`` are shown disabled."""

    template_name = "admin/articles/widgets/captions.html"

    def __init__(self, languages, fixed=()):
        self.languages = languages
        super().__init__(
            [
                forms.TextInput(
                    attrs={"class": "vLargeTextField", "lang": language}
                    | ({"disabled": True} if language in fixed else {})
                )
                for language in languages
            ]
        )

    def decompress(self, value):
        value = value or {}
        return [value.get(language, "") for language in self.languages]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        names = dict(settings.LANGUAGES)
        for language, subwidget in zip(
            self.languages, context["widget"]["subwidgets"], strict=True
        ):
            subwidget["language"] = f"{names.get(language, language)} ({language})"
        return context


class CaptionField(forms.MultiValueField):
    """A caption per supported language, cleaned to {language: caption} without the empty
    ones. The languages in ``fixed`` keep the captions in ``kept``, whatever is posted (a
    translator's page: the default language's caption is the entry's main text)."""

    def __init__(self, *, fixed=(), kept=None, **kwargs):
        self.languages = supported_languages()
        self.fixed, self.kept = tuple(fixed), kept or {}
        super().__init__(
            fields=[forms.CharField(required=False) for _ in self.languages],
            widget=CaptionWidget(self.languages, self.fixed),
            require_all_fields=False,
            required=False,
            **kwargs,
        )

    def compress(self, data_list):
        captions = dict(zip(self.languages, data_list or [""] * len(self.languages), strict=True))
        for language in self.fixed:
            captions[language] = self.kept.get(language, "")
        return {language: text for language, text in captions.items() if text}
