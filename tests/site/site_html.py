"""A small DOM over html.parser: enough to query what a built page contains."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@dataclass(eq=False)
class Node:
    """An element: tag, attributes, children (elements and text, in order), parent."""

    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        """An attribute's value (``None`` when absent)."""
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        """The ``class`` attribute, split."""
        return (self.attrs.get("class") or "").split()

    def iter(self) -> Iterator[Node]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, *, cls: str | None = None, where: Callable[[Node], bool] | None = None
    ) -> list[Node]:
        """Elements below (and including) this one that match."""
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and (where is None or where(node))
        ]

    def find(self, tag: str | None = None, **kwargs: object) -> Node | None:
        """The first match of :meth:`find_all`, or ``None``."""
        found = self.find_all(tag, **kwargs)  # type: ignore[arg-type]
        return found[0] if found else None

    def by_id(self, element_id: str) -> Node | None:
        """The element with this ``id``."""
        return next((node for node in self.iter() if node.attrs.get("id") == element_id), None)

    def text(self) -> str:
        """All text below this element, concatenated."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return "".join(parts)

    def visible_text(self) -> str:
        """Text a reader sees: everything but ``<script>`` and ``<style>`` content."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in ("script", "style"):
                parts.append(child.visible_text())
        return "".join(parts)

    def own_text(self) -> str:
        """Text directly in this element (not in children elements)."""
        return "".join(child for child in self.children if isinstance(child, str))

    def ancestors(self) -> Iterator[Node]:
        """Parent, grandparent, ..."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(text: str) -> Node:
    """Parse an HTML document into :class:`Node` s."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root
