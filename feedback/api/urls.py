from django.urls import path

from feedback.api.views import FeedbackSubmitView

urlpatterns = [
    path("feedback/", FeedbackSubmitView.as_view(), name="feedback-submit"),
]
