"""Addresses at the site's root, for crawlers: the sitemaps and robots.txt."""

from django.urls import path

from reader import sitemaps

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-entries.xml", sitemaps.sitemap_entries, name="sitemap-entries"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
]
