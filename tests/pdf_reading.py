"""A PDF's text as a reader's viewer extracts it, page by page.

PDFium (Chrome's PDF engine, through pypdfium2) reads a page's text in a
few milliseconds, where pypdf's pure-Python extraction took seventy: most
of what the printing tests spent was reading back what they printed. pypdf
stays for what it is good at, the file's objects (structure trees,
metadata, annotations).
"""

from __future__ import annotations

from pathlib import Path


def page_texts(path: Path | str) -> list[str]:
    """Each page's text, lines ending in a newline as pypdf ends them. PDFium
    marks a hyphen that ends a line (U+FFFE) and joins the line to the next;
    the mark is the hyphen the page shows."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        texts = []
        for page in document:
            reading = page.get_textpage()
            texts.append(reading.get_text_range().replace("\r\n", "\n").replace("\ufffe", "-"))
            reading.close()
            page.close()
        return texts
    finally:
        document.close()


def whole_text(path: Path | str) -> str:
    """Every page's text in one line, runs of white space made one space."""
    return " ".join(" ".join(page_texts(path)).split())
