"""Photos as proof of service: a missed stop, a collected pickup. Checked to be an image of an
allowed type and size, sized down (longest side DRIVER_PHOTO_MAX_PX) and re-encoded as JPEG,
which also drops the camera's metadata (its GPS position, the phone's model), and stored in a
local folder or an S3-compatible store (``photo_store``). Shown to dispatch staff, the route's
driver, and the resident of the booking."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.bookings.models import Booking
from backend.core.errors import Conflict, Invalid, NotFound
from backend.drivers.models import PHOTO_TYPES, StopPhoto
from backend.drivers.services.access import reportable_stop, visible_stop
from backend.drivers.services.photo_store import PhotoStore, StoreUnavailable, store_from_config
from backend.planning.models import PlanRoute, RouteStop

# A decompression bomb (a small file that decodes to gigapixels) is refused before decoding.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class PhotoSettings:
    store: PhotoStore
    max_bytes: int
    max_px: int

    @classmethod
    def from_config(cls, cfg, instance_path: str) -> PhotoSettings:
        store = store_from_config(cfg, instance_path)
        return cls(store, int(cfg["DRIVER_PHOTO_MAX_BYTES"]), int(cfg["DRIVER_PHOTO_MAX_PX"]))


def _existing(session: Session, photo_id: str) -> StopPhoto | None:
    return session.scalar(select(StopPhoto).where(StopPhoto.photo_id == photo_id))


def _decode(settings: PhotoSettings, raw: bytes) -> tuple[bytes, int, int]:
    """The photo as a sized-down JPEG, with its width and height."""
    if len(raw) > settings.max_bytes:
        raise Invalid.field("photo", f"the photo is larger than {settings.max_bytes} bytes")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            if img.format not in PHOTO_TYPES.values():
                raise Invalid.field("photo", f"a {img.format} image; send one of {', '.join(PHOTO_TYPES)}")
            if img.width * img.height > MAX_PIXELS:
                raise Invalid.field("photo", f"the photo has more than {MAX_PIXELS} pixels")
            img.load()
            img = img.convert("RGB")
            img.thumbnail((settings.max_px, settings.max_px))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=80, optimize=True)
            return out.getvalue(), img.width, img.height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise Invalid.field("photo", "not a readable image") from None


def add_photo(
    session: Session, settings: PhotoSettings, user: User, stop_id: int, data: dict, raw: bytes
) -> tuple[StopPhoto, bool]:
    """Store a photo of a missed stop or a collected pickup once; (photo, created)."""
    existing = _existing(session, data["id"])
    if existing is not None:
        if existing.stop_id != stop_id or existing.user_id != user.id:
            raise Conflict(f"photo id {data['id']} was already used for another stop or by another user")
        return existing, False
    stop, route = reportable_stop(session, user, stop_id)
    if not (stop.status == "missed" or (stop.status == "done" and stop.booking_id is not None)):
        raise Conflict("a photo goes with a missed stop or a collected pickup: report that first")
    jpeg, width, height = _decode(settings, raw)
    name = f"{data['id']}.jpg"
    photo = StopPhoto(
        photo_id=data["id"],
        route_id=route.id,
        stop_id=stop.id,
        booking_id=stop.booking_id,
        user_id=user.id,
        path=name,
        content_type="image/jpeg",
        width=width,
        height=height,
        size_bytes=len(jpeg),
        taken_at=data.get("taken_at") or datetime.now(UTC),
    )
    session.add(photo)
    try:
        session.flush()
        settings.store.put(name, jpeg)
        session.commit()
    except StoreUnavailable:
        session.rollback()  # no row for a photo the store did not take
        raise
    except IntegrityError:
        session.rollback()
        return _existing(session, data["id"]), False
    return photo, True


def _may_see(session: Session, user: User, photo: StopPhoto) -> bool:
    if user.role == "resident":
        return photo.booking_id is not None and session.get(Booking, photo.booking_id).resident_id == user.id
    try:
        visible_stop(session, user, photo.stop_id)
    except NotFound:
        return False
    return True


def get_photo(session: Session, settings: PhotoSettings, user: User, photo_id: str) -> dict:
    """The photo with its bytes (base64), to dispatch staff, the route's driver, the route's
    center's operators and the booking's resident; 404 to anyone else."""
    photo = _existing(session, photo_id)
    if photo is None or not _may_see(session, user, photo):
        raise NotFound(f"photo {photo_id} not found")
    data = settings.store.get(photo.path)
    if data is None:
        raise NotFound(f"photo {photo_id} is no longer stored")
    return {**photo_meta(photo), "data": base64.b64encode(data).decode()}


def photo_meta(photo: StopPhoto) -> dict:
    return {
        "id": photo.photo_id,
        "stop_id": photo.stop_id,
        "booking_id": photo.booking_id,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size_bytes": photo.size_bytes,
        "taken_at": photo.taken_at,
    }


def _may_see_booking(session: Session, user: User, booking: Booking) -> bool:
    if user.role in ("dispatcher", "admin"):
        return True
    if user.role == "resident":
        return booking.resident_id == user.id
    if user.role == "operator":
        return booking.center_id == user.sorting_center_id
    stops = session.scalars(select(RouteStop.route_id).where(RouteStop.booking_id == booking.id)).all()
    return (
        bool(stops)
        and session.scalar(
            select(func.count()).select_from(PlanRoute).where(PlanRoute.id.in_(stops), PlanRoute.driver_id == user.id)
        )
        > 0
    )


def booking_photos(session: Session, user: User, booking_id: int) -> list[dict]:
    """The photos of a booking's pickup: the resident their own booking's, staff any they may see."""
    booking = session.get(Booking, booking_id)
    if booking is None or not _may_see_booking(session, user, booking):
        raise NotFound(f"booking {booking_id} not found")
    photos = session.scalars(select(StopPhoto).where(StopPhoto.booking_id == booking_id).order_by(StopPhoto.id))
    return [photo_meta(p) for p in photos if _may_see(session, user, p)]
