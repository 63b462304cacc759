from django.urls import path

from reader import views

app_name = "reader"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("<str:lang>/", views.entry_list, name="list-in"),
    path("<str:lang>/<slug:slug>/", views.entry, name="entry"),
]
