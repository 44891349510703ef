"""Action-list rows a person created or last changed, for Mina uppgifter."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from intranet.accounts.services import personal_data_provider
from intranet.actions.models import ActionItem
from intranet.extensions import db
from intranet.text import iso_or_none


@personal_data_provider
def action_rows(person):
    items = db.session.scalars(
        select(ActionItem).where(or_(ActionItem.created_by_id == person.id,
                                     ActionItem.updated_by_id == person.id))
        .order_by(ActionItem.created_at).options(joinedload(ActionItem.network))
    ).all()
    return "action_rows", [
        {"network": i.network.name, "activity": i.activity, "status": i.status,
         "created_by_you": i.created_by_id == person.id,
         "last_changed_by_you": i.updated_by_id == person.id,
         "created_at": iso_or_none(i.created_at), "updated_at": iso_or_none(i.updated_at)}
        for i in items
    ]
