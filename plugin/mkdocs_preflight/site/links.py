"""Links from checklists to files of the repository.

Checklists live next to the code they operate (``checklists/deploy.md`` links to
``../scripts/deploy.sh``). Relative links are resolved against the checklist's place in
the *repository*, not in the site, so a link works the same on GitHub, in an editor, for
``preflight check`` and on the site:

* a target that is a page or file of the site becomes a link to it (MkDocs then makes it
  a URL and validates it);
* a target that exists in the repository but is not part of the site becomes a link to
  the repository browser (``repo_url_pattern``, else derived from ``repo_url`` and
  ``edit_uri``), or plain text when no repository URL is known; an image (a screenshot
  kept next to the runbook) is then added to the site instead, as MkDocs adds the images
  of ``docs_dir``, since it cannot be shown as text;
* anything else (a broken link) is left alone, for MkDocs and ``preflight check`` to report.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

__all__ = ["LinkResolver", "RepoBrowser", "Resolved", "is_image"]

IMAGE_SUFFIXES = frozenset({".apng", ".avif", ".bmp", ".gif", ".ico", ".jpeg", ".jpg", ".png", ".svg", ".webp"})
"""What the plugin may add to a site as an image: never a file of another kind (a
checklist that shows `../.env` as an image must not publish it)."""


def is_image(repo_path: str) -> bool:
    """Whether a repository path names an image file (by its suffix)."""
    return posixpath.splitext(repo_path)[1].lower() in IMAGE_SUFFIXES


@dataclass(frozen=True, slots=True)
class Resolved:
    """What to do with one link: a new ``href``, or plain text naming a repository file."""

    href: str | None
    """The new target; ``None`` means "show as text" (no repository URL known)."""
    repo_path: str
    """The target's path relative to the repository root."""


@dataclass(slots=True)
class RepoBrowser:
    """Turns a repository path into a URL of the repository's web view."""

    pattern: str | None
    """A URL with ``{path}``; ``None`` when no repository URL is known."""

    @classmethod
    def from_config(
        cls,
        *,
        pattern: str | None,
        repo_url: str | None,
        edit_uri: str | None,
        docs_dir: Path,
        root: Path,
    ) -> RepoBrowser:
        """Use ``pattern`` if given, else derive a "blob" URL from ``repo_url`` and ``edit_uri``.

        ``edit_uri`` points at the docs folder in edit mode (``edit/main/docs/``); the
        repository root in view mode is that without the docs folder, with ``edit``
        replaced by ``blob`` (GitHub, GitLab; Bitbucket's ``src`` serves both).
        """
        if pattern:
            return cls(pattern)
        if not repo_url or not edit_uri or edit_uri.startswith(("?", "#")):
            return cls(None)
        base = edit_uri if edit_uri.endswith("/") else edit_uri + "/"
        try:
            docs_rel = docs_dir.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return cls(None)
        if docs_rel != ".":
            suffix = docs_rel.strip("/") + "/"
            if not base.endswith(suffix):
                return cls(None)
            base = base[: -len(suffix)]
        if base.startswith("edit/"):
            base = "blob/" + base[len("edit/") :]
        elif base.startswith("-/edit/"):
            base = "-/blob/" + base[len("-/edit/") :]
        url = urljoin(repo_url if repo_url.endswith("/") else repo_url + "/", base)
        return cls(url + "{path}")

    def url(self, repo_path: str, *, image: bool = False) -> str | None:
        """The web URL of a repository file (raw content for images), or ``None``."""
        if self.pattern is None:
            return None
        url = self.pattern.replace("{path}", quote(repo_path))
        if image and "/blob/" in url:
            url = url.replace("/blob/", "/raw/", 1)
        return url


@dataclass(slots=True)
class LinkResolver:
    """Resolves the relative links of checklist pages (one instance per build)."""

    root: Path
    """The repository root (the folder of ``mkdocs.yml``)."""
    site_files: dict[str, str]
    """Repository path of every file of the site → its ``src_uri``."""
    browser: RepoBrowser
    publish: Callable[[str], str | None] | None = None
    """Adds the image at a repository path to the site; its ``src_uri``, or ``None`` if it
    cannot be added."""
    _exists: dict[str, bool] = field(default_factory=dict)
    unlinked: int = 0
    """How many links were shown as text because no repository URL is known."""

    def resolve(self, href: str, *, checklist_path: str, page_uri: str, image: bool = False) -> Resolved | None:
        """What a link in the checklist at ``checklist_path`` (repository-relative) becomes.

        Returns ``None`` to leave the link alone: external, absolute, in-page, broken, or
        already pointing where MkDocs will find it.
        """
        scheme, netloc, path, query, fragment = urlsplit(href)
        if scheme or netloc or not path or path.startswith(("/", "\\")):
            return None
        target = posixpath.normpath(posixpath.join(posixpath.dirname(checklist_path), unquote(path)))
        if target == ".." or target.startswith("../"):
            return None  # outside the repository: leave it to MkDocs and `check`
        site_uri = self.site_files.get(target)
        if site_uri is not None:
            relative = posixpath.relpath(site_uri, posixpath.dirname(page_uri) or ".")
            new = urlunsplit(("", "", quote(relative), query, fragment))
            return None if new == href else Resolved(new, target)
        if not self._is_repo_file(target):
            return None
        url = self.browser.url(target, image=image)
        if url is None and image and self.publish is not None and is_image(target):
            published = self.publish(target)
            if published is not None:
                self.site_files[target] = published
                return self.resolve(href, checklist_path=checklist_path, page_uri=page_uri, image=image)
        if url is None:
            if not image:  # an image that cannot be published stays, for MkDocs to report
                self.unlinked += 1
            return Resolved(None, target)
        if query:  # `?plain=1` on GitHub: the source view of a Markdown or SVG file
            url += ("&" if "?" in url else "?") + query
        if fragment:
            url += "#" + fragment
        return Resolved(url, target)

    def _is_repo_file(self, target: str) -> bool:
        known = self._exists.get(target)
        if known is None:
            known = os.path.exists(self.root / target)
            self._exists[target] = known
        return known
