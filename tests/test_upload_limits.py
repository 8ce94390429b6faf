"""Uploads: every way in has a size and type limit, and an oversized body is refused
before it is read."""

from __future__ import annotations

import io
import pathlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bloc.audit.models import AuditEvent
from bloc.budgeting import import_views
from bloc.budgeting.forms import UpdateForm
from bloc.budgeting.services import clean_photos
from bloc.concerns.models import Concern
from bloc.core.errors import ValidationFailed
from bloc.electoral import petitions
from tests.concerns.conftest import image_bytes, photo

BLOC = pathlib.Path(__file__).resolve().parent.parent / "bloc"

# Every place bloc takes a file, and what limits it (each limit has a test).
UPLOAD_PATHS = {
    "bloc/concerns/forms.py": "photos.clean: 4 photos, 5 MB, JPEG/PNG/WebP, re-encoded",
    "bloc/concerns/api.py": "photos.clean, through concern_report",
    "bloc/budgeting/forms.py": "photos.clean, through project_update",
    "bloc/budgeting/import_views.py": "20 MB, UTF-8 text, parsed as Pabulib",
    "bloc/electoral/petition_forms.py": "200 KB, UTF-8 CSV of two columns",
}


def test_every_upload_path_is_known_and_limited():
    found = set()
    for source in BLOC.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        if re.search(r"\b(FileField|ImageField|UploadedFile|MultiplePhotoField)\b", text):
            found.add(source.relative_to(BLOC.parent).as_posix())
    # A new way to upload needs its limits and a line here (and a test below).
    assert found == set(UPLOAD_PATHS)


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings, maple, alice):
    settings.BLOC_MAX_REQUEST_MB = 1
    client.force_login(alice)
    url = reverse("institutions:concern_report", args=["maple"])
    events = AuditEvent.objects.count()
    # Claims 2 MB; the middleware answers from the header, so the 3 bytes are never read.
    refused = client.post(url, b"a=b", content_type="application/x-www-form-urlencoded",
                          CONTENT_LENGTH=str(2 * 1024 * 1024))  # fmt: skip
    assert refused.status_code == 413
    assert "larger than 1 MB" in refused.content.decode()
    assert Concern.objects.count() == 0 and AuditEvent.objects.count() == events

    api = client.post("/api/v1/institutions/maple/concerns/with-photos", b"x",
                      content_type="multipart/form-data; boundary=x",
                      CONTENT_LENGTH=str(2 * 1024 * 1024))  # fmt: skip
    assert api.status_code == 413 and api.json()["code"] == "too_large"


@pytest.mark.django_db
def test_a_photo_under_the_limit_still_goes_through(client, settings, maple, alice):
    settings.BLOC_MAX_REQUEST_MB = 1
    client.force_login(alice)
    sent = client.post(
        reverse("institutions:concern_report", args=["maple"]),
        {"category": "safety", "place": "Corner of Maple and 3rd",
         "description": "The streetlight is out.", "photo_description": "A dark corner",
         "photos": [photo(image_bytes((640, 480)))]},
    )  # fmt: skip
    assert sent.status_code == 302 and Concern.objects.get().photos.count() == 1


def test_a_pabulib_file_over_20_mb_is_refused():
    big = SimpleUploadedFile("big.pb", b"META\n" + b" " * import_views.MAX_BYTES)
    form = import_views.ImportForm(data={"rule": ""}, files={"file": big})
    assert not form.is_valid()
    assert "larger than 20 MB" in form.errors["file"][0]


def test_a_pabulib_file_that_is_not_text_is_refused():
    form = import_views.ImportForm(
        data={"rule": ""}, files={"file": SimpleUploadedFile("x.pb", image_bytes())}
    )
    assert not form.is_valid() and "not UTF-8" in form.errors["file"][0]


def test_a_signature_csv_over_its_limit_or_not_text_is_refused():
    with pytest.raises(ValidationFailed) as big:
        petitions.signatures_from_csv(b"name,address\n" * (petitions.MAX_CSV_BYTES // 10))
    assert "too big" in big.value.fields["csv"][0]
    with pytest.raises(ValidationFailed) as binary:
        petitions.signatures_from_csv(image_bytes())
    assert "UTF-8" in binary.value.fields["csv"][0]


def test_a_project_update_photo_is_re_encoded_without_its_location(db):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (40.0, 50.0, 12.0), 3: "W", 4: (73.0, 55.0, 30.0)}
    raw = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 10)).save(raw, format="JPEG", exif=exif)
    form = UpdateForm(data={"text": "Benches are in"},
                      files={"photos": [photo(raw.getvalue(), "bench.jpg")]})  # fmt: skip
    assert form.is_valid(), form.errors
    (clean,) = clean_photos(form.cleaned_data["photos"])
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == "JPEG" and not stored.getexif() and "exif" not in stored.info
