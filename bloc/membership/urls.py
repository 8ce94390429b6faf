"""The pages under /institutions/, institutions' and membership's together.

They live here, in the app that builds on both, so that institutions never
imports membership. The namespace stays "institutions".
"""

from django.urls import include, path

from bloc.institutions import views
from bloc.membership import views as membership_views

app_name = "institutions"

# Pages of one institution live under /institutions/<slug>/.
one = [
    path("", membership_views.institution_detail, name="detail"),
    path("edit/", views.institution_edit, name="edit"),
    path("area/", views.area_edit, name="area"),
    path("bylaws/", views.bylaws, name="bylaws"),
    path("join/", membership_views.join, name="join"),
    path("leave/", membership_views.leave, name="leave"),
    path("members/", membership_views.members, name="members"),
    path("members/<int:membership_id>/verify/", membership_views.verify, name="verify"),
    path("members/<int:membership_id>/unverify/", membership_views.unverify, name="unverify"),
    path("members/<int:membership_id>/vouch/", membership_views.vouch, name="vouch"),
    path(
        "vouches/<int:vouch_id>/withdraw/", membership_views.vouch_withdraw, name="vouch_withdraw"
    ),
    path("", include("bloc.membership.charter_urls")),
    path("", include("bloc.membership.letters_urls")),
    path("", include("bloc.membership.roles_urls")),
    path("", include("bloc.decisions.proposal_urls")),
    path("", include("bloc.decisions.poll_urls")),
    path("", include("bloc.decisions.room_urls")),
    path("", include("bloc.decisions.recall_urls")),
    path("", include("bloc.meetings.urls")),
    path("", include("bloc.concerns.urls")),
    path("", include("bloc.events.urls")),
    path("", include("bloc.budgeting.urls")),
]

urlpatterns = [
    path("", views.institution_list, name="list"),
    path("new/", membership_views.institution_create, name="create"),
    path("<slug:slug>/", include(one)),
]
