"""Reading a course folder into plain structures that remember the line of every value.

Pure: no Flask, no database. The loader reports what stops it reading (a missing file,
a YAML syntax error, text that is not UTF-8); the validator checks what was read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

from course_app.content.pictures import Picture, PictureError, prepare_picture
from course_app.content.recordings import prepare_audio, prepare_video, read_captions
from course_app.content.renderer import check_fences, is_local_picture, picture_refs

COURSE_FILE = "course.yml"
MODULE_FILE = "module.yml"
IMPORT_FORMAT = b"course-import-format:3\n"
PICTURES_FOLDER = "pictures"
# Front-matter fields naming a recording, and how each file is checked and read.
RECORDINGS = {"audio": prepare_audio, "video": prepare_video, "captions": read_captions}
LANGUAGE_CODE = re.compile(r"[a-z]{2}")


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a course file. Line 0 means the file or folder as a whole."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class YamlMap(dict):
    """A YAML mapping that knows its own line and the line of each of its keys."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.duplicates: list[tuple[Any, int, int]] = []  # key, first line, repeated line

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A YAML sequence that knows its own line and the line of each item."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlStr(str):
    """A YAML string with the line its text starts on."""

    line: int = 1
    # Lines inside the text match lines in the file (a `|` block, or one line).
    exact: bool = True

    def line_at(self, offset: int) -> int:
        return self.line + (offset if self.exact else 0)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that builds YamlMap/YamlList/YamlStr and refuses aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise ComposerError(
                None, None, "aliases (*name) are not supported in course files", mark
            )
        return super().compose_node(parent, index)


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = YamlMap(node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(
                None, None, "a field name must be plain text", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if key in data:
            data.duplicates.append((key, data.key_lines[key], line))
            continue
        data.key_lines[key] = line
        data[key] = loader.construct_object(value_node, deep=True)


def _construct_list(loader: _LineLoader, node: yaml.SequenceNode):
    data = YamlList(node.start_mark.line + 1)
    yield data
    for item in node.value:
        data.item_lines.append(item.start_mark.line + 1)
        data.append(loader.construct_object(item, deep=True))


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> YamlStr:
    value = YamlStr(loader.construct_scalar(node))
    block = node.style in ("|", ">")
    value.line = node.start_mark.line + (2 if block else 1)
    value.exact = node.style == "|" or "\n" not in value
    return value


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A date; a date-like value that is no real date (2026-02-30) stays text, for the
    validator to name its line, instead of stopping the reader."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return _construct_str(loader, node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def parse_yaml(text: str, file: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """YAML text (safe subset, no aliases) starting on first_line of file, with its problems."""
    padded = "\n" * (first_line - 1) + text
    loader = None
    try:
        loader = _LineLoader(padded)  # a SafeLoader: only plain data, never Python objects
        return loader.get_single_data(), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else first_line
        return None, [Problem(file, line, _yaml_message(error))]
    except yaml.YAMLError as error:
        position = getattr(error, "position", 0) or 0
        line = padded[:position].count("\n") + 1
        return None, [Problem(file, line, f"the file has a character that is not allowed: {error}")]
    except RecursionError:
        return None, [Problem(file, first_line, "the text is nested too deeply to read")]
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "the text cannot be read"
    if "\\t" in problem or "'\\t'" in problem:
        return f"YAML syntax error: {problem} (indent with spaces, not tabs)"
    if error.context and error.context_mark and error.problem_mark:
        return (
            f"YAML syntax error: {problem} ({error.context} on line {error.context_mark.line + 1})"
        )
    return f"YAML syntax error: {problem}"


def decode(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """File bytes as text with plain newlines, or a problem when they are not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = "the file is not saved as UTF-8 text; open it and save it again as UTF-8"
        return None, [Problem(file, line, message)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


@dataclass
class YamlFile:
    file: str
    data: Any = None
    readable: bool = False  # False: its problems are already reported


@dataclass
class CheckSource:
    """A ```check block in a lesson: its fence line and its parsed YAML."""

    file: str
    line: int
    data: Any
    readable: bool
    nested: bool


@dataclass
class LessonPicture:
    """A picture a lesson shows: where it is written, and the prepared file when it is in the
    course folder and usable (None for a web address, or when a problem was reported)."""

    line: int
    src: str
    alt: str
    caption: str
    picture: Picture | None = None


@dataclass
class LessonSource:
    name: str
    file: str
    front: Any = None
    front_line: int = 1
    body: str = ""
    body_line: int = 1
    checks: list[CheckSource] = field(default_factory=list)
    pictures: list[LessonPicture] = field(default_factory=list)
    # The usable audio, video and captions files the front matter names, by field name.
    media: dict[str, Any] = field(default_factory=dict)
    readable: bool = False


@dataclass
class ModuleSource:
    name: str
    meta: YamlFile
    lessons: list[LessonSource] = field(default_factory=list)
    quiz: YamlFile | None = None


@dataclass
class CourseSource:
    folder: Path
    meta: YamlFile
    modules: list[ModuleSource] = field(default_factory=list)
    glossary: YamlFile | None = None
    # Other languages of the same course: sub-folders named by language code, same layout.
    translations: dict[str, CourseSource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    content_hash: str = ""


def parse_lesson(text: str, name: str, file: str) -> tuple[LessonSource, list[Problem]]:
    """A lesson's front matter, body and ```check blocks, all with file line numbers."""
    lesson = LessonSource(name, file)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        message = "a lesson starts with a line '---', then key, title and minutes, then '---'"
        return lesson, [Problem(file, 1, message)]
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return lesson, [Problem(file, 1, "the front matter has no closing '---' line")]
    lesson.front, problems = parse_yaml("\n".join(lines[1:close]), file, first_line=2)
    lesson.front_line = 1
    lesson.body = "\n".join(lines[close + 1 :])
    lesson.body_line = close + 2
    lesson.readable = not problems
    for fence in check_fences(lesson.body):
        fence_line = lesson.body_line + fence.line
        data, check_problems = parse_yaml(fence.content, file, first_line=fence_line + 1)
        problems += check_problems
        lesson.checks.append(CheckSource(file, fence_line, data, not check_problems, fence.nested))
    return lesson, problems


def is_plain_name(name: str) -> bool:
    """A file or folder name that stays inside its folder."""
    return (
        bool(name.strip())
        and name not in (".", "..")
        and not name.startswith(".")
        and not any(ch in name for ch in "/\\\0:")
    )


def locate_course_file(root: Path, base: Path, src: str, what: str) -> tuple[Path, str | None]:
    """The file a course file names by a path relative to base, and why it cannot be used
    (outside the course folder at root, missing), or None when it can."""
    name = unquote(urlsplit(src).path)
    plain = bool(name) and "\\" not in name and "\0" not in name and not urlsplit(src).scheme
    path = (base / name).resolve() if plain else root
    if not plain or not path.is_relative_to(root) or path == root:
        return path, f"the {what} '{src}' must be a file inside the course folder"
    if not path.is_file():
        return path, f"there is no {what} file '{src}' (looked for {path.relative_to(root)})"
    return path, None


class _Reader:
    """Reads one course folder, collecting problems instead of stopping at the first."""

    def __init__(self, folder: Path, root: Path, language: str | None = None) -> None:
        self.folder = folder
        self.root = root  # pictures may be anywhere in the course folder, translations' too
        self.language = language
        self.problems: list[Problem] = []
        self.prepared: dict[tuple[Path, str], Any] = {}

    def text(self, path: Path) -> str | None:
        text, problems = decode(path.read_bytes(), str(path))
        self.problems += problems
        return text

    def yaml(self, path: Path) -> YamlFile:
        loaded = YamlFile(str(path))
        text = self.text(path)
        if text is None:
            return loaded
        loaded.data, problems = parse_yaml(text, loaded.file)
        self.problems += problems
        loaded.readable = not problems
        return loaded

    def lesson(self, path: Path) -> LessonSource:
        text = self.text(path)
        if text is None:
            return LessonSource(path.name, str(path))
        lesson, problems = parse_lesson(text, path.name, str(path))
        self.problems += problems
        for ref in picture_refs(lesson.body):
            used = LessonPicture(lesson.body_line + ref.line, ref.src, ref.alt, ref.caption)
            if is_local_picture(ref.src):
                used.picture = self.picture(lesson.file, used.line, path.parent, ref.src)
            lesson.pictures.append(used)
        if lesson.readable and isinstance(lesson.front, YamlMap):
            for kind, prepare in RECORDINGS.items():
                src = lesson.front.get(kind)
                if isinstance(src, str) and src.strip():
                    line = lesson.front.line_of(kind)
                    found = self.course_file(lesson.file, line, path.parent, src, kind, prepare)
                    if found is not None:
                        lesson.media[kind] = found
        return lesson

    def picture(self, file: str, line: int, base: Path, src: str) -> Picture | None:
        """The prepared picture a lesson names, or None after reporting why it cannot be used."""
        return self.course_file(file, line, base, src, "picture", prepare_picture)

    def course_file(
        self, file: str, line: int, base: Path, src: str, what: str, prepare: Callable
    ) -> Any:
        """A file of the course folder a lesson names, prepared; None after reporting why it
        cannot be used (outside the folder, missing, not what its name says)."""
        root = self.root.resolve()
        path, message = locate_course_file(root, base, src, what)
        if message is None:
            message = self._translated_twin(src, path, root)
        if message is None:
            if (path, what) not in self.prepared:
                try:
                    self.prepared[path, what] = prepare(path)
                except PictureError as error:
                    self.prepared[path, what] = error
            found = self.prepared[path, what]
            if not isinstance(found, PictureError):
                return found
            message = f"the {what} '{src}' cannot be used: {found}"
        self.problems.append(Problem(file, line, message))
        return None

    def _translated_twin(self, src: str, path: Path, root: Path) -> str | None:
        """A translated lesson showing the main language's picture when its own exists."""
        if self.language is None or path.parent != root / PICTURES_FOLDER:
            return None
        twin = root / PICTURES_FOLDER / self.language / path.name
        if not twin.is_file():
            return None
        return (
            f"the picture '{src}' has a version in this lesson's language: use "
            f"'{src.replace(path.name, f'{self.language}/{path.name}')}'"
        )

    def refs(self, where: YamlFile, data: Any, name: str) -> list[tuple[str, int]]:
        """The file names listed under `name`, each once; odd shapes are left to the validator."""
        if not isinstance(data, YamlMap):
            return []
        value = data.get(name)
        if isinstance(value, YamlStr) and name in ("quiz", "glossary"):
            entries = [(value, value.line)]
        elif isinstance(value, YamlList):
            entries = []
            for index, item in enumerate(value):
                if isinstance(item, YamlMap) and name == "modules":
                    item = item.get("folder")
                if isinstance(item, str):
                    entries.append((item, value.line_of(index)))
        else:
            return []
        seen: dict[str, int] = {}
        result = []
        for entry, line in entries:
            if entry in seen:
                message = f"'{entry}' is listed twice (first on line {seen[entry]})"
                self.problems.append(Problem(where.file, line, message))
                continue
            seen[entry] = line
            result.append((str(entry), line))
        return result

    def find(self, where: YamlFile, line: int, base: Path, name: str, kind: str) -> Path | None:
        path = base / name
        try:
            inside = is_plain_name(name) and path.resolve().is_relative_to(self.folder.resolve())
        except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError before 3.13)
            inside = None
        if inside is None:
            message = f"'{name}' is a link that leads back to itself; put the {kind} there"
        elif not inside:
            message = f"'{name}' must be the name of a {kind} inside the folder {base.name}"
        elif kind == "folder" and not path.is_dir():
            message = f"there is no folder '{name}' in {base.name}"
        elif kind == "folder" and not (path / MODULE_FILE).is_file():
            message = f"the folder '{name}' has no {MODULE_FILE} file"
        elif kind == "file" and not path.is_file():
            message = f"there is no file '{name}' in the folder {base.name}"
        else:
            return path
        self.problems.append(Problem(where.file, line, message))
        return None


def load_course(folder: Path, *, translation: bool = False) -> CourseSource:
    """Everything in one course folder that course.yml leads to, and every reading problem.

    A translation's tree is read the same way; only the main course.yml may list translations.
    """
    language = folder.name if translation else None
    reader = _Reader(folder, folder.parent if translation else folder, language)
    course = CourseSource(folder, reader.yaml(folder / COURSE_FILE))
    for name, line in reader.refs(course.meta, course.meta.data, "glossary"):
        path = reader.find(course.meta, line, folder, name, "file")
        if path is not None:
            course.glossary = reader.yaml(path)
    for name, line in reader.refs(course.meta, course.meta.data, "modules"):
        module_dir = reader.find(course.meta, line, folder, name, "folder")
        if module_dir is None:
            continue
        module = ModuleSource(name, reader.yaml(module_dir / MODULE_FILE))
        for lesson_name, lesson_line in reader.refs(module.meta, module.meta.data, "lessons"):
            path = reader.find(module.meta, lesson_line, module_dir, lesson_name, "file")
            if path is not None:
                module.lessons.append(reader.lesson(path))
        for quiz_name, quiz_line in reader.refs(module.meta, module.meta.data, "quiz"):
            path = reader.find(module.meta, quiz_line, module_dir, quiz_name, "file")
            if path is not None:
                module.quiz = reader.yaml(path)
        course.modules.append(module)
    if not translation:
        for code, line in reader.refs(course.meta, course.meta.data, "translations"):
            if not LANGUAGE_CODE.fullmatch(code):
                continue  # the validator names the bad code
            if not (folder / code / COURSE_FILE).is_file():
                message = f"the translation '{code}' needs a folder '{code}' with a {COURSE_FILE}"
                reader.problems.append(Problem(course.meta.file, line, message))
                continue
            course.translations[code] = load_course(folder / code, translation=True)
        course.content_hash = content_hash(folder)
    course.problems = reader.problems
    return course


def _is_hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def content_hash(folder: Path) -> str:
    """sha256 over every file of the course (name and bytes), in a stable order.

    The import format's version is part of it, so a release that stores more of the files
    re-imports every course once.
    """
    digest = hashlib.sha256(IMPORT_FORMAT)
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file() and not _is_hidden(p, folder)),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    for path in files:
        data = path.read_bytes()
        name = path.relative_to(folder).as_posix().encode()
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def find_course_folders(path: Path) -> tuple[list[Path], list[Problem]]:
    """PATH itself when it holds a course.yml, else each sub-folder that does."""
    if not path.is_dir():
        return [], [Problem(str(path), 0, "this is not a folder")]
    if (path / COURSE_FILE).is_file():
        return [path], []
    folders, problems = [], []
    for child in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if (child / COURSE_FILE).is_file():
            folders.append(child)
        elif (child / "course.yaml").is_file():
            problems.append(
                Problem(str(child / "course.yaml"), 0, f"rename this file to {COURSE_FILE}")
            )
    if not folders and not problems:
        problems.append(Problem(str(path), 0, f"no course folders here (none has a {COURSE_FILE})"))
    return folders, problems
