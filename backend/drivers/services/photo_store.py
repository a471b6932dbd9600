"""Where proof-of-service photos are kept: a local folder by default (DRIVER_PHOTO_DIR), or an
S3-compatible object store (AWS S3, MinIO, Ceph...) when DRIVER_PHOTO_S3_BUCKET is set, so
that several app servers see the same photos. Both behind one small Protocol: the photo
service only ever puts and gets bytes by name."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from backend.core.errors import ServiceError


class StoreUnavailable(ServiceError):
    """The configured object store did not answer or refused us (503: try again later)."""

    status = 503


class PhotoStore(Protocol):
    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes | None:
        """The bytes stored under ``name``, or None when there are none."""


class FolderStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)

    def get(self, name: str) -> bytes | None:
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None


class S3Store:
    def __init__(self, client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def put(self, name: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data, ContentType="image/jpeg")
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable(f"the photo store did not take the photo: {exc}") from exc

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StoreUnavailable(f"the photo store did not answer: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreUnavailable(f"the photo store did not answer: {exc}") from exc


# A boto3 client takes tens of milliseconds to build: one per configured store and process.
_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


def _s3_client(endpoint: str, region: str, access_key: str, secret_key: str):
    import boto3
    from botocore.config import Config

    key = (endpoint, region, access_key, secret_key)
    with _lock:
        if key not in _clients:
            _clients[key] = boto3.client(
                "s3",
                endpoint_url=endpoint or None,
                region_name=region or None,
                aws_access_key_id=access_key or None,
                aws_secret_access_key=secret_key or None,
                # Path-style addressing: what MinIO and most self-hosted stores expect.
                config=Config(
                    s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=15, retries={"max_attempts": 2}
                ),
            )
        return _clients[key]


def store_from_config(cfg: Mapping[str, Any], instance_path: str) -> PhotoStore:
    """The S3-compatible store when a bucket is configured, else the local folder."""
    bucket = str(cfg.get("DRIVER_PHOTO_S3_BUCKET") or "")
    if bucket:
        client = _s3_client(
            str(cfg.get("DRIVER_PHOTO_S3_ENDPOINT") or ""),
            str(cfg.get("DRIVER_PHOTO_S3_REGION") or ""),
            str(cfg.get("DRIVER_PHOTO_S3_ACCESS_KEY") or ""),
            str(cfg.get("DRIVER_PHOTO_S3_SECRET_KEY") or ""),
        )
        return S3Store(client, bucket, str(cfg.get("DRIVER_PHOTO_S3_PREFIX") or ""))
    return FolderStore(Path(cfg.get("DRIVER_PHOTO_DIR") or Path(instance_path) / "photos"))
