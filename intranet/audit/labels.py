"""Words for audit actions, shown on profiles and in the audit log."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "login": _l("Loggade in"),
    "login_failed": _l("Misslyckad inloggning"),
    "logout": _l("Loggade ut"),
    "access_denied": _l("Nekad åtkomst"),
    "appointment_created": _l("Utsåg ledamot"),
    "appointment_ended": _l("Avslutade uppdrag"),
    "appointment_term_set": _l("Satte slutdatum för uppdrag"),
    "term_reminder_sent": _l("Påminnelse om mandattid skickad"),
    "person_created": _l("Lade till person"),
    "person_updated": _l("Ändrade person"),
    "person_deactivated": _l("Inaktiverade person"),
    "person_reactivated": _l("Återaktiverade person"),
    "invitation_sent": _l("Skickade inbjudan"),
    "convener_set": _l("Valde sammankallande"),
    "network_created": _l("Skapade nätverk"),
    "network_updated": _l("Ändrade nätverk"),
    "network_archived": _l("Arkiverade nätverk"),
    "network_restored": _l("Återställde nätverk"),
    "seat_created": _l("Tillsatte plats i organ"),
    "seat_ended": _l("Avslutade plats i organ"),
    "seat_officer_moved": _l("Flyttade ordförandeskap"),
    "password_set": _l("Valde lösenord via länk"),
    "password_confirmation_failed": _l("Fel lösenord vid bekräftelse"),
    "password_reset_requested": _l("Bad om nytt lösenord"),
    "password_reset_unknown": _l("Nytt lösenord begärt för okänd adress"),
    "password_changed": _l("Bytte lösenord"),
    "password_change_failed": _l("Misslyckat lösenordsbyte"),
    "profile_updated": _l("Ändrade sin profil"),
    "personal_data_exported": _l("Laddade ned sina uppgifter"),
    "accessibility_report": _l("Rapporterade tillgänglighetsproblem"),
    "consultation_created": _l("Skapade remissvar"),
    "consultation_updated": _l("Ändrade uppgifter om remissvar"),
    "consultation_status_changed": _l("Ändrade status för remissvar"),
    "consultation_section_added": _l("Lade till avsnitt i remissvar"),
    "consultation_section_saved": _l("Sparade avsnitt i remissvar"),
    "consultation_section_moved": _l("Flyttade avsnitt i remissvar"),
    "consultation_section_removed": _l("Tog bort avsnitt i remissvar"),
    "consultation_section_restored": _l("Återställde avsnitt i remissvar"),
    "consultation_comment_added": _l("Kommenterade remissvar"),
    "consultation_comment_resolved": _l("Markerade kommentar som löst"),
    "consultation_comment_reopened": _l("Öppnade kommentar igen"),
    "consultation_snapshot_saved": _l("Sparade version av remissvar"),
}


def audit_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
