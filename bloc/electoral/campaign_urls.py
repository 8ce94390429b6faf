"""Routes of the campaign pages, under /electoral/campaigns/."""

from django.urls import path

from bloc.electoral import campaign_views as views

_c = "campaigns/<int:pk>/"
_t = _c + "turfs/<int:turf_id>/"
_d = _t + "doors/<int:address_id>/"

urlpatterns: list = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path(_c, views.campaign_detail, name="campaign"),
    path(_c + "shifts/offer/", views.shifts_offer, name="campaign_shifts_offer"),
    path(
        _c + "shifts/<int:shift_id>/sign-up/",
        views.shift_sign_up_view,
        name="campaign_shift_sign_up",
    ),
    path(
        _c + "shifts/<int:shift_id>/withdraw/",
        views.shift_withdraw_view,
        name="campaign_shift_withdraw",
    ),
    path(_c + "manage/", views.campaign_manage, name="campaign_manage"),
    path(_c + "manage/roles/", views.role_set, name="campaign_role_set"),
    path(_c + "manage/roles/<int:user_id>/remove/", views.role_remove, name="campaign_role_remove"),
    path(_c + "manage/turfs/", views.turf_create, name="campaign_turf_create"),
    path(_t + "canvassers/", views.turf_canvassers, name="campaign_turf_canvassers"),
    path(_t, views.turf_detail, name="campaign_turf"),
    path(_t + "walk-sheet.pdf", views.walk_sheet, name="campaign_walk_sheet"),
    path(_d + "contact/", views.contact_log, name="campaign_contact_log"),
    path(_d + "voted/", views.mark_voted, name="campaign_mark_voted"),
    path(_c + "gotv/", views.gotv, name="campaign_gotv"),
    path(_c + "walk-list.csv", views.export_walk_list, name="campaign_export_walk_list"),
    path(_c + "contacts.csv", views.export_contacts, name="campaign_export_contacts"),
    path(_c + "gotv.csv", views.export_gotv, name="campaign_export_gotv"),
]
