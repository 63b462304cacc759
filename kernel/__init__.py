"""Small pieces shared by every app and API: languages, client fingerprints, request
throttling, response caching and GraphQL query guards.

The kernel depends on Django, DRF and strawberry only, never on an app (``lint-imports``
checks it); apps and the project (``cms``) supply their policies to it.
"""
