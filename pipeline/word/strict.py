"""Word's element order: the child order of the property elements iku writes, checked
against the sequences of the ISO/IEC 29500 (ECMA-376) WordprocessingML schema.

Word refuses, or offers to "repair", a document whose property elements hold their
children out of the schema's order (``w:tcW`` after ``w:shd`` in a ``w:tcPr``); LibreOffice
forgives it, so a document can look right everywhere we test and still break in Word.
``order_problems`` lists every such place in a .docx; ``insert_in_order`` is what code that
adds a child to a property element uses, so that it lands at its schema position.

The sequences below are spelled out from the transitional schema (wml.xsd, ECMA-376 Part 1
/ ISO/IEC 29500-1 §17) and agree with the Open XML SDK's schema data and with
python-docx's ``_tag_seq`` tuples (docx/oxml/{table,section}.py, text/parfmt.py,
text/font.py). Notation: a string is one element, at most once, in that place; a tuple of
strings is a group whose members may come in any order among themselves (each at most
once), in that place; ``REPEATABLE`` names the elements that may repeat.

Pure Python (lxml, which python-docx already needs); nothing here depends on the rest of
the package, so tests and tools can use it alone.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {
    "w": W,
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}

Slot = str | tuple[str, ...]

# --- the sequences -----------------------------------------------------------------------

# CT_PPrBase (§17.3.1.26, wml.xsd <xsd:sequence>): the paragraph properties every pPr has.
_PPR_BASE: tuple[Slot, ...] = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
)
# CT_PPr (extends CT_PPrBase): a paragraph's own w:pPr, with the paragraph mark's run
# properties, a section break and a tracked change after the base.
P_PR: tuple[Slot, ...] = _PPR_BASE + ("w:rPr", "w:sectPr", "w:pPrChange")
# CT_PPrGeneral (extends CT_PPrBase): w:pPr of a style, of w:pPrDefault and of a w:lvl.
P_PR_GENERAL: tuple[Slot, ...] = _PPR_BASE + ("w:pPrChange",)

# EG_RPrBase: the run properties. ECMA-376 1st edition (which Word 2007 was built on)
# made this a sequence; ISO/IEC 29500 Transitional relaxed it to an unordered choice, but
# Word writes, and the Open XML SDK validates, this order, so we hold ourselves to it.
# w14 (Word 2010) elements come after w:specVanish, as Word writes them.
_RPR_BASE: tuple[Slot, ...] = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
    "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w",
    "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish",
    "w14:glow", "w14:shadow", "w14:reflection", "w14:textOutline", "w14:textFill",
    "w14:scene3d", "w14:props3d", "w14:ligatures", "w14:numForm", "w14:numSpacing",
    "w14:stylisticSets", "w14:cntxtAlts",
    "w:oMath",
)
# CT_RPr (§17.3.2.28): a run's w:rPr, and that of a style, w:rPrDefault, w:lvl.
R_PR: tuple[Slot, ...] = _RPR_BASE + ("w:rPrChange",)
# CT_ParaRPr (§17.3.1.29): the paragraph mark's w:rPr inside w:pPr; tracked insertion or
# deletion of the mark first (EG_ParaRPrTrackChanges).
PARA_R_PR: tuple[Slot, ...] = (
    "w:ins", "w:del", "w:moveFrom", "w:moveTo", "w14:conflictIns", "w14:conflictDel",
) + R_PR

# CT_TcPr (§17.4.70) = CT_TcPrBase + the cell's tracked change.
TC_PR: tuple[Slot, ...] = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", ("w:cellIns", "w:cellDel", "w:cellMerge"), "w:tcPrChange",
)

# CT_TblPr (§17.4.60) = CT_TblPrBase + w:tblPrChange.
TBL_PR: tuple[Slot, ...] = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
    "w:tblDescription", "w:tblPrChange",
)

# CT_TrPr (§17.4.82): CT_TrPrBase is <xsd:choice maxOccurs="unbounded">, so the row's own
# properties may come in any order (python-docx's _tag_seq is one order of many); the
# tracked changes follow them in sequence.
TR_PR: tuple[Slot, ...] = (
    ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
     "w:trHeight", "w:hidden", "w:cantSplit", "w:tblHeader", "w:tblCellSpacing", "w:jc"),
    "w:ins", "w:del", "w:trPrChange",
)

# CT_SectPr (§17.6.17): up to six header and footer references in any order
# (EG_HdrFtrReferences), then EG_SectPrContents in sequence, then the tracked change.
SECT_PR: tuple[Slot, ...] = (
    ("w:headerReference", "w:footerReference"),
    "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar", "w:paperSrc",
    "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign",
    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
    "w:printerSettings", "w15:footnoteColumns", "w:sectPrChange",
)

# CT_TblBorders (§17.4.39) and CT_TcBorders (§17.4.67). The transitional schema puts
# w:start before w:left and w:end before w:right, the Open XML SDK the other way round; a
# document has one of each pair, so the pairs are unordered groups.
TBL_BORDERS: tuple[Slot, ...] = (
    "w:top", ("w:left", "w:start"), "w:bottom", ("w:right", "w:end"), "w:insideH",
    "w:insideV",
)
TC_BORDERS: tuple[Slot, ...] = TBL_BORDERS + ("w:tl2br", "w:tr2bl")
# CT_PBdr (§17.3.1.24).
P_BDR: tuple[Slot, ...] = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")
# CT_TblCellMar (§17.4.43) and CT_TcMar (§17.4.69): the same pairs as the borders.
CELL_MAR: tuple[Slot, ...] = (
    "w:top", ("w:left", "w:start"), "w:bottom", ("w:right", "w:end"),
)
# CT_NumPr (§17.3.1.19).
NUM_PR: tuple[Slot, ...] = ("w:ilvl", "w:numId", "w:numberingChange", "w:ins")
# CT_Style (§17.7.4.17); w:tblStylePr repeats (one per conditional format).
STYLE: tuple[Slot, ...] = (
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
    "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked",
    "w:personal", "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr",
    "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
)
# CT_TblStylePr (§17.7.6.6).
TBL_STYLE_PR: tuple[Slot, ...] = ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr")
# CT_DocDefaults (§17.7.5.1), CT_RPrDefault (§17.7.5.5), CT_PPrDefault (§17.7.5.3).
DOC_DEFAULTS: tuple[Slot, ...] = ("w:rPrDefault", "w:pPrDefault")
R_PR_DEFAULT: tuple[Slot, ...] = ("w:rPr",)
P_PR_DEFAULT: tuple[Slot, ...] = ("w:pPr",)
# CT_Lvl (§17.9.6).
LVL: tuple[Slot, ...] = (
    "w:start", "w:numFmt", "w:lvlRestart", "w:pStyle", "w:isLgl", "w:suff", "w:lvlText",
    "w:lvlPicBulletId", "w:legacy", "w:lvlJc", "w:pPr", "w:rPr",
)

REPEATABLE = frozenset({"w:tblStylePr", "w:headerReference", "w:footerReference"})

# element → its sequence; w:pPr and w:rPr depend on their parent (``sequence_for``).
SEQUENCES: dict[str, tuple[Slot, ...]] = {
    "w:pPr": P_PR, "w:rPr": R_PR, "w:tcPr": TC_PR, "w:tblPr": TBL_PR, "w:trPr": TR_PR,
    "w:sectPr": SECT_PR, "w:tblBorders": TBL_BORDERS, "w:tcBorders": TC_BORDERS,
    "w:pBdr": P_BDR, "w:tblCellMar": CELL_MAR, "w:tcMar": CELL_MAR, "w:numPr": NUM_PR,
    "w:style": STYLE, "w:tblStylePr": TBL_STYLE_PR, "w:docDefaults": DOC_DEFAULTS,
    "w:rPrDefault": R_PR_DEFAULT, "w:pPrDefault": P_PR_DEFAULT, "w:lvl": LVL,
}

# CT_Settings (§17.15.1.78) from w:updateFields on: where code that adds w:updateFields to
# word/settings.xml puts it (``insert_in_order(settings, el, SETTINGS_TAIL)``; the
# elements before it in the schema are passed over). Not in SEQUENCES: settings parts
# saved by Word or LibreOffice hold extension elements this module does not check.
SETTINGS_TAIL: tuple[Slot, ...] = (
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)

# The parts of a .docx holding WordprocessingML: the body, styles, numbering, headers and
# footers, notes, comments and settings (``_is_word_part``).
_WORD_PART_PREFIXES = ("word/document", "word/styles", "word/stylesWithEffects",
                       "word/numbering", "word/header", "word/footer", "word/footnotes",
                       "word/endnotes", "word/comments", "word/settings",
                       "word/glossary/")


# --- names ---------------------------------------------------------------------------------

_PREFIX_OF = {uri: prefix for prefix, uri in NAMESPACES.items()}
_SHORT: dict[str, str] = {}


def clark(name: str) -> str:
    """``w:tcW`` → ``{namespace}tcW``."""
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def short(tag: str) -> str:
    """``{namespace}tcW`` → ``w:tcW`` (the namespace itself when it has no prefix here)."""
    name = _SHORT.get(tag)
    if name is None:
        qname = etree.QName(tag)
        prefix = _PREFIX_OF.get(qname.namespace or "")
        name = _SHORT[tag] = f"{prefix}:{qname.localname}" if prefix else tag
    return name


_CHECKED = {clark(name): sequence for name, sequence in SEQUENCES.items()}
_P, _PPR, _REPEATABLE = clark("w:p"), clark("w:pPr"), frozenset(map(clark, REPEATABLE))


def sequence_for(parent: etree._Element) -> tuple[Slot, ...] | None:
    """The sequence ``parent``'s children must follow, None for an element not checked."""
    sequence = _CHECKED.get(parent.tag)
    if sequence is P_PR:
        above = parent.getparent()
        return P_PR if above is not None and above.tag == _P else P_PR_GENERAL
    if sequence is R_PR:
        above = parent.getparent()
        return PARA_R_PR if above is not None and above.tag == _PPR else R_PR
    return sequence


_POSITIONS: dict[tuple, dict[str, int]] = {}


def positions_of(sequence: Sequence[Slot]) -> dict[str, int]:
    """Clark name → the index of its slot in ``sequence`` (members of a group share
    one)."""
    key = tuple(sequence)
    found = _POSITIONS.get(key)
    if found is None:
        found = _POSITIONS[key] = {
            clark(name): i
            for i, slot in enumerate(key)
            for name in ((slot,) if isinstance(slot, str) else slot)
        }
    return found


# --- putting a child in its place ----------------------------------------------------------


def insert_in_order(parent: etree._Element, child: etree._Element,
                    sequence: Sequence[Slot] | None = None) -> etree._Element:
    """Insert ``child`` into ``parent`` at its schema position: before the first existing
    child that the sequence puts after it (children the sequence does not know are passed
    over). ``sequence``: one of this module's tuples, by default the one for ``parent``.
    Returns ``child``. An existing child of the same name is left alone (the caller
    decides whether to replace it)."""
    if sequence is None:
        sequence = sequence_for(parent)
        if sequence is None:
            raise ValueError(f"no schema sequence known for {short(parent.tag)}")
    positions = positions_of(sequence)
    if child.tag not in positions:
        raise ValueError(f"{short(child.tag)} is not a child of {short(parent.tag)}")
    mine = positions[child.tag]
    for i, existing in enumerate(parent):
        if not isinstance(existing.tag, str):
            continue
        at = positions.get(existing.tag)
        if at is not None and at > mine:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def sort_children(parent: etree._Element, sequence: Sequence[Slot] | None = None) -> bool:
    """Put ``parent``'s element children in schema order (stable: members of a group keep
    their order). A parent holding a comment or a child the sequence does not know is left
    as it is. Returns whether anything moved."""
    if sequence is None:
        sequence = sequence_for(parent)
        if sequence is None:
            return False
    positions = positions_of(sequence)
    children = list(parent)
    if any(not isinstance(c.tag, str) or c.tag not in positions for c in children):
        return False  # something we cannot place: leave it as it is
    ordered = sorted(children, key=lambda c: positions[c.tag])
    if ordered == children:
        return False
    for c in children:
        parent.remove(c)
    parent.extend(ordered)
    return True


def in_order_xml(xml: str, element: str = "w:tcPr") -> str:
    """``xml`` (a part as text, e.g. a template's source before Jinja runs) with the
    children of every ``element`` put in schema order where they are plain ``w:``
    elements one after the other; an ``element`` holding anything else (text, a Jinja tag
    between its children, an unknown child, a nested copy of itself) is left as it is.
    Attribute values are not touched, so ``{{ … }}`` in them stays as written; an
    ``element`` already in order comes out byte for byte the same."""
    sequence = SEQUENCES[element]
    positions = positions_of(sequence)
    opening = re.compile(rf"(<{element}(?:\s[^<>/]*)?>)(.*?)(</{element}>)", re.DOTALL)

    def reorder(m: re.Match) -> str:
        children = _CHILD.findall(m.group(2))
        if "".join(whole for whole, _, _ in children) != m.group(2):
            return m.group(0)
        tags = [clark(a or b) if (a or b).split(":")[0] in NAMESPACES else "" for
                _, a, b in children]
        if any(tag not in positions for tag in tags):
            return m.group(0)
        order = sorted(range(len(children)), key=lambda i: positions[tags[i]])
        if order == sorted(order):
            return m.group(0)
        return m.group(1) + "".join(children[i][0] for i in order) + m.group(3)

    return opening.sub(reorder, xml)


# One child element as text: empty (<w:x …/>) or with content up to its own end tag (a
# child of a property element never nests an element of its own name).
_CHILD = re.compile(r"(<([A-Za-z0-9]+:[A-Za-z0-9]+)(?:\s[^<>]*?)?/>"
                    r"|<([A-Za-z0-9]+:[A-Za-z0-9]+)(?:\s[^<>]*)?>.*?</\3>)", re.DOTALL)


# --- checking ------------------------------------------------------------------------------


def child_problems(parent: etree._Element, sequence: Sequence[Slot]) -> list[str]:
    """What is wrong with ``parent``'s children against ``sequence``: an unknown child,
    one out of order (named with the child it follows), one that repeats."""
    positions = positions_of(sequence)
    problems = []
    seen: set[str] = set()
    furthest, furthest_tag = -1, ""
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or a processing instruction
        at = positions.get(tag)
        if at is None:
            problems.append(f"unknown child {short(tag)}")
            continue
        if tag in seen and tag not in _REPEATABLE:
            problems.append(f"{short(tag)} twice")
        seen.add(tag)
        if at < furthest:
            problems.append(f"{short(tag)} after {short(furthest_tag)}")
        elif at > furthest:
            furthest, furthest_tag = at, tag
    return problems


_COUNTED = {"w:tbl": "table", "w:tr": "row", "w:tc": "cell", "w:p": "paragraph",
            "w:r": "run", "w:sdt": "content control", "w:hyperlink": "hyperlink"}
_NAMED = {"w:style": "w:styleId", "w:abstractNum": "w:abstractNumId", "w:num": "w:numId",
          "w:lvl": "w:ilvl", "w:footnote": "w:id", "w:endnote": "w:id", "w:comment": "w:id",
          "w:tblStylePr": "w:type"}
# The part's root and the containers that add nothing to a path.
_SILENT = {"w:document", "w:body", "w:styles", "w:numbering", "w:hdr", "w:ftr",
           "w:footnotes", "w:endnotes", "w:comments", "w:settings", "w:sdtContent"}


def _label(el: etree._Element) -> str:
    name = short(el.tag)
    if name in _NAMED:
        value = el.get(clark(_NAMED[name]))
        return f"{name[2:]} '{value}'" if name == "w:style" else f"{name[2:]} {value}"
    if name in _COUNTED:
        n = 1 + sum(1 for s in el.itersiblings(el.tag, preceding=True))
        return f"{_COUNTED[name]} {n}"
    return name


def element_path(el: etree._Element) -> str:
    """Where ``el`` is, for a person: ``table 2 row 3 cell 1 w:tcPr``, ``style 'Judul'
    w:pPr``; tables, rows, cells, paragraphs and runs counted from 1 among their
    siblings."""
    labels = []
    while el is not None:
        if short(el.tag) not in _SILENT:
            labels.append(_label(el))
        el = el.getparent()
    return " ".join(reversed(labels))


def element_problems(root: etree._Element, part: str = "") -> list[str]:
    """Every problem under ``root`` (one XML part, root included), each as
    ``part: path: what``."""
    problems = []
    for el in root.iter(*_CHECKED):
        found = child_problems(el, sequence_for(el))
        if found:
            where = element_path(el)
            problems.extend(f"{part}: {where}: {what}" for what in found)
    return problems


def _is_word_part(name: str) -> bool:
    return name.endswith(".xml") and name.startswith(_WORD_PART_PREFIXES)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def order_problems(docx_bytes: bytes) -> list[str]:
    """Every child-order problem of the WordprocessingML parts of a .docx (document,
    styles, numbering, headers, footers, notes, comments, settings), as messages like
    ``word/document.xml: table 2 row 3 cell 1 w:tcPr: w:tcW after w:shd``. Empty when
    every element of ``SEQUENCES`` holds only the children its sequence allows, in its
    order, each once (``REPEATABLE`` aside). Order only: attribute values, required
    children and the rest of the schema are not checked."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        for name in sorted(zf.namelist()):
            if _is_word_part(name):
                root = etree.fromstring(zf.read(name), _PARSER)
                problems.extend(element_problems(root, name))
    return problems
