import strawberry
from strawberry.types import Info

from articles.graphql.types import Language, VendorType, in_batch, request_language
from articles.models import Vendor


@strawberry.type
class Query:
    @strawberry.field(description="A vendor by slug, or null.")
    def vendor(self, info: Info, slug: str, language: Language | None = None) -> VendorType | None:
        vendor = Vendor.objects.prefetch_related("translations").filter(slug=slug).first()
        if vendor is None:
            return None
        return in_batch(VendorType, [vendor], language=request_language(info, language))[0]

    @strawberry.field(description="Every vendor, by name, with its count of public entries.")
    def vendors(self, info: Info, language: Language | None = None) -> list[VendorType]:
        vendors = Vendor.objects.with_public_counts().prefetch_related("translations")
        return in_batch(VendorType, vendors, language=request_language(info, language))
