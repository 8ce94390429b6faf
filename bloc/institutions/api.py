from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from bloc.api.auth import optional_auth
from bloc.institutions import selectors

router = Router(tags=["institutions"])


class InstitutionOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    chapter: str
    member_count: int

    @staticmethod
    def resolve_chapter(obj: object) -> str:
        return obj.chapter.slug  # type: ignore[attr-defined]


@router.get("/", response=list[InstitutionOut], auth=optional_auth, summary="Institutions")
def institution_list(request: HttpRequest) -> object:
    return list(selectors.institution_list())
