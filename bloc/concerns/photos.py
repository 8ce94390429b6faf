"""Checking and cleaning uploaded photos.

The type is what Pillow finds in the bytes, never the file's name or the type the
browser claims. Every accepted photo is decoded and encoded again, which drops
whatever rode along with the pixels (EXIF with its GPS position and camera serial,
XMP, comments, foreign colour profiles): only pixels, turned upright first, leave.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
MAX_PHOTOS = 4
JPEG_QUALITY = 85
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class PhotoProblem(ValueError):
    """A photo is refused; ``message`` is already in the person's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    width: int
    height: int


def _read(upload: IO[bytes] | bytes, name: str) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)  # a file read before (a form's check) starts again
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoProblem(
            _("%(name)s is larger than %(mb)s MB; send a smaller photo.")
            % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise PhotoProblem(_("%(name)s is empty.") % {"name": name})
    return data


def _not_a_photo(name: str) -> PhotoProblem:
    return PhotoProblem(
        _("%(name)s is not a photo bloc can take: send a JPEG, PNG or WebP image.") % {"name": name}
    )


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels described by an embedded colour profile, converted to sRGB (best effort)."""
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _has_alpha(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getchannel("A").getextrema()[0] < 255
    return image.mode == "P" and "transparency" in image.info


def clean(upload: IO[bytes] | bytes, name: str = "") -> CleanPhoto:
    """Check one upload and return it re-encoded, or raise ``PhotoProblem``."""
    name = name or _("The photo")
    data = _read(upload, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in ACCEPTED:
                raise _not_a_photo(name)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PhotoProblem(
                    _("%(name)s has too many pixels (%(w)s × %(h)s); at most %(mp)s megapixels.")
                    % {"name": name, "w": width, "h": height, "mp": MAX_PIXELS // 1_000_000}
                )
            icc = image.info.get("icc_profile")
            # WeasyPrint, once imported, makes Pillow accept truncated images
            # (ImageFile.LOAD_TRUNCATED_IMAGES); check the end of the file ourselves.
            if kind == "JPEG" and not data.rstrip(b"\0").endswith(b"\xff\xd9"):
                raise OSError("truncated JPEG")
            if kind == "PNG":
                Image.open(io.BytesIO(data)).verify()
            image.load()
            image = ImageOps.exif_transpose(image)
    except PhotoProblem:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _not_a_photo(name) from None
    except (OSError, ValueError, SyntaxError):
        raise PhotoProblem(
            _("%(name)s could not be read; it may be damaged.") % {"name": name}
        ) from None

    if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "PA", "CMYK"):
        image = image.convert("RGB")
    transparent = _has_alpha(image)
    image = image.convert("RGBA" if transparent else "RGB")
    image = _to_srgb(image, icc)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image holds only pixels: no info, no EXIF, no profile to carry over.
    bare = Image.new(image.mode, image.size)
    bare.paste(image)
    out = io.BytesIO()
    if transparent:
        bare.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type = "image/jpeg"
    return CleanPhoto(out.getvalue(), content_type, bare.width, bare.height)
