from django.urls import path

from articles.api import views

urlpatterns = [
    path("vendors/", views.VendorListView.as_view(), name="vendor-list"),
    path("vendors/<slug:slug>/", views.VendorDetailView.as_view(), name="vendor-detail"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path(
        "articles/<slug:slug>/more-from-vendor/",
        views.MoreFromVendorView.as_view(),
        name="article-more-from-vendor",
    ),
    path("changes/", views.ChangesView.as_view(), name="changes"),
]
