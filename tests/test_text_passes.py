"""Text passes over rendered XML written as plain string operations (issue 25) give the
same text as the regular expressions they replace, on generated text built from the
pieces that matter (newlines, paragraph starts, their look-alikes)."""

from __future__ import annotations

from hypothesis import given, settings
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
