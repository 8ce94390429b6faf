"""Pages for a person's own data: download it, or delete the account."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path

from bloc.core.errors import ValidationFailed
from bloc.membership import personal_data


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    data = personal_data.personal_data_export(actor=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="bloc-my-data.json"'
    return response


@login_required
def delete_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            personal_data.account_delete(
                actor=request.user, password=request.POST.get("password", "")
            )
        except ValidationFailed as exc:
            error = exc.message
        else:
            logout(request)
            return render(request, "membership/account_deleted.html")
    return render(
        request, "membership/account_delete.html", {"error": error}, status=422 if error else 200
    )


urlpatterns = [
    path("my-data.json", export_view, name="export"),
    path("delete/", delete_view, name="delete"),
]
