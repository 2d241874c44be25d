"""What every model module uses: the database handle and enum-typed columns."""
import sqlalchemy as sa

from ..extensions import db


def enum_type(enum, name, length=20, constraint=True):
    """A column type that stores an enum's keys as strings, checked by a CHECK constraint
    (``constraint=False``: by the application only, for an append-only log whose vocabulary
    grows), and loads them as the enum's members (``doc.state is State.DRAFT``)."""
    return sa.Enum(enum, name=name, native_enum=False, create_constraint=constraint, length=length,
                   validate_strings=True, values_callable=lambda members: [m.value for m in members])


def enum_column(enum, name, length=20, constraint=True, **kw):
    return db.Column(enum_type(enum, name, length, constraint), **kw)


def _coerce_enum(enum):
    def coerce(target, value, oldvalue, initiator):
        if isinstance(value, str) and not isinstance(value, enum):
            member = enum.get(value) if hasattr(enum, "get") else None
            return member if member is not None else value     # an unknown key fails at flush
        return value
    return coerce


@sa.event.listens_for(db.Model, "mapper_configured", propagate=True)
def _enum_attributes_hold_members(mapper, cls):
    """``doc.state = "draft"`` holds State.DRAFT at once, as a loaded row does."""
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        enum = getattr(column.type, "enum_class", None)
        if isinstance(column.type, sa.Enum) and enum is not None:
            sa.event.listen(getattr(cls, attr.key), "set", _coerce_enum(enum), retval=True)
