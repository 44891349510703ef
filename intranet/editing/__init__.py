"""Editing together (samredigering): one component for every text or value several people
edit, so that no save silently overwrites another and nobody loses what they typed. Text
pages (documents), response sections (consultations) and action cells (actions) use it.

What it holds:

- `conflict`: `EditConflict` and its `Conflict` (the editor's text, the text saved meanwhile
  at its version, their word diff; for a text with a history the `Base` both started from,
  what each changed in it and, when they changed different lines, both changes merged);
  `check_version` (the service's check of the version the form carries), `saved_in_between`
  (the conflict of a save that found another one saved in between: raise it),
  `with_base`, `latest_number`, `revision_number`, `normalise_text`.
- `diff`: the word diff (`word_diff`) and the line-based three-way merge (`merge`).
- `values`: the same three-way comparison for values without a history (an action row's
  fields): `compare_values` says of each field whether both changed it (`BOTH`), only the
  other person (`THEIRS`) or where the editor started is not known (`UNKNOWN`).
- `fields`: the hidden form fields that carry where the person started: `VersionField`
  (the version read) and `StartedFromField` (the values read, for `values`).
- `save`: `VersionedTable`, the versioned save: one UPDATE that writes the row with its next
  version WHERE the version is the one read (StaleDataError when another save came in
  between, as the unit of work would), and `add_revision`, the revision numbered in its own
  INSERT. Statements are built once and executed through the session, so the cached
  fragments hear of them.
- `views`: `attempt` (run a save and commit, or say why not), `save_text` (the same for a
  text with a history: the conflict with its three texts, or the gone page, both 409, the
  form starting again from the saved version), `restart`, and `keeps_text` (after a failed
  CSRF check the form again with the posted text, 400).
- `templates/macros/editing.html`: `conflict_view` (the three texts; two when the base is
  not known, with a sentence saying why), `word_diff`, `diff_legend`, `kept_text_notices`
  (the failed CSRF check and the gone banners) and `save_label` (what the save button says);
  `value_conflicts` and `value_text` (the values of an action row's fields, three each).

To make something editable together:

1. The model has a version column that is the mapper's `version_id_col` (a page's
   `lock_version`, an action row's `version`); a text with a history also has revisions
   with `number`, `body` and `created_by_id`, numbered per text.
2. The form carries `version` (the version read) as a hidden field; a text with a history
   also `base` (the number of the revision read) and its text in `body`.
3. The service checks first, then writes, and records its audit row in the same
   transaction: `check_version(expected, row.version, mine, current_text)`, then
   `TABLE.write(row, values)` and, for a history, `TABLE.add_revision(row.id, values)`,
   with `TABLE = VersionedTable(Model, "lock_version", revisions=Revision, owner="…_id")`
   made once at import.
4. The route loads, asks the policy and validates the form as every route does, then
   `answer = save_text(form, lambda: svc.save(...), owner=Revision.owner_id, owner_id=…,
   reload=lambda: (version, text) as saved now, show=render_the_form, gone=(Gone,))`:
   None means saved (flash and redirect, 303). A value without a history uses `attempt`.
5. `@keeps_text("blueprint.endpoint", fields={...})` on a function that renders the form
   with `csrf_failed=True` and status 400 for a person who may still edit, else None.
6. The template imports `conflict_view` and `kept_text_notices` from macros/editing.html and
   shows them above the form; the form's `data-warn-unsaved` is "kept" after a POST.
7. Values without a history (an action row) also carry `started_from` (a
   `StartedFromField` with the values read); the service compares them with
   `compare_values` and saves when only the other person changed the fields that differ,
   and the conflict shows `value_conflicts` (actions.services.update_item is the example).
"""

from intranet.editing.conflict import (
    BASE_MISSING,
    BASE_UNCHANGED,
    BASE_UNKNOWN,
    Base,
    Conflict,
    EditConflict,
    check_version,
    latest_number,
    normalise_text,
    revision_number,
    saved_in_between,
    version_number,
    with_base,
)
from intranet.editing.diff import Diff, merge, word_diff
from intranet.editing.save import VersionedTable

__all__ = [
    "BASE_MISSING", "BASE_UNCHANGED", "BASE_UNKNOWN", "Base", "Conflict", "Diff",
    "EditConflict", "VersionedTable", "check_version", "latest_number", "merge",
    "normalise_text", "revision_number", "saved_in_between", "version_number", "with_base",
    "word_diff",
]
