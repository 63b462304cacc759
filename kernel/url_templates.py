"""Settings that are URL templates (``https://front.example/{lang}/{slug}``), checked at start."""

from django.core import checks


def url_template_errors(
    setting: str, template: str, *, placeholders: tuple, needs: tuple, example: str, id: str
) -> list[checks.Error]:
    """A system-check error when ``template`` cannot be filled in from ``placeholders`` or
    names none of ``needs``; none for an empty (unset) template."""
    if not template:
        return []
    try:
        template.format(**dict.fromkeys(placeholders, ""))
    except (KeyError, IndexError, ValueError) as error:
        problem = f"it cannot be filled in ({error!r})"
    else:
        if any(f"{{{name}}}" in template for name in needs):
            return []
        problem = f"it has no {' or '.join(f'{{{name}}}' for name in needs)}"
    names = ", ".join(f"{{{name}}}" for name in placeholders)
    return [
        checks.Error(
            f"{setting} {template!r} is not usable: {problem}.",
            hint=f"Use only {names}, e.g. {example}",
            id=id,
        )
    ]
