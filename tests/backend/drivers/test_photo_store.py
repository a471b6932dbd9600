"""Photos in an S3-compatible store when a bucket is configured: stored there (not in the
folder), read back from there, and a store that does not answer is a 503, never a 500."""

from __future__ import annotations

import base64
import io

from PIL import Image

from tests.backend.drivers.conftest import first_pickup, image_bytes, report, upload
from tests.support.servers import free_port


def test_a_photo_goes_to_the_bucket_and_comes_back_from_it(dispatched_day, s3_photos, tmp_path):
    """The sized-down JPEG is an object under the prefix, the folder stays empty, and GET returns those bytes."""
    client, bucket = s3_photos
    w = dispatched_day
    stop = first_pickup(w)
    assert report(w, "driver", stop["id"], "missed", reason="blocked").status_code == 201
    resp = upload(w, "driver", stop["id"], image_bytes(3000, 1500))
    assert resp.status_code == 201, resp.get_json()
    photo = resp.get_json()
    listed = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == [f"proof/{photo['id']}.jpg"]
    stored = client.get_object(Bucket=bucket, Key=f"proof/{photo['id']}.jpg")["Body"].read()
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and max(img.size) == 1280
    assert not (tmp_path / "photos").exists()
    got = w.client.get(f"/api/v1/drivers/photos/{photo['id']}", headers=w.headers("dispatcher"))
    assert got.status_code == 200 and base64.b64decode(got.get_json()["data"]) == stored
    # Removed from the store behind the platform's back: 404, not a 500.
    client.delete_object(Bucket=bucket, Key=f"proof/{photo['id']}.jpg")
    gone = w.client.get(f"/api/v1/drivers/photos/{photo['id']}", headers=w.headers("dispatcher"))
    assert gone.status_code == 404


def test_a_store_that_does_not_answer_is_503_and_stores_nothing(app, dispatched_day, s3_photos):
    """With the endpoint on a port where nothing listens, the upload is 503 and no photo row is left."""
    w = dispatched_day
    app.config["DRIVER_PHOTO_S3_ENDPOINT"] = f"http://127.0.0.1:{free_port()}"
    stop = first_pickup(w)
    assert report(w, "driver", stop["id"], "missed", reason="blocked").status_code == 201
    resp = upload(w, "driver", stop["id"], image_bytes(50, 50))
    assert resp.status_code == 503, resp.get_json()
    listed = w.client.get(f"/api/v1/drivers/routes?date={stop_day(w)}", headers=w.headers("dispatcher")).get_json()
    assert all(s["photos"] == [] for r in listed for s in r["stops"])


def stop_day(w) -> str:
    from tests.backend.planning.conftest import DAY

    return str(DAY)
