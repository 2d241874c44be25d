"""Where the files kept with documents live: one file per content, named by its SHA-256, under
``ATTACHMENT_FOLDER`` (config; the instance folder's ``attachments/`` by default).  A file is
written once (atomically) and never changed or deleted; the same content uploaded twice is
stored once.  What may be uploaded (extensions, sizes) is checked by :func:`check_upload`."""
import hashlib
import mimetypes
import os
import tempfile
from pathlib import Path, PurePath

from flask import current_app

from . import docx_in

_SHA256 = frozenset("0123456789abcdef")

# What a file of each accepted type starts with (None: no fixed signature, e.g. plain text).
SIGNATURES = {
    "pdf": (b"%PDF-",), "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "ofd": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"), "txt": None,
}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd", "txt": "text/plain; charset=utf-8",
}
# Images a browser may show inline in a body; anything else is only ever downloaded.
INLINE_IMAGES = {"image/png", "image/jpeg", "image/gif"}


def folder():
    configured = current_app.config.get("ATTACHMENT_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def path_of(sha256):
    if len(sha256) != 64 or not set(sha256) <= _SHA256:
        raise ValueError("not a SHA-256")
    return folder() / sha256[:2] / sha256


def save(data):
    """Store ``data`` (bytes); its SHA-256 (hex), which names it."""
    sha = hashlib.sha256(data).hexdigest()
    target = path_of(sha)
    if target.exists() and target.stat().st_size == len(data):
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha


def read(sha256):
    return path_of(sha256).read_bytes()


def content_type(filename):
    ext = extension(filename)
    return CONTENT_TYPES.get(ext) or mimetypes.types_map.get("." + ext) or "application/octet-stream"


def extension(filename):
    return PurePath(filename or "").suffix.lower().lstrip(".")


def clean_filename(filename):
    """The name to keep and to offer for download: the last path part, no control or path
    characters, at most 120 characters (the extension kept)."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '/\\:*?"<>|').strip(" .")
    stem, ext = os.path.splitext(name)
    if len(name) > 120:
        name = stem[:120 - len(ext)] + ext
    return name


def check_upload(data, filename, allowed, max_bytes, limits):
    """Refuse (``docx_in.BadFile`` with a Chinese message) a file that may not be attached:
    empty, too large, of a type not allowed, whose content is not what its extension says, or a
    Word/Excel container that is encrypted, carries macros or would unpack into too much."""
    name = clean_filename(filename)
    ext = extension(name)
    if not name or not ext:
        raise docx_in.BadFile("文件名无效或缺少扩展名。")
    if ext not in allowed:
        raise docx_in.BadFile(f"不支持“.{ext}”格式的附件。可上传：{'、'.join('.' + e for e in allowed)}。")
    if not data:
        raise docx_in.BadFile("文件是空的。")
    if len(data) > max_bytes:
        raise docx_in.BadFile(f"文件过大（{_mb(len(data))}），附件不能超过{_mb(max_bytes)}。")
    signatures = SIGNATURES.get(ext)
    if signatures and not any(data.startswith(s) for s in signatures):
        if data.startswith(docx_in.OLE_MAGIC) and ext in ("docx", "xlsx"):
            docx_in.check_ole(data, name)
        raise docx_in.BadFile(f"文件内容与扩展名“.{ext}”不符，可能已损坏或被改名，请确认后重新上传。")
    if ext in ("docx", "xlsx", "ofd"):
        docx_in.check_container(data, limits, kind=ext)
    return name


def _mb(n):
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
