"""GraphQL face of reader feedback: ``submitFeedback``, calling the same service as REST."""

from datetime import datetime
from uuid import UUID

import strawberry
from asgiref.sync import sync_to_async
from graphql import GraphQLError

from feedback.models import Feedback
from feedback.services import FeedbackInvalid, FeedbackThrottled, feedback_submit
from kernel.clients import client_fingerprint
from kernel.graphql_language import Language

FeedbackKind = strawberry.enum(Feedback.Kind, name="FeedbackKind")

# The service names its inputs as REST does; GraphQL calls the entry ``articleSlug``.
GRAPHQL_FIELD_NAMES = {"article": "articleSlug"}


@strawberry.input(description="Anonymous reader feedback; no account needed.")
class FeedbackInput:
    kind: FeedbackKind
    message: str = strawberry.field(
        default="", description="Plain text; required except for helpful votes."
    )
    article_slug: str | None = strawberry.field(
        default=None, description="Slug of a public entry; required for helpful votes."
    )
    language: Language | None = strawberry.field(
        default=None, description="Language of the reader; the default language if omitted."
    )
    website: str = strawberry.field(
        default="", description="Leave empty. Hidden from people in forms; bots fill it."
    )


@strawberry.type(description="What was accepted: this submission only, with a random id.")
class FeedbackReceipt:
    id: UUID
    kind: FeedbackKind
    message: str
    article_slug: str | None
    language: Language
    created_at: datetime


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description=(
            "Send anonymous feedback. Invalid input is an error with extensions.code "
            "BAD_USER_INPUT and extensions.fields naming each field; too many submissions "
            "is THROTTLED with extensions.retryAfter in seconds."
        )
    )
    async def submit_feedback(self, info: strawberry.Info, input: FeedbackInput) -> FeedbackReceipt:
        try:
            feedback = await sync_to_async(feedback_submit)(
                kind=input.kind.value,
                message=input.message,
                article_slug=input.article_slug,
                language=input.language.value if input.language else None,
                client_fingerprint=client_fingerprint(info.context.request, purpose="feedback"),
                honeypot=input.website,
            )
        except FeedbackThrottled as throttled:
            raise GraphQLError(
                str(throttled),
                extensions={"code": "THROTTLED", "retryAfter": throttled.retry_after},
            ) from throttled
        except FeedbackInvalid as invalid:
            fields = {GRAPHQL_FIELD_NAMES.get(f, f): m for f, m in invalid.errors.items()}
            summary = "; ".join(f"{field}: {' '.join(m)}" for field, m in fields.items())
            raise GraphQLError(
                f"Invalid feedback. {summary}",
                extensions={"code": "BAD_USER_INPUT", "fields": fields},
            ) from invalid
        return FeedbackReceipt(
            id=feedback.public_id,
            kind=Feedback.Kind(feedback.kind),
            message=feedback.message,
            article_slug=feedback.article_slug,
            language=Language(feedback.language),
            created_at=feedback.created_at,
        )
