"""An image as an entry's document holds it: the entry's image, or its vendor's logo."""

from enum import Enum

import strawberry

from articles.graphql.enums import Language


@strawberry.enum(description="How a rendition is encoded.")
class ImageFormat(Enum):
    AVIF = "avif"
    WEBP = "webp"
    JPEG = "jpeg"
    PNG = "png"


@strawberry.type(description="One file made from an image; its URL never changes content.")
class Rendition:
    url: str
    width: int
    height: int
    format: ImageFormat
    size: int = strawberry.field(description="Bytes.")

    @classmethod
    def from_dict(cls, data: dict | None) -> "Rendition | None":
        if data is None:
            return None
        return cls(
            url=data["url"],
            width=data["width"],
            height=data["height"],
            format=ImageFormat(data["format"]),
            size=data["size"],
        )


@strawberry.type(description="Where the subject of an image is, as fractions of its size.")
class FocalPoint:
    x: float = strawberry.field(description="From the left, 0 to 1.")
    y: float = strawberry.field(description="From the top, 0 to 1.")


@strawberry.type(description="An entry's caption for its image, in the language served.")
class ImageCaption:
    text: str = strawberry.field(description="Plain text; empty when there is no caption.")
    language: Language | None
    fallback: bool = strawberry.field(
        description="True when the caption is missing in the requested language and the "
        "default language's is served."
    )


@strawberry.type(
    description="An image of the library: renditions (each width in AVIF, WebP and JPEG, or "
    "PNG with transparency), a social card, and its texts in the requested language."
)
class Image:
    width: int = strawberry.field(description="Of the image as uploaded, orientation applied.")
    height: int
    alt: str = strawberry.field(description="Alt text; empty when the image has none at all.")
    title: str
    language: Language = strawberry.field(description="The language of `alt` and `title`.")
    fallback: bool = strawberry.field(
        description="True when the image has no alt text in the requested language and the "
        "default language's is served."
    )
    credit: str
    licence: str
    focal_point: FocalPoint
    renditions: list[Rendition] = strawberry.field(
        description="Narrowest first within each format."
    )
    card: Rendition | None = strawberry.field(
        description="1200 x 630 JPEG cropped around the focal point, for link previews."
    )
    caption: ImageCaption | None = strawberry.field(
        description="The entry's caption (an entry's image only; null for a logo)."
    )

    @classmethod
    def from_dict(cls, data: dict | None) -> "Image | None":
        if data is None:
            return None
        caption = data.get("caption")
        return cls(
            width=data["width"],
            height=data["height"],
            alt=data["alt"],
            title=data["title"],
            language=Language(data["language"]),
            fallback=data["fallback"],
            credit=data["credit"],
            licence=data["licence"],
            focal_point=FocalPoint(**data["focal_point"]),
            renditions=[Rendition.from_dict(r) for r in data["renditions"]],
            card=Rendition.from_dict(data["card"]),
            caption=None
            if caption is None
            else ImageCaption(
                text=caption["text"],
                language=Language(caption["language"]) if caption["language"] else None,
                fallback=caption["fallback"],
            ),
        )
