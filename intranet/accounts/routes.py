import json

from flask import Response, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from intranet.accounts import bp
from intranet.accounts.forms import ChangePasswordForm, ProfileForm
from intranet.accounts.services import (
    FIELD_LABELS,
    change_password,
    personal_data,
    recent_activity,
    update_profile,
)
from intranet.audit.services import record
from intranet.auth import throttle
from intranet.authz import authorize
from intranet.extensions import db
from intranet.htmx import render
from intranet.org.services import appointments_of, seats_of


@bp.route("/", methods=["GET", "POST"])
def profile():
    authorize(current_user, "edit_own_profile", current_user)
    person = current_user._get_current_object()
    form = ProfileForm(obj=person if request.method == "GET" else None)
    if request.method == "GET":
        form.language.data = person.language or "sv"
    if form.validate_on_submit():
        update_profile(person, name=form.name.data, title=form.title.data,
                       phone=form.phone.data, language=form.language.data)
        session["lang"] = form.language.data
        db.session.commit()
        flash(_("Dina uppgifter är sparade."), "success")
        return redirect(url_for("accounts.profile"), 303)
    current, past = appointments_of(person)
    status = 422 if request.method == "POST" else 200
    return render("accounts/profile.html", status=status, form=form, person=person,
                  seats=seats_of(person), current=current, past=past,
                  activity=recent_activity(person))


@bp.route("/losenord", methods=["GET", "POST"])
def password():
    authorize(current_user, "edit_own_profile", current_user)
    form = ChangePasswordForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        # The current password is guessed like a login's: the same throttle.
        wait = throttle.attempt(current_user.email)
        if wait:
            form.current_password.errors = [throttle.wait_message(wait)]
            status = 429
        elif change_password(current_user, current=form.current_password.data,
                             new=form.password.data):
            throttle.succeeded(current_user.email)
            db.session.commit()
            flash(_("Ditt lösenord är bytt. Alla dina andra inloggningar är avslutade."),
                  "success")
            return redirect(url_for("accounts.profile"), 303)
        else:
            throttle.failed(current_user.email)
            db.session.commit()  # the failed attempt's audit row
            form.current_password.errors = [_("Fel lösenord.")]
    return render("accounts/password.html", status=status, form=form)


@bp.get("/mina-uppgifter")
def my_data():
    """Mina uppgifter: everything held about me, readable."""
    authorize(current_user, "export_own_data", current_user)
    data = personal_data(current_user)
    return render("accounts/my_data.html", data=data, labels=FIELD_LABELS)


@bp.get("/mina-uppgifter.json")
def my_data_json():
    authorize(current_user, "export_own_data", current_user)
    data = personal_data(current_user)
    record("personal_data_exported", actor=current_user, obj=current_user)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=mina-uppgifter.json"})
