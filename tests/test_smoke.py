def test_login_page_is_swedish(client):
    response = client.get("/logga-in")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_member_logs_in_and_sees_start_page(login_as):
    c = login_as("member")
    page = c.get("/").get_data(as_text=True)
    assert "Mina nätverk" in page
    assert "Planeringsnätverket" in page


def test_a_sqlite_database_keeps_a_write_ahead_log(app):
    """Readers do not wait for a writer (and a commit syncs once) on the embedded default."""
    import pytest
    from sqlalchemy import text

    from intranet.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("SQLite only")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
