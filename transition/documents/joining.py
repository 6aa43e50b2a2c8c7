"""Joining the parts of a combined PDF, printed apart on several cores.

The join runs in qpdf (through pikepdf), which copies the parts' objects as
they are and writes them in object streams: the joined file is about the sum
of its parts' bytes, joined in some 40 ms for the 26-member council. (pypdf,
before it, parsed and rewrote every object in Python and wrote them without
object streams: four times the bytes, in about half a second.)

Each part is a tagged PDF of its own (PDF/UA): a structure tree whose one
Document element holds the part's headings, tables and links, and a parent
tree that leads from each page's marked text and each link back to its
element. Copying the pages alone would leave every part but the first
untagged to a screen reader, so each part's tree is grafted onto the
whole's (see `_graft`).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any


def joined(pieces: list[bytes]) -> bytes:
    """One PDF of parts printed apart, one after another: the first part's
    catalog (title, metadata, language, embedded files) and document
    information, every part's bookmarks and every part's tags."""
    if len(pieces) == 1:
        return pieces[0]
    import pikepdf

    whole = pikepdf.open(BytesIO(pieces[0]))
    # qpdf copies a part's streams (pages, fonts) only as the whole is
    # written, so every part stays open until then.
    parts = [pikepdf.open(BytesIO(piece)) for piece in pieces[1:]]
    for part in parts:
        _graft(whole, part)
    written = BytesIO()
    # The first part's XMP metadata (its PDF/UA or PDF/A claim) stays as written.
    whole.save(
        written, object_stream_mode=pikepdf.ObjectStreamMode.generate, fix_metadata_version=False
    )
    return written.getvalue()


def _graft(whole: Any, part: Any) -> None:
    """Add the part's pages to the whole, its elements under the whole's
    Document element, its parent-tree keys (one a page, one a link) after
    the whole's, and its bookmarks after the whole's.

    What must change is changed in the part, which is thrown away after, and
    then copied in one call after the pages: qpdf makes one copy of each of
    the part's objects, so the elements and bookmarks copied then point at
    the pages copied before."""
    import pikepdf

    trees = _Tree.both(whole, part)
    if trees is not None:
        offset = trees[0].next_key()
        for page in part.pages:
            _move_key(page.obj, "/StructParents", offset)
            for link in page.obj.get("/Annots", ()):
                _move_key(link, "/StructParent", offset)
    whole.pages.extend(part.pages)
    carried = pikepdf.Array([_cut_bookmarks(part.Root)])
    if trees is not None:
        carried.extend([*trees[1].cut_from_document(), trees[1].moved_numbers(offset)])
    copied = whole.copy_foreign(part.make_indirect(carried))
    _append_bookmarks(whole, copied[0])
    if trees is not None:
        trees[0].adopt(children=copied[1], others=copied[2], numbers=copied[3])


def _move_key(holder: Any, name: str, offset: int) -> None:
    if name in holder:
        holder[name] = int(holder[name]) + offset


class _Tree:
    """A tagged PDF's structure tree root, its one Document element and its
    parent tree's flat array of numbers (key, elements, key, elements ...)."""

    def __init__(self, pdf: Any):
        import pikepdf

        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        kids = self.root.K
        self.document = kids[0] if isinstance(kids, pikepdf.Array) else kids
        self.numbers = self.root.ParentTree.Nums

    @classmethod
    def both(cls, whole: Any, part: Any) -> tuple[_Tree, _Tree] | None:
        """The whole's tree and the part's, where both are tagged."""
        if "/StructTreeRoot" in whole.Root and "/StructTreeRoot" in part.Root:
            return cls(whole), cls(part)
        return None

    def next_key(self) -> int:
        return 1 + max((int(key) for key in self.numbers[::2]), default=-1)

    def children(self) -> Any:
        """The Document element's children, as an array (one may stand bare)."""
        import pikepdf

        kids = self.document.get("/K", pikepdf.Array())
        return kids if isinstance(kids, pikepdf.Array) else pikepdf.Array([kids])

    def cut_from_document(self) -> tuple[Any, Any]:
        """The elements whose parent is the Document element, cut from it (it
        is not copied; the whole's takes them in): its children, and the
        others, the text of the page margins (running header, footer, page
        number), which WeasyPrint tags under the Document element but keeps
        out of its children."""
        import pikepdf

        document = self.document.objgen
        children = self.children()
        inside = {kid.objgen for kid in children}
        others = pikepdf.Array()
        for found in self.pdf.objects:
            parent = found.get("/P") if isinstance(found, pikepdf.Dictionary) else None
            if parent is not None and parent.objgen == document:
                del found.P
                if found.objgen not in inside:
                    others.append(found)
        return children, others

    def moved_numbers(self, offset: int) -> Any:
        """The parent tree's numbers, their keys moved by `offset`."""
        import pikepdf

        numbers: list[Any] = []
        for key, elements in zip(self.numbers[::2], self.numbers[1::2], strict=True):
            numbers.extend([int(key) + offset, elements])
        return pikepdf.Array(numbers)

    def adopt(self, *, children: Any, others: Any, numbers: Any) -> None:
        """A part's copied elements and parent-tree numbers, as the whole's."""
        kids = self.children()
        for kid in children:
            kid.P = self.document
            kids.append(kid)
        for other in others:
            other.P = self.document
        self.document.K = kids
        self.numbers.extend(numbers)
        self.root.ParentTreeNextKey = self.next_key()


def _cut_bookmarks(catalog: Any) -> Any:
    """The part's top-level bookmarks, each with its own, cut from their
    root (which stays behind in the part)."""
    import pikepdf

    items = pikepdf.Array()
    item = catalog.Outlines.get("/First") if "/Outlines" in catalog else None
    while item is not None:
        items.append(item)
        del item.Parent
        item = item.get("/Next")
    return items


def _append_bookmarks(whole: Any, items: Any) -> None:
    """The part's top-level bookmarks after the whole's; the root counts
    every bookmark shown open (PDF 1.7, 12.3.3)."""
    import pikepdf

    if not len(items):
        return
    if "/Outlines" not in whole.Root:
        whole.Root.Outlines = whole.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    root = whole.Root.Outlines
    for item in items:
        item.Parent = root
    if "/Last" in root:
        root.Last.Next = items[0]
        items[0].Prev = root.Last
    else:
        root.First = items[0]
    root.Last = items[len(items) - 1]
    shown = sum(1 + max(int(item.get("/Count", 0)), 0) for item in items)
    root.Count = int(root.get("/Count", 0)) + shown
