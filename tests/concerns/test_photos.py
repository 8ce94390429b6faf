"""Photos: the type from the bytes, limits, and nothing but pixels kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from bloc.concerns import photos
from bloc.concerns.models import Concern, ConcernPhoto
from bloc.concerns.services import concern_report
from bloc.core.errors import ValidationFailed
from tests.concerns.conftest import image_bytes, photo


def _refused(data: bytes, name: str = "x.jpg") -> str:
    with pytest.raises(photos.PhotoProblem) as refused:
        photos.clean(photo(data, name), name)
    return refused.value.message


def test_a_text_file_named_jpg_is_refused():
    assert "not a photo" in _refused(b"Hello, this is a letter, not a picture.\n" * 10, "cat.jpg")


def test_other_image_types_are_refused_by_their_content():
    gif = image_bytes(fmt="GIF", mode="P", color=3)
    assert "JPEG, PNG or WebP" in _refused(gif, "looks.png")


def test_a_file_over_5_mb_is_refused_before_decoding():
    big = image_bytes() + b"\0" * (photos.MAX_BYTES + 1)
    assert "larger than 5 MB" in _refused(big)


def test_too_many_pixels_is_refused():
    # 8000 × 6000 = 48 megapixels, compressed to a few kilobytes.
    huge = image_bytes((8000, 6000), fmt="PNG", mode="1", color=0)
    assert len(huge) < photos.MAX_BYTES
    assert "too many pixels" in _refused(huge, "huge.png")


def test_a_broken_jpeg_is_refused(monkeypatch):
    data = image_bytes((400, 300))
    assert "could not be read" in _refused(data[: len(data) // 2])
    # Also once WeasyPrint (PDFs) has told Pillow to accept truncated images.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert "could not be read" in _refused(data[: len(data) // 2])


def _exif_with_gps_and_rotation() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (40.0, 50.0, 12.0), 3: "W", 4: (73.0, 55.0, 30.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def test_exif_and_gps_are_dropped_and_the_orientation_applied():
    # Left half red, right half blue, stored landscape; the EXIF says "turn it".
    raw = Image.new("RGB", (300, 200), (255, 0, 0))
    raw.paste((0, 0, 255), (150, 0, 300, 200))
    out = io.BytesIO()
    raw.save(out, format="JPEG", exif=_exif_with_gps_and_rotation(), quality=95)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(0x8825)  # GPS is there

    clean = photos.clean(photo(out.getvalue()), "street.jpg")

    stored = Image.open(io.BytesIO(clean.data))
    assert clean.content_type == "image/jpeg" and stored.format == "JPEG"
    assert not stored.getexif()
    assert "icc_profile" not in stored.info and "exif" not in stored.info
    assert (clean.width, clean.height) == stored.size == (200, 300)  # upright: portrait
    # Turned clockwise: the red left half is now on top.
    top, bottom = stored.getpixel((100, 20)), stored.getpixel((100, 280))
    assert top[0] > 200 and top[2] < 60 and bottom[2] > 200 and bottom[0] < 60


def test_large_photos_are_scaled_down_and_transparency_stays_png():
    clean = photos.clean(image_bytes((3000, 1000), fmt="WEBP"), "wide.webp")
    assert clean.content_type == "image/jpeg" and (clean.width, clean.height) == (2000, 667)
    see_through = photos.clean(
        image_bytes((50, 50), fmt="PNG", mode="RGBA", color=(0, 0, 0, 0)), "a.png"
    )
    assert see_through.content_type == "image/png"
    assert Image.open(io.BytesIO(see_through.data)).mode == "RGBA"
    opaque_png = photos.clean(image_bytes((50, 50), fmt="PNG", mode="RGBA"), "b.png")
    assert opaque_png.content_type == "image/jpeg"


@pytest.mark.django_db
def test_one_bad_photo_refuses_the_whole_report(maple, fiona):
    from bloc.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        concern_report(
            actor=fiona,
            institution=maple,
            category="safety",
            place="Corner of Maple and 3rd",
            description="The streetlight is out.",
            photos=[photo(image_bytes()), photo(b"%PDF-1.4 not a photo", "lamp.jpg")],
        )
    assert "lamp.jpg" in refused.value.fields["photos"][0]
    assert not Concern.objects.exists() and not ConcernPhoto.objects.exists()
    assert AuditEvent.objects.count() == before

    with pytest.raises(ValidationFailed) as refused:
        concern_report(
            actor=fiona,
            institution=maple,
            category="safety",
            place="Corner",
            description="Out.",
            photos=[photo(image_bytes())] * 5,
        )
    assert "at most 4 photos" in refused.value.fields["photos"][0]
    assert not Concern.objects.exists()
