"""Files a customer sends from their space: checked (name, size, type by magic bytes) and kept
under the data dir with a random name, outside anything the web server serves."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from src_dash.config import load_settings
from src_dash.services.inputs import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
# What a file must start with, and the type it then is.
MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}


@dataclass(frozen=True)
class Upload:
    """A checked file, not yet written."""

    name: str
    content_type: str
    suffix: str
    data: bytes

    @property
    def sha256(self) -> str:
        """The file's SHA-256 (hex)."""
        return hashlib.sha256(self.data).hexdigest()


def check_upload(name: object, data: object) -> Upload:
    """Check a file sent by a customer.

    Raises:
        InvalidInput: "attachment", for a name with a path or odd characters, an empty or
            oversized file, or content that is not a PDF, PNG or JPEG (whatever its name says).
    """
    name = str(name or "").strip()
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput("attachment", "no file")
    data = bytes(data)
    if not name or len(name) > 120 or any(ch in name for ch in "/\\\x00:") or name.startswith("."):
        raise InvalidInput("attachment", "the file name must be a plain name (no path)")
    if ".." in name or any(ord(ch) < 32 for ch in name):
        raise InvalidInput("attachment", "the file name must be a plain name (no path)")
    if not data:
        raise InvalidInput("attachment", "the file is empty")
    if len(data) > MAX_BYTES:
        raise InvalidInput("attachment", f"the file is over {MAX_BYTES // (1024 * 1024)} MB")
    for magic, content_type, suffix in MAGIC:
        if data.startswith(magic):
            if not name.lower().endswith(EXTENSIONS[content_type]):
                raise InvalidInput("attachment", "the file's name does not match its content")
            return Upload(name, content_type, suffix, data)
    raise InvalidInput("attachment", "only PDF, PNG and JPEG files are accepted")


def attachments_dir(data_dir: Path | None = None) -> Path:
    """Where the space's attachments are kept (under the data dir, never served)."""
    return (data_dir or load_settings().data_dir) / "space-attachments"


def store_upload(upload: Upload, data_dir: Path | None = None) -> str:
    """Write a checked file under a random name; that name."""
    folder = attachments_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}{upload.suffix}"
    path = folder / stored
    with path.open("xb") as out:
        out.write(upload.data)
    return stored
