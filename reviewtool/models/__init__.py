"""The database models, by area.  Data and invariants; no workflow here."""
from .attachments import Attachment, VersionAttachment
from .calendar import CalendarDay, CalendarYear
from .oversight import AuditChainHead, DigestLog, Notification, ReReview
from .documents import Document, DocumentVersion, Event, RedactionSpan, Tagged
from .publishing import CatalogueEntry, ConfidentialityCheck, PiiResolution, SerialCounter, Setting
from .users import Division, User, check_password_of, division_leaders

__all__ = ["Attachment", "VersionAttachment", "CalendarDay", "CalendarYear", "Document", "DocumentVersion", "Event", "RedactionSpan",
           "Tagged", "CatalogueEntry", "ConfidentialityCheck", "PiiResolution", "SerialCounter",
           "Setting", "Division", "User", "check_password_of", "division_leaders",
           "AuditChainHead", "DigestLog", "Notification", "ReReview"]
