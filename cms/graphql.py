"""The GraphQL endpoint frontends use (/graphql/)."""

from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from cms.schema import schema


@method_decorator(csrf_exempt, name="dispatch")
class PublicGraphQLView(GraphQLView):
    """Read-only and cookie-free, so CSRF does not apply; GraphiQL only where configured."""

    def dispatch(self, request, *args, **kwargs):
        self.graphql_ide = "graphiql" if settings.GRAPHQL["GRAPHIQL"] else None
        return super().dispatch(request, *args, **kwargs)


graphql_view = PublicGraphQLView.as_view(schema=schema)
