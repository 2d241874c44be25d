"""People and divisions: who works where, who leads which division."""
from functools import lru_cache

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..dates import utcnow
from ..labels import Role
from .base import db, enum_column

division_leaders = db.Table(
    "division_leader",
    db.Column("user_id", db.ForeignKey("user.id"), primary_key=True),
    db.Column("division_id", db.ForeignKey("division.id"), primary_key=True),
)


class Division(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    leaders = db.relationship("User", secondary=division_leaders, back_populates="led_divisions",
                              order_by="User.name")

    def __repr__(self):
        return f"<Division {self.name}>"


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(64), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    role = enum_column(Role, "role", nullable=False)
    division_id = db.Column(db.ForeignKey("division.id"))
    active = db.Column(db.Boolean, nullable=False, default=True)
    email = db.Column(db.String(254))           # the daily digest's address (optional)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Bumped by logout, a password change or reset, deactivation and the admin's 全部下线: a
    # session signed with an older epoch no longer logs anyone in (see get_id).
    session_epoch = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    division = db.relationship("Division", foreign_keys=[division_id])
    led_divisions = db.relationship("Division", secondary=division_leaders,
                                    back_populates="leaders", order_by="Division.name")

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        """What the session stores (Flask-Login's alternative token): id and session epoch, so that
        bumping the epoch ends every session signed before."""
        return f"{self.id}.{self.session_epoch or 0}"

    def end_sessions(self):
        self.session_epoch = (self.session_epoch or 0) + 1

    def has_role(self, role):
        return self.role == role

    def leads(self, division_id):
        return self.has_role(Role.DIVISION_HEAD) and any(
            d.id == division_id for d in self.led_divisions)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)


def check_password_of(user, password):
    """The password check of a login: for an unknown name, a dummy hash is checked all the same,
    so that the answer takes as long whether the account exists or not."""
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


@lru_cache(maxsize=1)
def _dummy_hash():
    return generate_password_hash("no such user: the time of a real check")

    def __repr__(self):
        return f"<User {self.username} {self.role}>"
