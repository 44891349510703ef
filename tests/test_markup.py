"""The Python-built markup of long lists: escaped, the chosen option selected, gaps marked."""

from markupsafe import Markup

from intranet.markup import count_cells, options


def test_options_escape_and_select_by_value_whatever_its_type():
    html = options([(1, "Nätverk <A>"), (2, 'B & "C"')], selected=2)
    assert isinstance(html, Markup)
    assert html == ('<option value="1">Nätverk &lt;A&gt;</option>'
                    '<option value="2" selected>B &amp; &#34;C&#34;</option>')
    assert " selected" not in options([(1, "A")], selected=None)
    assert options([("pagar", "Pågår")], selected="pagar").count(" selected") == 1


def test_count_cells_mark_gaps_by_text_and_escape_the_text():
    html = count_cells([2, 0], "ingen <utsedd>")
    assert html == ('<td class="num">2</td><td class="num cell--gap"><span aria-hidden="true">'
                    '⚠ 0</span><span class="visually-hidden">ingen &lt;utsedd&gt;</span></td>')
