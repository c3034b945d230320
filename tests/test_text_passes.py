"""Text passes over rendered XML written as plain string operations (issue 25) give the
same text as the regular expressions they replace, on generated text built from the
pieces that matter (newlines, paragraph starts, their look-alikes)."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.word.render import LINE_PARAGRAPH, join_line_paragraphs

PIECES = st.sampled_from(["\n", "<w:p", " ", ">", "<w:pPr>", "\n<w:p ", "\n<w:p>", "x",
                          "</w:p>", "<w:r>", "\n\n", "<w:t>a</w:t>", "p", "<"])


@given(st.lists(PIECES, max_size=60).map("".join))
@settings(max_examples=600, deadline=None)
def test_joining_line_paragraphs_is_the_regular_expression(text):
    assert join_line_paragraphs(text) == LINE_PARAGRAPH.sub(r"<w:p\1", text)


def test_joining_line_paragraphs_keeps_other_newlines():
    text = "<w:body>\n<w:p>\n<w:p w:rsidR='1'>\n<w:pPr/>\n\n<w:p>x\n</w:body>"
    assert join_line_paragraphs(text) == ("<w:body><w:p><w:p w:rsidR='1'>\n<w:pPr/>\n"
                                          "<w:p>x\n</w:body>")


ATTRIBUTE = st.builds(
    "{}{}:{}{}{}{}{}".format,
    st.sampled_from(["", " ", "\n", "x", "\t"]),  # before: whitespace or not
    st.sampled_from(["r", "xr", "rel", "w"]),  # the prefix
    st.sampled_from(["id", "embed", "", "a.b-c"]),  # the name
    st.sampled_from(["=", " = ", "\n=\n", ""]),
    st.sampled_from(['"', "'", ""]),
    st.sampled_from(["rId1", "rId2", "", " r:id=", "<", "x y"]),  # the value
    st.sampled_from(['"', "'", ""]),
)
REL_PIECES = st.one_of(ATTRIBUTE, st.sampled_from([" ", "\n", "r:", '"', "'", "<w:t>",
                                                   "Indikator: ", "a", ">"]))


@given(st.lists(REL_PIECES, max_size=12).map("".join),
       st.sets(st.sampled_from([b"r", b"xr", b"rel", b"r2"]), max_size=3))
@example(' r:id=" r:id="rId1"', {b"r"})  # a value holding what looks like an attribute
@example('xr:id="rId1" r:id="rId2"', {b"r"})  # a prefix ending another name
@settings(max_examples=1500, deadline=None)
def test_relationship_ids_are_the_regular_expressions(text, prefixes):
    from pipeline.office.ooxml import _rel_attribute_values, rel_attribute_pattern

    blob = text.encode()
    expected = frozenset() if not prefixes else frozenset(
        (a or b).decode("utf-8", "replace")
        for a, b in re.findall(rel_attribute_pattern(prefixes), blob) if a or b)
    assert _rel_attribute_values(blob, prefixes) == expected


def test_relationship_ids_of_a_real_body():
    from pipeline.office.ooxml import _rel_attribute_values

    blob = (b'<w:body xmlns:r="x"><w:p><w:r><w:t>Indikator: r:id="no"</w:t></w:r>'
            b'<w:drawing><a:blip r:embed="rId9"/></w:drawing><v:i r:id=\'rId10\' '
            b'r:pict = "rId11"/></w:p></w:body>')
    # text that looks like an attribute counts too (an over-approximation that
    # ``_exact_rel_ids`` settles), as with the regular expression
    assert _rel_attribute_values(blob, {b"r"}) == {"no", "rId9", "rId10", "rId11"}
