"""How rows are loaded with what they carry, built once.

Building a loader option costs more than the query it shapes often does (SQLAlchemy
resolves the attribute path each time), so the few used on every tap are made here,
once, and reused: they are immutable.
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload, raiseload

from storage.models import Item, Person

#: A person with their roles, in the same statement.
WITH_ROLES = (joinedload(Person.roles),)
#: A person whose roles are not needed (reading them would be a mistake: it raises).
WITHOUT_ROLES = (raiseload(Person.roles),)
#: An item with its files and its publishing targets, in the same statement.
WITH_FILES = (joinedload(Item.media), joinedload(Item.publications))
