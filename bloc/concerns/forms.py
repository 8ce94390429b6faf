"""Forms of the concerns pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bloc.concerns import services as svc
from bloc.concerns.models import Category, ConcernState
from bloc.concerns.photos import MAX_BYTES, MAX_PHOTOS


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; the photos service checks what they hold."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultiplePhotoInput(
                # No wider than a phone's screen: input[type="file"] in bloc.css.
                attrs={"accept": "image/jpeg,image/png,image/webp"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("What kind of concern"), choices=Category.choices
    )
    place = forms.CharField(
        label=gettext_lazy("Where"),
        max_length=svc.PLACE_MAX,
        help_text=gettext_lazy(
            "An address, a corner, a landmark: enough for a neighbour to find it."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("What is wrong"),
        max_length=svc.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photos = MultiplePhotoField(
        label=gettext_lazy("Photos (optional)"),
        required=False,
    )
    photo_description = forms.CharField(
        label=gettext_lazy("What the photos show (optional)"),
        max_length=svc.PHOTO_DESCRIPTION_MAX,
        required=False,
        help_text=gettext_lazy("Read out to people who cannot see the photos."),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Report anonymously"),
        required=False,
        help_text=gettext_lazy(
            "Nobody, not even the facilitators or the administrators, will see that you "
            "sent it. You cannot then edit it or be asked about it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _(
            "Up to %(count)s JPEG, PNG or WebP photos of at most %(mb)s MB each. Their "
            "location and camera details are removed. If the form comes back with an "
            "error, choose them again."
        ) % {"count": MAX_PHOTOS, "mb": MAX_BYTES // (1024 * 1024)}

    def clean_photos(self) -> list[Any]:
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Send at most %(most)s photos.") % {"most": MAX_PHOTOS})
        return files


class UpdateForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("Move it to"), required=False)
    text = forms.CharField(
        label=gettext_lazy("Public update"),
        max_length=svc.UPDATE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Everyone who can see the concern reads it. Required to resolve or decline it."
        ),
    )

    def __init__(self, *args: Any, next_states: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ConcernState.choices)
        self.fields["state"].choices = [("", gettext_lazy("Keep it as it is (a note)"))] + [
            (state, labels[state]) for state in next_states
        ]


class AssignForm(forms.Form):
    working_group = forms.TypedChoiceField(
        label=gettext_lazy("Working group"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, groups: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["working_group"].choices = [("", gettext_lazy("No working group"))] + [
            (group.pk, group.name) for group in groups
        ]


class WorkingGroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=svc.GROUP_NAME_MAX)
    description = forms.CharField(
        label=gettext_lazy("What it takes on"),
        max_length=svc.GROUP_DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
