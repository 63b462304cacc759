"""Writes to the data entries share: vendors, topics, risk areas and safety frameworks.

Live entries embed this data (a vendor's name, a topic's name, a framework's scale and
thresholds and the verdict derived from them), so each write re-renders the live entries it
shows on in the same transaction: the public and the mirrors see the change at once, and
nothing else.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from articles.models import (
    LiveEntry,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    ScorecardRating,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.permissions import allowed
from articles.publishing import live_refresh, log_append, vendor_row
from articles.services.edits import normalise

# A row of an inline list: (id or None for a new row, its values or None to delete it).
Row = tuple[int | None, dict | None]


def _require(user, permission: str, what: str) -> None:
    if not allowed(user, f"articles.{permission}"):
        raise PermissionDenied(f"You may not change {what}.")


def _assign(instance, fields: dict) -> bool:
    """Set ``fields`` on ``instance`` (text normalised); whether anything changed."""
    changed = False
    for name, value in fields.items():
        attname = instance._meta.get_field(name).attname
        current = getattr(instance, attname)
        if isinstance(value, str):
            value, current = normalise(value), normalise(current)
        value = getattr(value, "pk", value)
        if current != value:
            setattr(instance, attname, value)
            changed = True
    return changed


def _entries_with_scorecard(test) -> list[LiveEntry]:
    """The live entries whose scorecard passes ``test``, live or in a change scheduled for
    them (which must show the same framework when it goes live)."""
    entries = LiveEntry.objects.filter(
        Q(has_scorecard=True) | Q(scheduled_change__isnull=False)
    ).select_related("scheduled_change__revision")
    return [entry for entry in entries if any(card and test(card) for card in _scorecards(entry))]


def _scorecards(entry: LiveEntry) -> list[dict | None]:
    cards = [entry.source["scorecard"]]
    if hasattr(entry, "scheduled_change"):
        cards.append(entry.scheduled_change.revision.content["scorecard"])
    return cards


def _live_users(count: int, what: str) -> None:
    if count:
        raise ValidationError(
            f"{what} is shown on {count} live entr{'y' if count == 1 else 'ies'}: remove it "
            "from them and publish their changes first."
        )


@transaction.atomic
def vendor_create(
    *, user, name: str, slug: str, website: str = "", descriptions=None, logo=None
) -> Vendor:
    """A vendor with its one-line description per language (and its logo, an image of the
    library), on the public vendor lists at once (a ``vendor.updated`` row)."""
    _require(user, "add_vendor", "vendors")
    vendor = Vendor(
        name=normalise(name),
        slug=normalise(slug),
        website=normalise(website),
        logo_id=getattr(logo, "pk", logo),
    )
    vendor.save()
    _write_descriptions(vendor, descriptions or {})
    log_append([vendor_row(vendor, user)])
    return vendor


def _write_descriptions(vendor: Vendor, descriptions: dict) -> bool:
    """language -> description; an empty one removes the language."""
    changed = False
    present = {t.language: t for t in vendor.translations.all()}
    for language, text in descriptions.items():
        text, current = normalise(text), present.get(language)
        if not text:
            if current is not None:
                current.delete()
                changed = True
        elif current is None or normalise(current.description) != text:
            current = current or VendorTranslation(vendor=vendor, language=language)
            current.description = text
            current.save()
            changed = True
    return changed


@transaction.atomic
def vendor_update(*, vendor: Vendor, user, fields=None, descriptions=None) -> bool:
    """Change a vendor (name, slug, website, logo; descriptions per language). Its live entries are
    re-rendered and a ``vendor.updated`` row tells mirrors. Returns whether anything changed."""
    _require(user, "change_vendor", "vendors")
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    changed = _assign(vendor, fields or {})
    if changed:
        vendor.save()
    changed = _write_descriptions(vendor, descriptions or {}) or changed
    if changed:
        live_refresh(entries=LiveEntry.objects.filter(vendor=vendor), user=user, vendor=vendor)
    return changed


def image_refresh(sender, *, image, **kwargs) -> None:
    """What the public sees of a library image changed (an ``images.signals.image_changed``
    receiver, in the image's transaction): the live entries showing it, as their image or as
    their vendor's logo, are re-rendered, which logs and purges them."""
    live_refresh(entries=LiveEntry.objects.filter(source__image=image.pk))
    for vendor in Vendor.objects.filter(logo=image):
        live_refresh(entries=LiveEntry.objects.filter(vendor=vendor), vendor=vendor)


@transaction.atomic
def vendor_delete(*, vendor: Vendor, user) -> None:
    """Delete a vendor no entry refers to (the database refuses otherwise); a
    ``vendor.updated`` row takes it off the public vendor lists at once."""
    _require(user, "delete_vendor", "vendors")
    row = vendor_row(vendor, user)
    vendor.delete()
    log_append([row])


@transaction.atomic
def topic_create(*, user, name: str, slug: str) -> Topic:
    _require(user, "add_topic", "topics")
    return Topic.objects.create(name=normalise(name), slug=normalise(slug))


@transaction.atomic
def topic_update(*, topic: Topic, user, name: str, slug: str) -> bool:
    """Rename a topic; the live entries it is on are re-rendered."""
    _require(user, "change_topic", "topics")
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not _assign(topic, {"name": name, "slug": slug}):
        return False
    topic.save()
    live_refresh(entries=LiveEntry.objects.filter(topics=topic), user=user)
    return True


@transaction.atomic
def topic_delete(*, topic: Topic, user) -> None:
    """Delete a topic no live entry shows (drafts simply lose it)."""
    _require(user, "delete_topic", "topics")
    _live_users(LiveEntry.objects.filter(topics=topic).count(), f"The topic {topic.name!r}")
    topic.delete()


@transaction.atomic
def risk_area_create(*, user, name: str, slug: str) -> RiskArea:
    _require(user, "add_riskarea", "risk areas")
    return RiskArea.objects.create(name=normalise(name), slug=normalise(slug))


def _entries_with_area(area: RiskArea) -> list[LiveEntry]:
    return _entries_with_scorecard(lambda card: area.pk in card["risk_areas"])


@transaction.atomic
def risk_area_update(*, area: RiskArea, user, name: str, slug: str) -> bool:
    """Rename a risk area; the live scorecards that list it are re-rendered."""
    _require(user, "change_riskarea", "risk areas")
    area = RiskArea.objects.select_for_update().get(pk=area.pk)
    if not _assign(area, {"name": name, "slug": slug}):
        return False
    area.save()
    live_refresh(entries=_entries_with_area(area), user=user)
    return True


@transaction.atomic
def risk_area_delete(*, area: RiskArea, user) -> None:
    _require(user, "delete_riskarea", "risk areas")
    _live_users(len(_entries_with_area(area)), f"The risk area {area.name!r}")
    area.delete()


@transaction.atomic
def risk_framework_create(
    *,
    name: str,
    slug: str,
    scale: list[str],
    categories: list[str],
    deploy_at_or_below: str | None = None,
    develop_at_or_below: str | None = None,
    vendor=None,
    url: str = "",
    user=None,
) -> RiskFramework:
    """A safety framework with its ordered scale (lowest first), its categories and its
    deploy/develop thresholds, named by level."""
    _require(user, "add_riskframework", "frameworks")
    framework = RiskFramework.objects.create(name=name, slug=slug, vendor=vendor, url=url)
    levels = {
        level: RiskLevel.objects.create(framework=framework, rank=rank, name=level)
        for rank, level in enumerate(scale)
    }
    RiskCategory.objects.bulk_create(
        RiskCategory(framework=framework, name=category, position=position)
        for position, category in enumerate(categories)
    )
    framework.deploy_threshold = levels.get(deploy_at_or_below)
    framework.develop_threshold = levels.get(develop_at_or_below)
    framework.save()
    return framework


def _in_use(model, framework: RiskFramework, pk: int) -> bool:
    if model is RiskCategory:
        return ScorecardRating.objects.filter(category_id=pk).exists()
    return (
        pk in (framework.deploy_threshold_id, framework.develop_threshold_id)
        or (
            ScorecardRating.objects.filter(Q(pre_mitigation_id=pk) | Q(post_mitigation_id=pk))
        ).exists()
    )


def _write_rows(model, framework: RiskFramework, rows: list[Row], *, unique: tuple) -> bool:
    """Create, change and delete a framework's levels or categories. Unique values may be
    swapped between rows: the changed rows step aside first."""
    current = {row.pk: row for row in model.objects.filter(framework=framework)}
    changed, updates = False, []
    for pk, values in rows:
        if pk is not None and pk not in current:
            raise ValidationError("That row belongs to another framework.")
        if values is None:
            if pk is not None:
                if _in_use(model, framework, pk):
                    raise ValidationError(
                        f"{current[pk]} is in use (a threshold or a scorecard rating)."
                    )
                current.pop(pk).delete()
                changed = True
            continue
        instance = current.get(pk) or model(framework=framework)
        if _assign(instance, values) or instance.pk is None:
            updates.append(instance)
    for instance in updates:
        if instance.pk is not None:
            placeholders = {"rank": 30000 + instance.pk % 2000, "name": f"~{instance.pk}"}
            model.objects.filter(pk=instance.pk).update(**{f: placeholders[f] for f in unique})
    for instance in updates:
        instance.save()
        changed = True
    return changed


def _entries_rated_under(framework: RiskFramework) -> list[LiveEntry]:
    return _entries_with_scorecard(lambda card: card["framework"] == framework.pk)


@transaction.atomic
def risk_framework_update(
    *,
    framework: RiskFramework,
    user,
    fields=None,
    levels: list[Row] | None = None,
    categories: list[Row] | None = None,
) -> bool:
    """Change a framework: its fields (name, slug, url, vendor, thresholds), its scale and its
    categories. The live scorecards rated under it are re-rendered, so a threshold change
    moves their verdicts (may be deployed / developed) at once."""
    _require(user, "change_riskframework", "frameworks")
    framework = RiskFramework.objects.select_for_update().get(pk=framework.pk)
    changed = _write_rows(RiskLevel, framework, levels or [], unique=("rank", "name"))
    changed = _write_rows(RiskCategory, framework, categories or [], unique=("name",)) or changed
    if _assign(framework, fields or {}):
        framework.clean()
        framework.save()
        changed = True
    if changed:
        live_refresh(entries=_entries_rated_under(framework), user=user)
    return changed


@transaction.atomic
def risk_framework_delete(*, framework: RiskFramework, user) -> None:
    """Delete a framework no scorecard uses (the database refuses otherwise)."""
    _require(user, "delete_riskframework", "frameworks")
    framework.delete()
