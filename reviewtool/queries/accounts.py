"""What the admin reads about one account: the Events about it (changes, passwords, sessions
ended, lockouts), newest first."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Event


def account_events(user, limit=20):
    return db.session.scalars(select(Event).options(joinedload(Event.actor))
                              .where(Event.subject == f"user:{user.id}")
                              .order_by(Event.id.desc()).limit(limit)).all()
