"""The files of a document as the paper, its versions and the public see them: the 附件 in
附件说明 order, what a submitted version froze, what is published with a public document, the
images a body shows.  Reads the database; no Flask request objects."""
from ..extensions import db
from ..labels import AttachmentKind, Disclosure
from ..models import VersionAttachment
from . import parts, store


def _active(doc, kind):
    return [a for a in doc.active_attachments if a.kind == kind]


def annexes(doc):
    """The document's 附件, in the order its 附件说明 names them."""
    return parts.attachment_order(_active(doc, AttachmentKind.ANNEX), doc.attachment_lines)


def sources(doc):
    """The Word files the draft was imported from."""
    return _active(doc, AttachmentKind.SOURCE)


def freeze(doc, version):
    """A submitted version keeps the files the document had: 附件 in 附件说明 order, then the
    imported originals and the body's images, each with whether it may be published."""
    for position, att in enumerate(annexes(doc) + sources(doc) + _active(doc, AttachmentKind.IMAGE)):
        db.session.add(VersionAttachment(version=version, attachment=att, position=position,
                                         publish=att.publish))


def version_annexes(version):
    return [link for link in version.attachment_links if link.attachment.kind == AttachmentKind.ANNEX]


def published_with(doc):
    """The 附件 published with the document: those of its last submitted version — every one of a
    proactive document; of a 删减后公开 document only those the drafter marked as publishable
    (its redactions cover the body, not the files); none of any other."""
    if not doc.versions or doc.disclosure not in (Disclosure.PROACTIVE, Disclosure.REDACTED):
        return []
    links = version_annexes(doc.versions[-1])
    if doc.disclosure == Disclosure.REDACTED:
        links = [link for link in links if link.publish]
    return [link.attachment for link in links]


def image_sources(body_html):
    """The image sources (``/files/N``) a body shows."""
    return {b.src for b in parts.blocks(body_html) if b.kind == "image" and b.src}


def image_loader(doc):
    """``image(src)`` → the bytes of one of this document's images (no other document's), for the
    Word and PDF output."""
    images = {a.url: a for a in doc.attachments if a.kind == AttachmentKind.IMAGE}

    def load(src):
        att = images.get(src)
        if att is None or att.content_type not in store.INLINE_IMAGES:
            return None
        try:
            return store.read(att.sha256)
        except OSError:
            return None
    return load
