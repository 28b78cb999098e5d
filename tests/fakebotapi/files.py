"""Stored files: files a test puts on the server, photos in several sizes, uploads and
file_ids in send parameters, and getFile."""

from __future__ import annotations

import copy
import mimetypes
from typing import Any

from tests.fakebotapi.core import FakeBotAPICore
from tests.fakebotapi.helpers import _as_int, _useful_mime
from tests.fakebotapi.records import (
    JSON,
    LOCAL_MAX_DOWNLOAD_BYTES,
    MAX_DOWNLOAD_BYTES,
    StoredFile,
    UploadedFile,
    bad_request,
)
from tests.fakebotapi.samples import _image_size, sample_jpeg, sample_mp4, sample_pdf

_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "video": ("videos", ".mp4"),
    "animation": ("animations", ".mp4"),
    "document": ("documents", ".bin"),
    "audio": ("music", ".mp3"),
    "voice": ("voice", ".oga"),
    "video_note": ("video_notes", ".mp4"),
    "sticker": ("stickers", ".webp"),
}

_DEFAULT_MIME = {
    "video": "video/mp4",
    "animation": "video/mp4",
    "audio": "audio/mpeg",
    "voice": "audio/ogg",
    "document": "application/octet-stream",
}


class FilesMixin(FakeBotAPICore):
    """Files the server knows, and resolving media parameters to them."""

    def store_file(
        self,
        kind: str,
        data: bytes | None = None,
        *,
        declared_size: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        emoji: str | None = None,
    ) -> StoredFile:
        """Store a file as if it had been uploaded to Telegram; returns it (for photos:
        the largest size – all sizes are in :meth:`photo_sizes`)."""
        if data is None:
            data = self._placeholder_bytes(kind)
        if kind == "photo":
            return self._store_photo(data, declared_size)
        n = next(self._ids)
        folder, ext = _FOLDERS.get(kind, ("documents", ".bin"))
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        mime = mime_type or (mimetypes.guess_type(file_name)[0] if file_name else None)
        mime = mime or _DEFAULT_MIME.get(kind)
        file_id, unique = f"fake-{kind}-{n}", f"uniq-{n}"
        size = declared_size if declared_size is not None else len(data)
        meta: JSON = {"file_id": file_id, "file_unique_id": unique, "file_size": size}
        if kind in ("video", "animation"):
            meta.update(width=width or 1280, height=height or 720, duration=duration or 5)
        if kind in ("audio", "voice"):
            meta["duration"] = duration or 3
        if kind == "video_note":
            meta.update(length=width or 240, duration=duration or 5)
        if kind == "sticker":
            meta.update(
                type="regular",
                width=width or 512,
                height=height or 512,
                is_animated=False,
                is_video=False,
                emoji=emoji or "👍",
            )
        if kind in ("document", "video", "animation", "audio") and file_name:
            meta["file_name"] = file_name
        if mime and kind not in ("sticker", "video_note"):
            meta["mime_type"] = mime
        stored = StoredFile(
            file_id, unique, kind, data, f"{folder}/file_{n}{ext}", meta, declared_size
        )
        self._register_file(stored)
        return stored

    def photo_sizes(self, file_id: str) -> list[JSON]:
        return copy.deepcopy(self._photo_sets[file_id])

    def _placeholder_bytes(self, kind: str) -> bytes:
        """Content for a file a test did not give: well-formed, and different each time
        (two photos taken one after the other are never the same bytes)."""
        n = next(self._ids)
        if kind == "photo":
            return sample_jpeg(color=((n * 47) % 256, (n * 89) % 256, (n * 131) % 256))
        if kind in ("video", "animation", "video_note"):
            return sample_mp4(f"{kind}-{n}".encode())
        if kind == "document":
            return sample_pdf(f"fake document {n}")
        return f"fake {kind} content {n}".encode()

    def _register_file(self, stored: StoredFile) -> None:
        self.files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored

    def _store_photo(self, data: bytes, declared_size: int | None) -> StoredFile:
        """Telegram keeps several sizes of a photo; the largest is the original bytes.

        Smaller sizes serve the same bytes (nobody in tests needs real thumbnails) but
        report proportionally smaller sizes.
        """
        width, height = _image_size(data) or (1280, 960)
        total = declared_size if declared_size is not None else len(data)
        longest = max(width, height)
        bounds = [b for b in (90, 320, 800) if b < longest] + [longest]
        sizes: list[JSON] = []
        stored_sizes: list[StoredFile] = []
        for bound in bounds:
            scale = bound / longest
            n = next(self._ids)
            meta = {
                "file_id": f"fake-photo-{n}",
                "file_unique_id": f"uniq-{n}",
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
                "file_size": max(1, round(total * scale * scale)),
            }
            sizes.append(meta)
            stored = StoredFile(
                meta["file_id"],
                meta["file_unique_id"],
                "photo",
                data,
                f"photos/file_{n}.jpg",
                meta,
                meta["file_size"] if declared_size is not None or bound != longest else None,
            )
            stored_sizes.append(stored)
            self._register_file(stored)
        for stored in stored_sizes:
            self._photo_sets[stored.file_id] = sizes
        return stored_sizes[-1]

    def _input_file(
        self, kind: str, value: Any, files: dict[str, UploadedFile], params: JSON
    ) -> StoredFile:
        """Resolve a media parameter: an upload, ``attach://name``, or a known file_id."""
        upload: UploadedFile | None = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified: {value}")
        elif value is None:
            upload = files.get(kind)
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            if kind == "photo":
                return self._store_photo(upload.data, None)
            return self.store_file(
                kind,
                upload.data,
                file_name=upload.filename if kind != "voice" else None,
                mime_type=_useful_mime(upload.content_type),
                duration=_as_int(params.get("duration")),
                width=_as_int(params.get("width")),
                height=_as_int(params.get("height")),
            )
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, str) and value in self.files:
            stored = self.files[value]
            if stored.kind != kind:
                raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
            return stored
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _media_content(self, kind: str, stored: StoredFile) -> JSON:
        if kind == "photo":
            return {"photo": self.photo_sizes(stored.file_id)}
        if kind == "animation":
            # Telegram sends animations with a mirrored ``document`` field.
            return {"animation": dict(stored.meta), "document": dict(stored.meta)}
        return {kind: dict(stored.meta)}

    def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if self.local_dir is not None:
            if stored.size > LOCAL_MAX_DOWNLOAD_BYTES:
                raise bad_request("file is too big")
            # The local server keeps files on its disk and answers their absolute path.
            path = self.local_dir / stored.file_path
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(stored.data)
            self.downloads.append(stored.file_path)
            file_path = str(path.resolve())
        elif stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        else:
            file_path = stored.file_path
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": file_path,
        }
