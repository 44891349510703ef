"""The restore drill: back up a populated workspace, empty it, restore, and find it whole."""

import json
import tarfile

from sqlalchemy import func, select

from intranet.extensions import db
from tests.conftest import Client, empty_all_tables


def table_counts():
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


def test_backup_and_restore_round_trip(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        before = table_counts()
        from intranet.documents.models import DocumentVersion

        version = db.session.scalars(select(DocumentVersion)).first()
        doc_url = f"/natverk/{version.document.network.slug}/dokument/{version.document_id}"
    assert before["person"] > 40 and before["document_version"] > 0

    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0 and "not empty" in refused.output

    # The search index is made from the data, not kept in the backup.
    with tarfile.open(archive) as stored:
        data = json.load(stored.extractfile("data.json"))
    assert "search_entry" not in data and "document" in data

    empty_all_tables(app)
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert table_counts() == before  # the index too: made again by the restore

    # The restored workspace works: log in, open a document, and new rows get fresh ids.
    c = Client(app)
    assert c.login("sara.ekholm@huddinge.example", "Samverkan-demo-2026").status_code == 303
    found = c.get("/sok/?q=kollektivtrafikplanen").get_data(as_text=True)
    assert "Kollektivtrafikplan 2050" in found
    download = c.get(doc_url + "/ladda-ner")
    assert download.status_code == 200 and len(download.get_data()) == version.size
    download.close()
    assert c.post("/tillganglighet", {"message": "Efter återställningen."}).status_code == 303


def test_restore_refuses_a_backup_of_another_schema(app, tmp_path):
    import io
    import json
    import tarfile

    archive = tmp_path / "old.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        payload = json.dumps({"format": 1, "revision": "0000", "rows": {}, "files": 0}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "flask db upgrade" in result.output
