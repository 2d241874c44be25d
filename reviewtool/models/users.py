"""People and divisions: who works where, who leads which division."""
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
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    division = db.relationship("Division", foreign_keys=[division_id])
    led_divisions = db.relationship("Division", secondary=division_leaders,
                                    back_populates="leaders", order_by="Division.name")

    @property
    def is_active(self):
        return self.active

    def has_role(self, role):
        return self.role == role

    def leads(self, division_id):
        return self.has_role(Role.DIVISION_HEAD) and any(
            d.id == division_id for d in self.led_divisions)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username} {self.role}>"
