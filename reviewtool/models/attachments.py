"""Files kept with a document (附件, the Word file a draft was imported from, images of the body)
and the list each submitted version froze.  A file is stored once on disk under its SHA-256
(``gongwen.store``); a row is never deleted nor its file changed: removing an attachment from a
draft sets ``removed_at``."""
from pathlib import PurePath

from ..dates import utcnow
from ..labels import AttachmentKind
from .base import db, enum_column


class Attachment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.ForeignKey("document.id"), nullable=False, index=True)
    kind = enum_column(AttachmentKind, "attachment_kind", nullable=False)
    filename = db.Column(db.String(255), nullable=False)        # as uploaded (cleaned)
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    # The text of a .docx attachment, for the personal-data scan; None when it cannot be read.
    text = db.Column(db.Text)
    # Whether a 附件 of a 删减后公开 document may be published (the drafter's decision, frozen per
    # version); a proactive document publishes its 附件.
    publish = db.Column(db.Boolean, nullable=False, default=True)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    removed_at = db.Column(db.DateTime)
    removed_by_id = db.Column(db.ForeignKey("user.id"))

    document = db.relationship("Document", back_populates="attachments")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    removed_by = db.relationship("User", foreign_keys=[removed_by_id])

    @property
    def title(self):
        """The name 附件说明 gives it: the file name without its extension."""
        return PurePath(self.filename).stem

    @property
    def extension(self):
        return PurePath(self.filename).suffix.lower().lstrip(".")

    @property
    def url(self):
        """Where the app serves it (also the ``src`` of an image in the body)."""
        return f"/files/{self.id}"

    def __repr__(self):
        return f"<Attachment {self.id} {self.kind} {self.filename}>"


class VersionAttachment(db.Model):
    """One attachment of a submitted version: its place in the list and whether it is published."""
    version_id = db.Column(db.ForeignKey("document_version.id"), primary_key=True)
    attachment_id = db.Column(db.ForeignKey("attachment.id"), primary_key=True)
    position = db.Column(db.Integer, nullable=False)
    publish = db.Column(db.Boolean, nullable=False)

    version = db.relationship("DocumentVersion", back_populates="attachment_links")
    attachment = db.relationship("Attachment")
