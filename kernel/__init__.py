"""Small pieces shared by every app and API: request throttling and GraphQL query guards.

The kernel depends on Django, DRF and strawberry only, never on an app; apps and the project
(``cms``) supply their policies to it.
"""
