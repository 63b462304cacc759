"""Writes of the image library: upload, edit, delete, and the renditions a task makes.

Renditions are never made on the request path: an upload (or a new file) stores the kept
image, marks it pending and enqueues ``images.tasks.render_renditions`` after the commit. The
task makes the whole set, then swaps it in at once; until then the previous set (if any)
stays where it was, so nothing live ever names a missing file.
"""

import uuid
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from images import processing
from images.models import Image, ImageText, Rendition
from images.selectors import image_uses
from images.signals import image_changed
from kernel.languages import supported_languages


def _require(user, permission: str) -> None:
    if user is not None and not user.has_perm(f"images.{permission}"):
        raise PermissionDenied("You may not change the image library.")


def _clean_text(text: str | None) -> str:
    return " ".join((text or "").split())


def _write_texts(image: Image, texts: dict) -> bool:
    """language -> {"title", "alt"}; both empty removes the language."""
    changed = False
    present = {t.language: t for t in image.texts.all()}
    for language, values in texts.items():
        if language not in supported_languages():
            continue
        title, alt = _clean_text(values.get("title")), _clean_text(values.get("alt"))
        current = present.get(language)
        if not (title or alt):
            if current is not None:
                current.delete()
                changed = True
        elif current is None or (current.title, current.alt) != (title, alt):
            current = current or ImageText(image=image, language=language)
            current.title, current.alt = title, alt
            current.save()
            changed = True
    return changed


def _store_file(image: Image, upload) -> None:
    """``upload``: a file, or one ``processing.normalise`` has checked already (a form's)."""
    kept = upload if isinstance(upload, processing.Normalised) else processing.normalise(upload)
    name = f"{uuid.uuid4().hex}.{'jpg' if kept.format == 'jpeg' else kept.format}"
    image.file.save(name, ContentFile(kept.content), save=False)
    image.format, image.width, image.height = kept.format, kept.width, kept.height
    image.status, image.status_detail = Image.Status.PENDING, ""


def _enqueue_renditions(image_id: int) -> None:
    from images.tasks import render_renditions

    render_renditions.enqueue(image_id)


@transaction.atomic
def image_create(
    *, user, upload, credit: str, licence: str = "", texts=None, focal=(0.5, 0.5)
) -> Image:
    """A new image from an uploaded file (refused with a ValidationError saying why); its
    renditions are made in the background."""
    _require(user, "add_image")
    image = Image(credit=_clean_text(credit), licence=_clean_text(licence))
    image.focal_x, image.focal_y = focal
    _store_file(image, upload)
    image.full_clean(exclude=["file"])
    image.save()
    _write_texts(image, texts or {})
    transaction.on_commit(partial(_enqueue_renditions, image.pk), robust=True)
    return image


@transaction.atomic
def image_update(*, image: Image, user, upload=None, fields=None, texts=None) -> bool:
    """Change an image: its texts, credit, licence, focal point or file. A new file or focal
    point makes a new set of renditions in the background (what shows the image changes when
    it is ready); any other change reaches what shows it at once. Returns whether anything
    changed."""
    _require(user, "change_image")
    image = Image.objects.select_for_update().get(pk=image.pk)
    before = (image.credit, image.licence, image.focal_x, image.focal_y)
    for name, value in (fields or {}).items():
        setattr(image, name, _clean_text(value) if isinstance(value, str) else value)
    rerender = upload is not None or (image.focal_x, image.focal_y) != before[2:]
    if upload is not None:
        _store_file(image, upload)
    changed = rerender or (image.credit, image.licence, image.focal_x, image.focal_y) != before
    if changed:
        image.full_clean(exclude=["file"])
        image.save()
    changed = _write_texts(image, texts or {}) or changed
    if rerender:
        Image.objects.filter(pk=image.pk).update(status=Image.Status.PENDING)
        transaction.on_commit(partial(_enqueue_renditions, image.pk), robust=True)
    elif changed:
        image_changed.send(sender=Image, image=image)
    return changed


def image_renditions_render(*, image_id: int) -> int:
    """Make the image's whole set of renditions from its kept file and swap it in (what
    shows the image re-renders in the same transaction); the previous set's files are deleted
    after the swap commits. Returns how many renditions were made."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.status == Image.Status.READY:
        return 0  # deleted, or its set was made already (by the demo loader)
    name = image.file.name
    with image.file.open("rb") as kept:
        content = kept.read()
    try:
        made = processing.renditions(content, focal=(image.focal_x, image.focal_y))
    except Exception as failed:  # any failure is recorded for the editor
        Image.objects.filter(pk=image_id, file=name).update(
            status=Image.Status.FAILED, status_detail=str(failed)[:300]
        )
        return 0
    token = uuid.uuid4().hex[:10]
    rows = []
    for item in made:
        rendition = Rendition(
            image=image,
            kind=item.kind,
            format=item.format,
            width=item.width,
            height=item.height,
            size=len(item.content),
        )
        extension = "jpg" if item.format == "jpeg" else item.format
        rendition.file.save(
            f"images/renditions/{image_id}/{token}-{item.kind}-{item.width}.{extension}",
            ContentFile(item.content),
            save=False,
        )
        rows.append(rendition)
    with transaction.atomic():
        image = Image.objects.select_for_update().filter(pk=image_id).first()
        if image is None or image.file.name != name:
            # Deleted, or given a new file meanwhile: the newer task makes the set.
            transaction.on_commit(partial(_delete_files, [r.file.name for r in rows]))
            return 0
        old = list(image.renditions.all())
        Rendition.objects.filter(pk__in=[r.pk for r in old]).delete()
        Rendition.objects.bulk_create(rows)
        Image.objects.filter(pk=image_id).update(status=Image.Status.READY, status_detail="")
        image.status = Image.Status.READY
        image_changed.send(sender=Image, image=image)
        transaction.on_commit(partial(_delete_files, [r.file.name for r in old]))
    return len(rows)


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def image_delete(*, image: Image, user) -> None:
    """Delete an image nothing shows, with its files once the deletion commits."""
    _require(user, "delete_image")
    uses = image_uses(image)
    if uses:
        raise ValidationError(
            f"This image is in use ({', '.join(str(use) for use in uses)}): replace it there first."
        )
    names = [image.file.name, *(r.file.name for r in image.renditions.all())]
    image.delete()
    transaction.on_commit(partial(_delete_files, names))
