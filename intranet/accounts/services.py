"""A person's own account: profile, password, and everything the workspace holds about them
(GDPR art. 15)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from intranet.audit.models import AuditEvent
from intranet.audit.services import record
from intranet.auth.models import LoginSession
from intranet.auth.passwords import hash_password, verify_password
from intranet.auth.services import revoke_all_sessions
from intranet.extensions import db
from intranet.notifications.models import OutgoingMail
from intranet.org.models import Appointment, Person, Seat
from intranet.text import iso_or_none


def update_profile(person: Person, *, name: str, title: str, phone: str,
                   language: str) -> None:
    before = {"name": person.name, "title": person.title, "phone": person.phone,
              "language": person.language}
    person.name = name.strip()
    person.title = (title or "").strip()
    person.phone = (phone or "").strip()
    person.language = language
    after = {"name": person.name, "title": person.title, "phone": person.phone,
             "language": person.language}
    record("profile_updated", actor=person, obj=person,
           changed={k: [before[k], after[k]] for k in before if before[k] != after[k]})


def change_password(person: Person, *, current: str, new: str) -> bool:
    """Change the password if `current` is right; every other session of the person ends."""
    if not verify_password(person.password_hash, current):
        record("password_change_failed", actor=person, obj=person)
        return False
    person.password_hash = hash_password(new)
    revoke_all_sessions(person, except_key=person.login_session_key)
    record("password_changed", actor=person, obj=person)
    return True


def recent_activity(person: Person, limit: int = 20) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == person.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


# Column names on the readable page (the JSON keeps the plain keys).
FIELD_LABELS = {
    "id": _l("Id"), "name": _l("Namn"), "email": _l("E-post"), "title": _l("Titel"),
    "phone": _l("Telefon"), "municipality": _l("Kommun"), "language": _l("Språk"),
    "active": _l("Aktivt konto"), "created_at": _l("Skapad"),
    "last_login_at": _l("Senaste inloggning"),
    "previous_login_at": _l("Inloggningen före den"), "network": _l("Nätverk"), "role": _l("Roll"),
    "from_date": _l("Från"), "to_date": _l("Till"), "appointed_by": _l("Utsedd av"),
    "ended_by": _l("Avslutad av"), "end_reason": _l("Anledning"), "note": _l("Anteckning"),
    "body": _l("Organ"), "officer": _l("Uppdrag"), "person": _l("Person"),
    "last_seen_at": _l("Senast aktiv"), "revoked_at": _l("Avslutad"), "ip": _l("IP-adress"),
    "user_agent": _l("Webbläsare"), "subject": _l("Ämne"), "sent_at": _l("Skickad"),
    "at": _l("Tid"), "action": _l("Händelse"), "object_type": _l("Objekt"),
    "object_id": _l("Objekt-id"), "detail": _l("Detaljer"), "document": _l("Dokument"),
    "version": _l("Version"), "filename": _l("Filnamn"), "size": _l("Storlek (byte)"),
    "revision": _l("Version"), "text": _l("Text"), "activity": _l("Aktivitet"),
    "status": _l("Status"), "created_by_you": _l("Skapad av dig"),
    "last_changed_by_you": _l("Senast ändrad av dig"), "updated_at": _l("Ändrad"),
    "response": _l("Remissvar"), "section": _l("Avsnitt"), "reply": _l("Svar på kommentar"),
    "resolved_at": _l("Löst"), "stance": _l("Ställningstagande"),
    "decision": _l("Kommunens beslut"), "step": _l("Steg"), "meeting": _l("Möte"),
}

# Each domain that stores what people write adds a provider: person → (section, rows).
PersonalDataProvider = Callable[[Person], tuple[str, list[dict]]]
PROVIDERS: list[PersonalDataProvider] = []


def personal_data_provider(func: PersonalDataProvider) -> PersonalDataProvider:
    name = f"{func.__module__}.{func.__qualname__}"
    if name not in {f"{p.__module__}.{p.__qualname__}" for p in PROVIDERS}:
        PROVIDERS.append(func)
    return func


def personal_data(person: Person) -> dict:
    """Everything the workspace holds about the person, as plain data. What a row names (a
    network, a municipality, a person) is read with it, so the queries are as many however
    many of them the person's rows name."""
    data = {
        "profile": {
            "id": person.id, "name": person.name, "email": person.email,
            "title": person.title, "phone": person.phone,
            "municipality": person.municipality.name if person.municipality else None,
            "language": person.language, "active": person.active,
            "created_at": iso_or_none(person.created_at),
            "last_login_at": iso_or_none(person.last_login_at),
            "previous_login_at": iso_or_none(person.previous_login_at),
        },
        "appointments": [
            {"network": a.network.name, "municipality": a.municipality.name, "role": a.role,
             "from_date": iso_or_none(a.from_date), "to_date": iso_or_none(a.to_date),
             "appointed_by": a.appointed_by.name if a.appointed_by else None,
             "ended_by": a.ended_by.name if a.ended_by else None,
             "end_reason": a.end_reason, "note": a.note}
            for a in db.session.scalars(select(Appointment).where(
                Appointment.person_id == person.id).order_by(Appointment.from_date).options(
                joinedload(Appointment.network), joinedload(Appointment.municipality),
                joinedload(Appointment.appointed_by), joinedload(Appointment.ended_by)))
        ],
        "seats": [
            {"body": s.body.name, "municipality": s.municipality.name if s.municipality else None,
             "officer": s.officer, "title": s.seat_title, "from_date": iso_or_none(s.from_date),
             "to_date": iso_or_none(s.to_date)}
            for s in db.session.scalars(select(Seat).where(Seat.person_id == person.id)
                                        .order_by(Seat.from_date).options(
                                            joinedload(Seat.body), joinedload(Seat.municipality)))
        ],
        "appointments_made_or_ended": [
            {"person": a.person.name, "network": a.network.name,
             "from_date": iso_or_none(a.from_date), "to_date": iso_or_none(a.to_date)}
            for a in db.session.scalars(select(Appointment).where(or_(
                Appointment.appointed_by_id == person.id, Appointment.ended_by_id == person.id))
                .order_by(Appointment.from_date, Appointment.id).options(
                    joinedload(Appointment.person), joinedload(Appointment.network)))
        ],
        "login_sessions": [
            {"created_at": iso_or_none(s.created_at), "last_seen_at": iso_or_none(s.last_seen_at),
             "revoked_at": iso_or_none(s.revoked_at), "ip": s.ip, "user_agent": s.user_agent}
            for s in db.session.scalars(select(LoginSession).where(
                LoginSession.person_id == person.id).order_by(LoginSession.created_at))
        ],
        "email_sent_to_you": [
            {"subject": m.subject, "created_at": iso_or_none(m.created_at),
             "sent_at": iso_or_none(m.sent_at)}
            for m in db.session.scalars(select(OutgoingMail).where(
                OutgoingMail.person_id == person.id).order_by(OutgoingMail.id))
        ],
        "audit_log": [
            {"at": iso_or_none(e.at), "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "ip": e.ip, "detail": e.detail}
            for e in db.session.scalars(select(AuditEvent).where(or_(
                AuditEvent.actor_id == person.id,
                (AuditEvent.object_type == "Person") & (AuditEvent.object_id == person.id),
            )).order_by(AuditEvent.at, AuditEvent.id))
        ],
    }
    for provider in PROVIDERS:
        section, rows = provider(person)
        data[section] = rows
    return data
