from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from bloc import views
from bloc.accounts.views import set_language
from bloc.api.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("bloc.accounts.urls")),
    path("accounts/data/", include(("bloc.membership.personal_data_views", "personal_data"))),
    path("accounts/poll-emails/", include("bloc.decisions.optout_urls")),
    path("accounts/speaking/", include("bloc.meetings.profile_urls")),
    path("calendar/", include("bloc.events.calendar_urls")),
    path("institutions/", include("bloc.membership.urls")),
    path("councils/", include("bloc.confederation.urls")),
    path("electoral/", include("bloc.electoral.urls")),
    path("listening/", include("bloc.listening.urls")),
    path("hub/", include("bloc.hub.urls")),
    path("language/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("api/docs/", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("admin/", admin.site.urls),
]

handler400 = "bloc.views.error_400"
handler403 = "bloc.views.error_403"
handler404 = "bloc.views.error_404"
handler500 = "bloc.views.error_500"
