"""A network's own writes: its name, description and focus areas, and who convenes it. Who
sits in it is appointing (intranet/appointments); reading networks is intranet/org."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from intranet.audit.services import record
from intranet.forms_flow import RuleError
from intranet.org.models import Appointment, FocusArea, Network, NetworkRole, Person
from intranet.org.services import current_appointments


def set_convener(network: Network, appointment: Appointment, *, actor: Person) -> None:
    """Make a current member the network's convener (sammankallande); the previous convener
    stays a member."""
    if appointment.network_id != network.id or not appointment.is_current():
        raise RuleError(_l("Välj en av nätverkets nuvarande ledamöter."), "appointment_id")
    for current in current_appointments([network.id]):
        if current.role == NetworkRole.CONVENER and current.id != appointment.id:
            current.role = NetworkRole.MEMBER
    appointment.role = NetworkRole.CONVENER
    record("convener_set", actor=actor, obj=network, appointment_id=appointment.id,
           person_id=appointment.person_id)


def update_network(network: Network, *, actor: Person, name: str, short_name: str,
                   description: str, focus_areas: list[FocusArea]) -> None:
    """The network's name, short name, description and focus areas; the audit row names
    what changed."""
    before = {"name": network.name, "short_name": network.short_name,
              "description": network.description,
              "focus_areas": [a.name for a in network.focus_areas]}
    network.name = name.strip()
    network.short_name = short_name.strip()
    network.description = (description or "").strip()
    network.focus_areas = list(focus_areas)
    after = {"name": network.name, "short_name": network.short_name,
             "description": network.description,
             "focus_areas": [a.name for a in network.focus_areas]}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    record("network_updated", actor=actor, obj=network, changed=changed)
