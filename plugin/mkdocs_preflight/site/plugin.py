"""``preflight``: the MkDocs plugin (cross-page work only; pages render in the extension).

* ``on_config``: the project from the plugin options; register the Markdown extension;
  watch the checklists and the registry in ``mkdocs serve``.
* ``on_files``: read every checklist (parsed once, see :mod:`.models`); add the ones
  outside ``docs_dir`` as pages at ``checklists/<path>`` (inside ``docs_dir`` they are
  enhanced in place); add the assets and the requirements page.
* ``on_nav``: title the checklists' nav section, or append it to an explicit ``nav:``.
* ``on_page_markdown``: hand the page's model to the extension, which renders it.
* ``on_page_context``: expand the page's decorations and wrap it, after search indexed it.
* ``on_env``: report the findings as MkDocs warnings (every model is parsed by then).
* ``on_serve``: also watch the repository images the build published from outside the
  watched folders.
"""

from __future__ import annotations

import html
import importlib.resources
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from mkdocs.config.base import ConfigErrors, ConfigWarnings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from ..config import ConfigError, Settings
from ..engine import Project, parse_text
from ..engine.gc_pause import Collector
from ..engine.slugs import id_words
from ..engine.source import as_written
from ..model import Checklist, Diagnostic, Item, Level, RequirementDef
from ..rules import RuleCrash
from ..rules.pipeline import Checker, FileOutcome
from ..runner.redact import MASK, Redactor, is_secret_name
from . import files as site_files
from . import markup, nav, requirements, runs
from .config import PreflightConfig, option_values
from .context import LinkHook, OutcomeHook, PageContext, RequirementHook
from .diagnostics import counted, log_level, report
from .extension import PreflightExtension, expected_fence_reach
from .links import LinkResolver, RepoBrowser, Resolved
from .models import Model, ModelCache, file_checker

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

log = get_plugin_logger(__name__)

ASSETS = ("preflight.css", "preflight.js")
ASSET_DIR = "assets/preflight"


@dataclass(slots=True)
class _Entry:
    """One checklist of the build."""

    display: str
    """Path relative to the repository root (the model's path)."""
    model: Model | None
    """``None`` once the page is rendered: what the rest of the build needs is kept below."""
    file: File
    added: bool
    """``True`` when the plugin added the page (the file is outside ``docs_dir``)."""
    appended: bool = False
    """``True`` when the plugin puts the added page in an explicit ``nav:`` itself (not
    listed there, and not kept out of the nav by ``not_in_nav``)."""
    outcome: FileOutcome | None = None
    """The checklist's findings (once its page is rendered)."""
    contribution: requirements.Contribution | None = None
    """Its part of the requirements page (once its page is rendered)."""

    @property
    def checklist(self) -> Checklist:
        """The checklist's model (only while the page is not rendered yet)."""
        assert self.model is not None, f"{self.display}: the model was released"
        return self.model.checklist


@dataclass(slots=True)
class _Deferred:
    """What a rendered checklist page still gets after the search plugin indexed it."""

    decorations: list[str]
    head: str
    tail: str
    requirements: set[str]
    """The requirement IDs the page links to the requirements page."""
    search: list[tuple[str, str]]
    """``(id, text)`` of each pinned item and step ID, for the search index (see :func:`_search_entries`)."""


class PreflightPlugin(BasePlugin[PreflightConfig]):  # type: ignore[no-untyped-call]
    """Turn the checklists of the repository into pages of the site."""

    def __init__(self) -> None:
        self._cache = ModelCache(retain=False)  # `serve` turns it on (on_startup)
        self._collector = Collector()
        self._command = "build"
        self._given: frozenset[str] = frozenset()
        self._server: LiveReloadServer | None = None
        self._published: set[str] = set()
        """Repository images published from outside the checklists (absolute paths)."""
        self._reset()

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        """Load the options, remembering which ones ``mkdocs.yml`` sets (not defaulted)."""
        self._given = frozenset(options)
        return super().load_config(options, config_file_path)

    def _reset(self) -> None:
        self._project: Project | None = None
        self._entries: dict[str, _Entry] = {}
        self._extension = PreflightExtension()
        self._extension.managed = True
        self._requirements_file: File | None = None
        self._runs = runs.RunData()
        self._requirements_page: requirements.RenderedPage | None = None
        self._page_data: dict[str, PageContext | _Deferred] = {}
        self._linked_requirements: dict[str, set[str]] = {}
        self._checker: Checker | None = None
        self._registry_ids: frozenset[str] | None = None
        self._uri_by_display: dict[str, str] | None = None
        self._resolver: LinkResolver | None = None
        self._unread_blocks: list[tuple[str, list[int]]] = []
        self._site_key = ""
        self._docs_dir = Path()
        self._base = Path()
        self._pages_by_dest: dict[str, File] = {}
        self._use_directory_urls = True

    @property
    def _enabled(self) -> bool:
        return bool(self.config["enabled"])

    # -- events ---------------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Remember the command. (Defining this hook keeps the plugin, and its model cache,
        alive across ``mkdocs serve`` rebuilds.)"""
        self._command = command
        # Only `serve` builds again in this process: a build keeps no model it has used.
        self._cache.retain = command == "serve"
        self._server = None
        self._published.clear()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Build the project from the options; register the extension; watch the sources."""
        self._cache.close()
        self._reset()
        if not self._enabled:
            return None
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        settings = Settings(
            root=config_file.parent,
            config_file=config_file,
            values=option_values(self.config),
            mkdocs={key: config.get(key) for key in ("site_name", "site_url", "repo_url", "edit_uri", "docs_dir")},
        )
        self._project = Project(settings)
        self._docs_dir = Path(config.docs_dir).resolve()
        self._base = site_files.site_base(settings.root, settings.checklist_globs)
        self._site_key = markup.site_key(config.site_url, config.site_name)
        extensions = [
            ext for ext in config.markdown_extensions if ext != "preflight" and not isinstance(ext, PreflightExtension)
        ]
        extensions.append(self._extension)
        config.markdown_extensions = extensions
        config.mdx_configs.pop("preflight", None)
        watched = [site_files.static_prefix(settings.root, pattern) for pattern in settings.checklist_globs]
        if settings.values.get("registry"):
            watched.append(settings.path(settings.values["registry"]))
        for path in watched:
            if path.exists() and not path.is_relative_to(self._docs_dir) and str(path) not in config.watch:
                config.watch.append(str(path))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Read the checklists; add their pages, the assets and the requirements page."""
        project = self._project
        if not self._enabled or project is None:
            return None
        # Python-Markdown's default tab length: MkDocs sets no other.
        self._cache.begin(project.matcher, project.settings, (expected_fence_reach(config.markdown_extensions), 4))
        listed = nav.nav_paths(config.nav) if config.nav is not None else None
        self._pages_by_dest = {file.dest_uri: file for file in files}
        self._use_directory_urls = config.use_directory_urls
        paths = project.files()
        # As MkDocs does in docs_dir: a folder's page is its index.md, not its README.md.
        indexed = {path.parent for path in paths if path.name == "index.md"}
        for path in paths:
            if path.name == "README.md" and path.parent in indexed:
                log.info(f"{project.relative(path)}: not added, index.md is the page of its folder")
                continue
            entry = self._add_checklist(path, files, config, listed)
            if entry is not None:
                self._entries[entry.file.src_uri] = entry
        self._cache.keep(entry.display for entry in self._entries.values())
        if not self._entries:
            log.info(f"no checklists found in {', '.join(project.settings.checklist_globs)}")
            return files
        entries = [self._entries[f.src_uri] for f in files.documentation_pages() if f.src_uri in self._entries]
        rendering_order = [entry.model for entry in entries if entry.model is not None]
        self._cache.start(rendering_order)
        self._add_assets(files, config)
        self._resolver = LinkResolver(
            root=project.root,
            site_files={
                **{project.relative(Path(file.abs_src_path)): file.src_uri for file in files if file.abs_src_path},
                # A checklist's own path too: through a link (docs/checklists -> ../checklists)
                # the page's source is named after the link, links are read from the checklist.
                **{entry.display: uri for uri, entry in self._entries.items()},
            },
            browser=RepoBrowser.from_config(
                pattern=self.config["repo_url_pattern"],
                repo_url=config.repo_url,
                edit_uri=config.edit_uri,
                docs_dir=self._docs_dir,
                root=project.root,
            ),
            publish=lambda repo_path: self._publish_image(repo_path, files, config),
        )
        self._add_requirements_page(files, config, listed)
        self._add_run_pages(files, config)
        return files

    def on_nav(self, nav_: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Title the checklists' section, or append it to an explicit ``nav:``."""
        if not self._enabled or not self._entries:
            return None
        title = self.config["nav_title"]
        if config.nav is None:
            added = {uri for uri, entry in self._entries.items() if entry.added}
            if added:
                nav.escape_folder_titles(nav_.items, added)
            prefix = self._nav_prefix()
            if prefix:
                uris = {uri for uri in self._entries if uri.startswith(prefix)}
                section = nav.find_section(nav_.items, uris)
                if section is not None:
                    section.title = title
            return nav_
        listed = nav.nav_paths(config.nav)
        # Pages already in docs_dir follow the user's nav like any other page: only the
        # pages the plugin added (which the user may not know to list) are appended.
        missing = [
            e.file for uri, e in sorted(self._entries.items()) if e.appended and posixpath.normpath(uri) not in listed
        ]
        extra = self._requirements_file
        if extra is not None and posixpath.normpath(extra.src_uri) in listed:
            extra = None
        if not missing and extra is None:
            return None
        requirements_page = None
        if extra is not None:
            requirements_page = extra.page if isinstance(extra.page, Page) else Page(None, extra, config)
        if missing:
            base = posixpath.commonpath([posixpath.dirname(f.src_uri) for f in missing])
            section = nav.folder_section(title, missing, base, config)
            if requirements_page is not None:
                section.children.append(requirements_page)
            nav_.items.append(section)
        elif requirements_page is not None:
            nav_.items.append(requirements_page)
        nav.relink(nav_)
        return nav_

    @event_priority(-100)  # last: see the Markdown other plugins and hooks produced
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Hand the page's model to the extension (which renders it)."""
        self._extension.page = None
        if not self._enabled:
            return None
        if self._entries:
            self._collector.step()
        entry = self._entries.get(page.file.src_uri)
        if entry is not None:
            title = page.meta.get("title")
            if isinstance(title, str):
                # The theme prints titles as HTML; a checklist title is text.
                page.meta["title"] = html.escape(title)
            self._extension.page = self._context(entry, markdown, page)
        elif self._requirements_file is not None and page.file is self._requirements_file:
            self._extension.page = PageContext(checklist=None)
        return None

    def on_page_content(self, html_: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        """Forget the page context (a later Markdown instance must not pick it up); keep what
        the rest of the build needs from the page's model, and let the model go."""
        self._extension.page = None
        uri = page.file.src_uri
        context = self._page_data.get(uri)
        slugs: dict[int, str] = {}
        if isinstance(context, PageContext):
            entry = self._entries.get(uri)
            if entry is not None and entry.model is not None and context.checklist is entry.model.checklist:
                slugs = context.heading_ids  # for the requirements page's links to sections
            if context.unread_blocks and uri in self._entries:
                self._unread_blocks.append((self._entries[uri].display, context.unread_blocks))
            if context.step_anchors and page.present_anchor_ids is not None:
                # Links to a step (`deploy.md#db-backup`) are valid: tell MkDocs' anchor check.
                page.present_anchor_ids.update(context.step_anchors)
            checklist = context.checklist
            linked = self._linked_requirements.pop(uri, set())
            if checklist is not None and context.enhanced:
                head, tail = markup.wrapper(
                    checklist, context.markdown, context.site_key, context.interactive, context.slugs
                )
                found = _search_entries(checklist, context.step_anchors, page.present_anchor_ids)
                self._page_data[uri] = _Deferred(context.decorations, head, tail, linked, found)
            elif linked:
                self._page_data[uri] = _Deferred(context.decorations, "", "", linked, [])  # its requirement links
            else:
                del self._page_data[uri]
        entry = self._entries.get(uri)
        if entry is not None:
            self._settle(entry, slugs)
        return None

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment | None:
        """Report the findings (every checklist is parsed by now) and stop the worker."""
        if self._enabled and self._project is not None:
            report(self._diagnostics(self._project), self.config["fail_on"], strict=bool(config.strict))
        cache = self._cache
        cache.close()
        if cache.delivered or cache.overtaken:
            log.debug(
                f"checklists parsed by the worker process: {cache.delivered}; here, ahead of it: {cache.overtaken}"
            )
        return None

    @event_priority(-100)  # after the search plugin indexed the page
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        """Expand the decorations, wrap the page, add its data (see ``PageContext.deferred``);
        fill in the requirements page's table and reference lists (the search index has
        the requirements, not thousands of links to items)."""
        if self._entries:
            # While pages are written too: the search plugin's index grows page by page, and
            # with everything older frozen, automatic full collections would walk it again
            # and again.
            self._collector.step()
        if self._requirements_page is not None and page.file is self._requirements_file and page.content:
            page.content = self._requirements_page.fill(page.content)
            return None
        deferred = self._page_data.pop(page.file.src_uri, None)
        if isinstance(deferred, _Deferred) and page.content is not None:
            content = markup.expand(page.content, deferred.decorations)
            moved = self._requirements_page.moved if self._requirements_page is not None else {}
            if moved and self._project is not None and not deferred.requirements.isdisjoint(moved):
                content = requirements.relink(content, moved, self._project.matcher)
            page.content = deferred.head + content + deferred.tail
            search = page.meta.get("search")
            if deferred.search and not (isinstance(search, dict) and search.get("exclude")):
                _add_to_search(config, page.url, deferred.search)
        return None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Tell the user about repository links that could not be linked, and about code
        blocks the site's Markdown extensions do not read as code."""
        self._collector.release()
        if self._unread_blocks:
            blocks = sum(len(lines) for _, lines in self._unread_blocks)
            path, lines = min(self._unread_blocks)
            # Info, not a warning: adding the plugin must not fail a site's --strict build.
            log.info(
                f"{blocks} code block(s) in {len(self._unread_blocks)} checklist(s) render as Markdown text, "
                f"not code (first: {path}:{lines[0]}): add pymdownx.superfences to markdown_extensions"
            )
        if self._resolver is not None and self._resolver.unlinked:
            log.info(
                f"{self._resolver.unlinked} link(s) to repository files are shown as text: set repo_url "
                "(and edit_uri) or the repo_url_pattern option to link them to the repository browser"
            )

    def on_build_error(self, *, error: Exception) -> None:
        """Stop the worker."""
        self._collector.release()
        self._cache.close()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Watch the images the first build published from outside the watched folders
        (``checklists_dir`` and ``docs_dir`` are watched already); later builds add theirs."""
        self._server = server
        for path in sorted(self._published):
            server.watch(path)
        return server

    def on_shutdown(self) -> None:
        """Stop the worker."""
        self._collector.release()
        self._cache.close()
        self._server = None

    # -- helpers --------------------------------------------------------------------

    def _diagnostics(self, project: Project) -> Iterable[Diagnostic]:
        """Every finding of ``preflight check`` for the checklists of this build.

        One engine, one list of findings: the same rules, levels, ``select``/``ignore``
        and suppression comments as the CLI, run on the models already parsed for the
        pages. PF110 is off here: the plugin rewrites such fence headers itself.
        """
        try:
            checker = self._file_checker(project)
            for _, entry in sorted(self._entries.items()):
                checker.add(entry.outcome or self._outcome(entry, checker))
            return checker.result().diagnostics
        except (ConfigError, RuleCrash) as exc:
            raise PluginError(f"preflight: {exc}") from None

    def _file_checker(self, project: Project) -> Checker:
        if self._checker is None:
            self._checker = file_checker(project)
        return self._checker

    @staticmethod
    def _outcome(entry: _Entry, checker: Checker) -> FileOutcome:
        """The findings of a checklist whose model is still there."""
        checklist = entry.checklist  # first: the worker may deliver the outcome with it
        assert entry.model is not None
        return entry.model.outcome or checker.outcome(checklist)

    def _contribution(
        self, entry: _Entry, requirements_url: str, slugs: Mapping[int, str] | None = None
    ) -> requirements.Contribution:
        """A checklist's part of the requirements page (its model must still be there;
        ``slugs``: the ``id`` of each section's heading on the rendered page)."""
        url = get_relative_url(entry.file.url, requirements_url)
        return requirements.contribution(entry.checklist, url, steps=bool(self._runs.outcomes), slugs=slugs)

    def _settle(self, entry: _Entry, slugs: Mapping[int, str] | None = None) -> None:
        """Keep the findings and the requirements page's part of a rendered checklist, and
        drop its model: on 2,000 pages the models were two thirds of the build's memory
        (``slugs``: the ``id`` of each section's heading on the page)."""
        project = self._project
        if entry.model is None or project is None:
            return
        try:
            outcome = self._outcome(entry, self._file_checker(project))
        except (ConfigError, RuleCrash):
            return  # reported by on_env, from the model
        if self._requirements_file is not None:
            entry.contribution = self._contribution(entry, self._requirements_file.url, slugs)
        entry.outcome = outcome
        entry.model = None

    def _add_checklist(self, path: Path, files: Files, config: MkDocsConfig, listed: set[str] | None) -> _Entry | None:
        project = self._project
        assert project is not None
        display = project.relative(path)
        resolved = path.resolve()
        linked = self._linked_page(path, resolved, display)
        if resolved.is_relative_to(self._docs_dir) or linked is not None:
            file = linked or files.get_file_from_path(resolved.relative_to(self._docs_dir).as_posix())
            if file is None or not self._built(file):
                return None
            if linked is not None:
                # Edit the checklist where it lives: the repository browser cannot open
                # a file through a linked folder (docs/checklists/deploy.md).
                file.edit_uri = site_files.edit_uri(resolved, self._docs_dir)
            added = appended = False
        else:
            if resolved.exists() and not resolved.is_file():
                # A committed link to a pipe or a device (`x.md -> /dev/zero`): MkDocs would
                # read it forever. `preflight check` reports it (PF403).
                log.warning(f"{display}: not added: not a regular file")
                return None
            # The path as listed, not resolved: `checklists/shared/x.md` (a linked folder)
            # is the page `checklists/shared/x`, not one named after the link's target.
            src_uri = site_files.site_uri(path, self._base, display)
            file = File(
                src_uri,
                src_dir=str(self._base),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
            # exclude_docs, draft_docs and not_in_nav apply as to the site's own pages.
            set_exclusions([file], config)
            if not self._built(file):
                return None
            appended = False
            if listed is not None and posixpath.normpath(src_uri) not in listed and file.inclusion.is_in_nav():  # type: ignore[no-untyped-call]
                file.inclusion = InclusionLevel.NOT_IN_NAV  # the plugin puts it in the nav itself
                appended = True
            # The same URL, not only the same source: `checklists/deploy/index.md` or
            # `checklists.md` in docs_dir is the page `checklists/deploy.md` or
            # `checklists/index.md` would overwrite.
            existing = self._existing_page(file)
            if existing is not None:
                log.info(f"{display}: not added, the site already has a page {existing.src_uri}")
                return None
            file.abs_src_path = str(resolved)
            file.edit_uri = site_files.edit_uri(resolved, self._docs_dir)
            self._append(files, file)
            added = True
        model = self._cache.load(path, display)
        if model.source is not None and model.source.diagnostics:
            # Not UTF-8: MkDocs would stop reading the page; render what the engine decoded.
            file.content_string = model.source.text
        return _Entry(display, model, file, added, appended)

    def _publish_image(self, repo_path: str, files: Files, config: MkDocsConfig) -> str | None:
        """Add the image at ``repo_path`` to the site (pages are rendered before MkDocs copies
        the static files); its ``src_uri``. Beside the checklists it keeps its place
        (``checklists/img/x.png``), elsewhere it goes below the plugin's assets."""
        project = self._project
        assert project is not None
        path = (project.root / repo_path).resolve()
        if not path.is_file() or not path.is_relative_to(project.root.resolve()):
            return None  # a link out of the repository publishes nothing
        if path.is_relative_to(self._base):
            src_uri = site_files.site_uri(path, self._base, repo_path)
        else:
            src_uri = f"{ASSET_DIR}/files/{repo_path}"
            if str(path) not in self._published:
                # Outside every watched folder: `mkdocs serve` must watch it to show a change.
                self._published.add(str(path))
                if self._server is not None:
                    self._server.watch(str(path))
        if files.get_file_from_path(src_uri) is None:
            file = File(src_uri, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
            file.abs_src_path = str(path)
            files.append(file)
        return src_uri

    def _built(self, file: File) -> bool:
        """Whether this build renders the page: drafts (``draft_docs``) only in ``mkdocs serve``."""
        if self._command == "serve":
            return bool(file.inclusion.is_in_serve())  # type: ignore[no-untyped-call]
        return bool(file.inclusion.is_included())  # type: ignore[no-untyped-call]

    def _linked_page(self, path: Path, resolved: Path, display: str) -> File | None:
        """The site's own page that is this checklist, through a link from ``docs_dir``
        (``docs/checklists -> ../checklists``): it is enhanced in place."""
        if resolved.is_relative_to(self._docs_dir):
            return None
        uri = site_files.site_uri(path, self._base, display)
        file = self._pages_by_dest.get(File(uri, "", "", self._use_directory_urls).dest_uri)
        if file is None or file.abs_src_path is None or not file.is_documentation_page():
            return None
        try:
            return file if os.path.samefile(file.abs_src_path, resolved) else None
        except OSError:
            return None

    def _existing_page(self, file: File) -> File | None:
        """The file of the site that ``file`` would overwrite (same source or same URL)."""
        return self._pages_by_dest.get(file.dest_uri)

    def _append(self, files: Files, file: File) -> None:
        files.append(file)
        self._pages_by_dest[file.dest_uri] = file

    def _add_assets(self, files: Files, config: MkDocsConfig) -> None:
        folder = importlib.resources.files("mkdocs_preflight.site") / "assets"
        for name in ASSETS:
            uri = f"{ASSET_DIR}/{name}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=(folder / name).read_bytes()))
            extra = config.extra_css if name.endswith(".css") else config.extra_javascript
            # A script the site lists itself may be a mapping (`path:` with `defer:`).
            if uri not in (str(entry) for entry in extra):
                extra.append(uri)

    def _add_requirements_page(self, files: Files, config: MkDocsConfig, listed: set[str] | None) -> None:
        value = self.config["requirements_page"]
        if not value:
            return
        uri = site_files.page_uri(value)
        hidden = listed is not None and posixpath.normpath(uri) not in listed
        inclusion = InclusionLevel.NOT_IN_NAV if hidden else InclusionLevel.UNDEFINED
        page = site_files.LatePage.generated(config, uri, content="", inclusion=inclusion)
        assert isinstance(page, site_files.LatePage)
        existing = self._existing_page(page)
        if existing is not None:
            log.info(
                f"requirements page not generated: the site already has a page {existing.src_uri} "
                "(set requirements_page)"
            )
            return
        page.produce = lambda: self._render_requirements(uri, page.url)
        self._requirements_file = page
        self._append(files, page)

    def _render_requirements(self, uri: str, url: str) -> str:
        """The requirements page's Markdown (needs every checklist's part: runs when MkDocs reads the page)."""
        project = self._project
        assert project is not None
        contributions = [e.contribution or self._contribution(e, url) for _, e in sorted(self._entries.items())]

        def run_status(requirement_id: str) -> str | None:
            """The latest run outcome among the steps tied to a requirement (``run_logs``)."""
            if not self._runs.outcomes:
                return None
            tied = [step for c in contributions for step in c.steps.get(requirement_id, ())]
            return self._runs.latest_status(tied)

        defined, undefined = requirements.collect(contributions, project.registry, run_status)
        anchors = {(c.path, line): anchor for c in contributions for line, anchor in c.definition_anchors.items()}

        def definition_href(definition: RequirementDef) -> str | None:
            href = self._definition_href(definition, uri)
            anchor = anchors.get((definition.path, definition.line))
            return f"{href}#{anchor}" if href is not None and anchor and "#" not in href else href

        self._requirements_page = requirements.render(
            defined, undefined, title="Requirements", definition_href=definition_href
        )
        return self._requirements_page.markdown

    def _add_run_pages(self, files: Files, config: MkDocsConfig) -> None:
        """With ``run_logs``: read the logs once; add the Runs page and one page per run."""
        project = self._project
        value = self.config["run_logs"]
        if not value or project is None:
            self._runs = runs.RunData()
            return
        root = f"{project.root}{os.sep}"
        level = counted(log_level(Level.WARNING, self.config["fail_on"]), bool(config.strict))

        def warn(message: str) -> None:
            # A damaged log (a torn line after a crash) is a warning-level finding: only
            # `fail_on: warning` makes it fail a strict build.
            log.log(level, message.removeprefix(root))

        self._runs = runs.load(project.settings.path(value), warn=warn)
        page = File.generated(config, "runs.md", content="")
        existing = self._existing_page(page)
        if existing is not None:
            log.info(f"Runs page not generated: the site already has a page {existing.src_uri}")
            return

        def taken(uri: str) -> bool:
            return self._existing_page(File.generated(config, uri, content="")) is not None

        uris = runs.run_uris("runs/", self._runs.runs, taken)
        pages = {id(run): uri for run, uri in zip(self._runs.runs, uris, strict=True)}
        page.content_string = runs.runs_page(self._runs.runs, lambda r: pages[id(r)])
        self._append(files, page)
        for run, uri in zip(self._runs.runs, uris, strict=True):
            self._append(
                files, File.generated(config, uri, content=runs.run_page(run), inclusion=InclusionLevel.NOT_IN_NAV)
            )

    def _definition_href(self, definition: RequirementDef, page_uri: str) -> str | None:
        if self._uri_by_display is None:
            self._uri_by_display = {}
            for entry_uri, entry in self._entries.items():
                self._uri_by_display.setdefault(entry.display, entry_uri)
        page = self._uri_by_display.get(definition.path)
        if page is not None:
            return site_files.relative_uri(page, page_uri)
        if self._resolver is not None:
            url = self._resolver.browser.url(definition.path)
            if url is not None:
                return url + _line_fragment(url, definition.line)
        return None

    def _nav_prefix(self) -> str:
        """The folder of the site that holds the checklists (``""``: the whole docs_dir)."""
        if any(entry.added for entry in self._entries.values()):
            return site_files.SITE_PREFIX + "/"
        if "nav_title" not in self._given:
            return ""  # the user's own folder keeps its title unless they chose another
        if self._base.is_relative_to(self._docs_dir) and self._base != self._docs_dir:
            return self._base.relative_to(self._docs_dir).as_posix() + "/"
        return ""

    def _context(self, entry: _Entry, markdown: str, page: Page) -> PageContext:
        project = self._project
        assert project is not None
        checklist = entry.checklist
        assert entry.model is not None
        source = entry.model.source
        text = source.text if source is not None else markdown
        if text.endswith(markdown):
            offset = text[: len(text) - len(markdown)].count("\n")
            copy = as_written(source) if source is not None else text
        else:
            # Another plugin changed the Markdown: render (and offer) what it produced.
            log.debug(f"{entry.display}: Markdown changed by another plugin; parsing the rendered text")
            checklist = parse_text(markdown, entry.display, project.matcher)
            text, offset, copy = markdown, 0, markdown
        copy = _without_secrets(copy, checklist)
        uri = page.file.src_uri
        context = PageContext(
            checklist=checklist,
            source=text,
            line_offset=offset,
            markdown=copy,
            prepared=entry.model.prepared,  # used only if the page's lines are what it was made from
            site_key=self._site_key,
            interactive=bool(self.config["interactive"]),
            matcher=project.matcher,
            requirement_href=self._requirement_href(page, checklist, self._linked_requirements.setdefault(uri, set())),
            resolve_link=self._link_hook(entry, uri),
            item_outcome=self._item_outcome(checklist),
            deferred=True,
        )
        self._page_data[uri] = context
        return context

    def _item_outcome(self, checklist: Checklist) -> OutcomeHook | None:
        """The badge of each item from the run logs; ``None`` (no lookups) when there are none."""
        runs = self._runs
        if not runs.outcomes:
            return None
        return lambda item_id: runs.badge(checklist.global_id(item_id))

    def _requirement_href(self, page: Page, checklist: Checklist, linked: set[str]) -> RequirementHook | None:
        """Links from ``page`` to the requirements page, for the requirements it lists: the
        registry's, and those this checklist defines or references (the engine saw them).
        Each is a URL relative to the page's: the links are decorations, which MkDocs does
        not see. The IDs linked go to ``linked``: an ID that shares its anchor with another
        is given its own only when the requirements page is made, after this page (see
        ``on_page_context``)."""
        project = self._project
        target = self._requirements_file
        if target is None or project is None:
            return None
        if self._registry_ids is None:
            self._registry_ids = frozenset(d.id for d in project.registry)
        registry = self._registry_ids  # once per build: the registry grows with the site
        known = {d.id for d in checklist.requirement_defs} | {ref.id for ref in checklist.requirement_refs}
        relative = get_relative_url(target.url, page.url)

        def href(requirement_id: str) -> str | None:
            if requirement_id not in known and requirement_id not in registry:
                return None
            linked.add(requirement_id)
            return f"{relative}#{markup.requirement_anchor(requirement_id)}"

        return href

    def _link_hook(self, entry: _Entry, page_uri: str) -> LinkHook | None:
        resolver = self._resolver
        if resolver is None:
            return None

        def resolve(href: str, image: bool) -> Resolved | None:
            return resolver.resolve(href, checklist_path=entry.display, page_uri=page_uri, image=image)

        return resolve


def _line_fragment(url: str, line: int) -> str:
    """The fragment that opens a file's web view at ``line``: ``#L12`` on GitHub, GitLab
    (``/-/blob/``), Gitea and Forgejo (``/src/branch/``), ``#lines-12`` on Bitbucket;
    nothing for a host it does not know."""
    if "bitbucket" in url and "/src/" in url:
        return f"#lines-{line}"
    if "github" in url or "/-/blob/" in url or "/src/branch/" in url or "/src/commit/" in url:
        return f"#L{line}"
    return ""


def _search_entries(
    checklist: Checklist, step_anchors: Iterable[str], present: set[str] | None
) -> list[tuple[str, str]]:
    """``(id, text)`` of the IDs the search index gets entries for: pinned item IDs
    (``{ #db-snapshot }``) and the explicit IDs of steps (``id=drain-nodes``) that hold a
    word their item's text and sections do not, names a person gave, which operators type
    (``preflight run --only drain-nodes``). Any other ID is the item's own words, which the
    index has already: an entry for each automatic ID, or for each one ``preflight ids
    --write`` pinned, would double a large site's index."""
    sections = checklist.sections

    def context_words(item: Item | None, *extra: str, section: int | None = None) -> set[str]:
        texts = [item.text if item is not None else "", *extra]
        index = item.section if item is not None else section
        while index is not None:  # the section titles qualify colliding automatic IDs
            texts.append(sections[index].title)
            index = sections[index].parent
        return _words(" ".join(texts))

    found = [
        (item.id, item.text)
        for item in checklist.items
        if item.explicit_id and not _words(item.id) <= context_words(item)
    ]
    steps = set(step_anchors)
    if steps:
        items = {item.id: item for item in checklist.items}
        for block in checklist.blocks:
            if block.explicit_id and block.id in steps:
                owner = items.get(block.item or "")
                # A step's automatic ID is its owner's ID and language (`db-snapshot-bash`).
                extra = (block.lang, owner.id if owner is not None else "")
                if not _words(block.id) <= context_words(owner, *extra, section=block.section):
                    found.append((block.id, owner.text if owner is not None else ""))
        if present is not None:
            present = present | steps  # a step's anchor is in stashed HTML: MkDocs does not see it
    return [(anchor, text) for anchor, text in found if present is None or anchor in present]


def _words(text: str) -> set[str]:
    """The words of ``text`` as an ID spells them (``Vérifier la base`` → verifier, la,
    base), without numbers (``-2`` only tells colliding IDs apart)."""
    return {word for word in id_words(text) if not word.isdigit()}


def _add_to_search(config: MkDocsConfig, url: str, entries: list[tuple[str, str]]) -> None:
    """Give each ``(id, text)`` of the page at ``url`` an entry in the search plugin's index,
    found by its ID (the title, which the theme ranks first) and linked to its anchor:
    the index otherwise has a page's sections only, by heading. For MkDocs' ``search``
    and Material's (``entries`` or ``_entries``: both a list of dicts of escaped text)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        docs = getattr(index, "entries", None)
        if not isinstance(docs, list):
            docs = getattr(index, "_entries", None)
        if isinstance(docs, list):
            docs.extend(
                {
                    "location": f"{url}#{anchor}",
                    "title": html.escape(anchor, quote=False),
                    "text": html.escape(text, quote=False),
                }
                for anchor, text in entries
            )


def _without_secrets(markdown: str, checklist: Checklist) -> str:
    """The checklist source for the page data (and *Copy progress as Markdown*) with the
    values of secret-named ``run.env`` variables masked, as ``preflight run`` masks them
    in its logs: the page never shows its front matter, and its HTML must not publish
    them either. Masked line by line, so every item keeps its line number; a value YAML
    folded from several lines (``>``) is masked word by word, as the source holds it."""
    secrets = [value for name, value in checklist.run.env.items() if is_secret_name(name)]
    unread = checklist.front_matter_lines if not checklist.front_matter else 0
    if not secrets and not unread:
        return markdown
    redactor = Redactor()
    for value in secrets:
        for part in (value, *value.split()):
            redactor.add_value(part)
    # Lines and their ends, as the engine counts lines (a lone CR ends one too).
    parts = _LINE_END.split(markdown)
    parts[::2] = [redactor.redact(line) for line in parts[::2]]
    # Front matter the engine could not read as YAML: its run.env is unknown, so mask
    # the value of every secret-named key, line by line.
    for index in range(0, min(2 * unread, len(parts)), 2):
        pair = _KEY_VALUE.match(parts[index])
        if pair is not None and is_secret_name(pair["key"]):
            parts[index] = pair["head"] + MASK
    return "".join(parts)


_LINE_END = re.compile(r"(\r\n|\r|\n)")


_KEY_VALUE = re.compile(r"(?P<head>[ \t]*(?:- +)?[\"']?(?P<key>[\w.-]+)[\"']?[ \t]*:[ \t]*)\S.*$")
