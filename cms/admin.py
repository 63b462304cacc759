from django.contrib import admin

from cms.admin_login import LimitedAdminLoginForm

admin.site.login_form = LimitedAdminLoginForm
