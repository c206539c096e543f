"""YAML files read with their line numbers, and pydantic errors told in Spanish.

The YAML is parsed with ruamel.yaml's round-trip loader, which remembers where each key and item
sits, so a validation error on `objetivos[2].indicadores[1]` can name line 41 of plan.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import CollectionNode, MappingNode

from pipeline.core.characters import refusal, shown
from pipeline.errors import InputError, Problem, did_you_mean
from pipeline.core.formatting import number
from pipeline.ingest.source import limit_hint, read_source
from pipeline.ingest.limits import Limits, limits

__all__ = ["Document", "YamlDocument", "read_yaml", "validate"]

Loc = Sequence[str | int]
M = TypeVar("M", bound=BaseModel)


class Document(Protocol):
    """A parsed input file that pydantic validates: its plain data (what a YAML file gives) and
    where each part of it is in the file, so one set of rules and messages serves plan.yaml
    (a line) and plan.xlsx (a sheet, row and column)."""

    path: Path
    data: Any
    workbook: bool  # plan.xlsx: hints name its sheets and columns instead of plan.yaml's fields

    def field_name(self, loc: Loc) -> str:
        """How messages name the field at `loc`."""
        ...

    def place(self, loc: Loc) -> dict[str, Any]:
        """Where `loc` is, as the fields of a `Problem` (row, row_label, column, column_letter, sheet)."""
        ...

    def order(self, problems: list[Problem]) -> list[Problem]:
        """The problems in the order the file shows them."""
        ...


class YamlDocument:
    """A parsed YAML file: its plain data and where each part of it is."""

    workbook = False

    def __init__(self, path: Path, root: Any):
        self.path = path
        self._root = root
        self.data = _plain(root)
        # Texts with a character no output can hold, each at its line; `validate` reports them.
        self.refused: tuple[Problem, ...] = tuple(_refused_texts(root, (), self.data))

    def with_data(self, data: Any) -> YamlDocument:
        """The same file and positions, carrying `data` (e.g. merged with defaults)."""
        doc = YamlDocument(self.path, self._root)
        doc.data = data
        return doc

    def field_name(self, loc: Loc) -> str:
        """`objetivos[2] (id 3).texto`: the field at `loc` as messages name it (1-based, with ids)."""
        return _field(loc, self.data)

    def place(self, loc: Loc) -> dict[str, Any]:
        """The line of `loc`, as the fields of a `Problem`."""
        return {"row": self.line_of(loc), "row_label": "línea"}

    def order(self, problems: list[Problem]) -> list[Problem]:
        """By line."""
        return sorted(problems, key=lambda p: p.row or 0)

    def line_of(self, loc: Loc) -> int | None:
        """1-based line of the deepest node of `loc` found in the file."""
        node = self._root
        line = None
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
        if line is None and isinstance(self._root, CommentedMap):
            line = self._root.lc.line + 1
        return line


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)  # drop ruamel's scalar string subclasses
    return node


class _TooLarge(Exception):
    """A YAML document past one of the `Limits`: what was found, the limit, and its field."""

    def __init__(self, found: str, expected: str, limit: str):
        super().__init__(found)
        self.found, self.expected, self.limit = found, expected, limit


class _BoundedComposer(Composer):
    """ruamel's composer, counting alias uses and the values the document holds once every alias
    is expanded, so that a «billion laughs» is refused before anything is built from it."""

    bounds: Limits = Limits()

    def return_alias(self, a: Any) -> Any:
        self.aliases = getattr(self, "aliases", 0) + 1
        if self.aliases > self.bounds.yaml_aliases:
            raise _TooLarge(
                f"más de {number(self.bounds.yaml_aliases)} usos de alias («*nombre»)",
                f"a lo sumo {number(self.bounds.yaml_aliases)}",
                "yaml_aliases",
            )
        return a

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _expanded_size(node, self.bounds.yaml_nodes)
        return node


def _expanded_size(root: Any, most: int) -> int:
    """How many values `root` holds with its aliases expanded; past `most` raises `_TooLarge`.

    Composed YAML shares an anchored node wherever it is aliased, so the graph is small even
    when its expansion is not: each node's size is computed once, without recursion.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            size = 1 + sum(sizes[id(c)] for c in children)
            if size > most:
                raise _TooLarge(
                    f"un documento que, con sus alias expandidos, tiene más de {number(most)} valores",
                    f"a lo sumo {number(most)} valores",
                    "yaml_nodes",
                )
            sizes[id(node)] = size
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: Any) -> list[Any]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, CollectionNode):
        return list(node.value)
    return []


def _loader(bounds: Limits) -> YAML:
    yaml = YAML(typ="rt")
    yaml.max_depth = bounds.yaml_depth
    yaml.Composer = type("Composer", (_BoundedComposer,), {"bounds": bounds})
    return yaml


def read_yaml(path: Path, *, what: str) -> YamlDocument:
    """Parse `path`; a missing, unreadable, malformed or too large file raises `InputError`.

    The file is read once (see `pipeline.ingest.source`); a file past the size limit is not parsed, and one whose aliases or nesting pass the limits is not built (see `Limits`).
    """
    if not path.is_file():
        raise InputError.single(
            path,
            "que el archivo no existe",
            f"{what} en esa ruta",
            hint="Revise la carpeta indicada con --input.",
        )
    bounds = limits()
    data, _ = read_source(
        path, bounds.yaml_bytes, "yaml_bytes",
        "Un plan o una configuración ocupan unos pocos kilobytes: revise que sea el archivo correcto.",
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            path,
            f"un byte que no es UTF-8 (posición {exc.start})",
            "un archivo de texto en UTF-8",
            hint="Guárdelo con codificación UTF-8.",
        ) from exc
    try:
        root = _loader(bounds).load(text)
    except _TooLarge as exc:
        raise InputError.single(
            path,
            exc.found,
            exc.expected,
            hint="Escriba los valores en lugar de repetirlos con alias (&nombre, *nombre). " + limit_hint(exc.limit),
        ) from None
    except MaxDepthExceededError as exc:
        mark = exc.problem_mark
        raise InputError.single(
            path,
            f"un anidamiento de listas o campos de más de {bounds.yaml_depth} niveles",
            f"a lo sumo {bounds.yaml_depth} niveles",
            row=mark.line + 1 if mark else None,
            row_label="línea",
            hint="Revise los corchetes y la sangría. " + limit_hint("yaml_depth"),
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "YAML inválido"
        tab = "\t" in problem or "'\\t'" in problem
        found = "una tabulación donde va la sangría" if tab else f"un error de sintaxis YAML («{problem}»)"
        hint = None
        if mark:
            hint = (
                f"Revise la línea {mark.line + 1}, columna {mark.column + 1}: "
                + ("en YAML la sangría se hace con espacios, no con tabulaciones; reemplácelas por espacios."
                   if tab else "sangría, dos puntos y comillas (un texto con «:» o «#» va entre comillas).")
            )
        raise InputError.single(path, found, "YAML válido", row=mark.line + 1 if mark else None, row_label="línea", hint=hint) from exc
    except YAMLError as exc:
        raise InputError.single(path, f"un error de YAML ({exc})", "YAML válido") from exc
    if not isinstance(root, CommentedMap):
        raise InputError.single(
            path,
            "un archivo vacío" if root is None else "un documento que no es un conjunto de campos",
            f"{what}: campos de la forma «nombre: valor»",
        )
    return YamlDocument(path, root)


def _refused_texts(node: Any, loc: tuple, data: Any) -> Iterator[Problem]:
    """A problem for each key or text of the document with a character no output can hold
    (`characters.refused`: written with an escape such as "\\v", "\\x00" or "\\uFFFE"), at its line."""
    items: list[tuple[Any, Any, int | None]] = []
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            line = node.lc.key(key)[0] + 1
            if isinstance(key, str) and refusal(key):
                found, hint = refusal(key)
                yield Problem(f"el nombre de campo {found}", "un texto sin caracteres de control ni no-caracteres",
                              row=line, row_label="línea", hint=hint)
            items.append((key, value, line))
    elif isinstance(node, CommentedSeq):
        items = [(k, value, node.lc.item(k)[0] + 1) for k, value in enumerate(node)]
    for key, value, line in items:
        if isinstance(value, (CommentedMap, CommentedSeq)):
            yield from _refused_texts(value, (*loc, key), data)
        elif isinstance(value, str) and refusal(value):
            found, hint = refusal(value)
            yield Problem(found, f"un texto sin caracteres de control ni no-caracteres en «{_field((*loc, key), data)}»",
                          row=line, row_label="línea", hint=hint)


def _show(value: Any) -> str:
    """A found value between «»: a text as typed, a mapping or list as YAML on one line, cut short."""
    text = shown(_yamlish(value))  # a line break or control character written as an escape
    if len(text) > 60:
        text = text[:57] + "..."
    return f"«{text}»"


def _yamlish(value: Any, nested: bool = False) -> str:
    """`bandas: [{color: rojo, desde: 0}]` for {"bandas": [{"color": "rojo", "desde": 0}]}: a
    mapping or list as YAML's flow style writes it (the top mapping without braces), not Python's
    repr; `sí`/`no` for booleans."""
    if isinstance(value, dict):
        if not value:
            return "{} (vacío)"
        text = ", ".join(f"{_yamlish(k, True)}: {_yamlish(v, True)}" for k, v in value.items())
        return f"{{{text}}}" if nested else text
    if isinstance(value, (list, tuple)):
        return f"[{', '.join(_yamlish(v, True) for v in value)}]" if value else "[] (lista vacía)"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if value is None:
        return "(vacío)"
    return str(value)


def _count(n: object, noun: str) -> str:
    """`1 elemento`, `4 elementos`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _field(loc: Loc, data: Any) -> str:
    """`objetivos[2] (id 3).indicadores` for ("objetivos", 1, "indicadores"): 1-based, with ids."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(node, dict) and "id" in node and loc[-1] != part:
                out += f" (id {shown(str(node['id']))})"
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(raíz)"


def _fields_at(model: type[BaseModel] | None, loc: Loc) -> list[str]:
    """The field names of the model that holds `loc`'s last part (for an unknown field's suggestion)."""
    current = model
    for part in loc[:-1]:
        if current is None:
            return []
        if isinstance(part, int):
            continue  # an item of a list
        field = current.model_fields.get(str(part))
        current = _model_in(field.annotation) if field is not None else None
    return list(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (`list[ObjetivoIn] | None` -> ObjetivoIn), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# What holds a required field, named as the office says it: «un campo que todo indicador debe tener».
_HOLDERS = {"indicadores": "todo indicador", "objetivos": "todo objetivo", "ejes": "todo eje",
            "sectores": "todo sector", "bandas": "toda banda del semáforo", "entidades": "toda entidad"}


def _required(loc: Loc) -> str:
    """What a missing field's message expects: the field and who must have it, not the path again."""
    field = str(loc[-1]) if loc else "?"
    lists = [str(part) for part in loc[:-1] if isinstance(part, str)]
    parent = loc[-2] if len(loc) > 1 else None  # an item of a list: `indicadores[6]`
    holder = _HOLDERS.get(lists[-1]) if lists and isinstance(parent, int) else None
    if holder:
        return f"«{field}», un campo que {holder} debe tener: escríbalo con su valor"
    where = f" en «{'.'.join(lists)}»" if lists else ""
    return f"«{field}», un campo obligatorio{where}: escríbalo con su valor"


def _problem(error: dict[str, Any], doc: Document, model: type[BaseModel] | None = None) -> Problem:
    """One pydantic error as a Spanish problem, placed where the document says (a YAML line)."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(("function-", "tag-"))))
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = doc.field_name(loc)
    found = _show(value)
    hint = None
    if kind == "missing":
        found, expected = f"que falta el campo «{name}»", _required(loc)
    elif kind == "extra_forbidden":
        found = f"el campo desconocido «{name}»"
        expected = "que cada campo sea uno de los que describe docs/oficina/entradas.md (¿un error de escritura?)"
        hint = did_you_mean(loc[-1], _fields_at(model, loc)) if loc else None
    elif kind in {"value_error", "assertion_error"} or kind.startswith("pei_"):
        expected = str(ctx.get("error", error["msg"])).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        expected = f"{expected} en «{name}»"
    elif kind in {"too_short", "too_long"}:  # the field is named in what was found
        found, expected = f"{_count(ctx.get('actual_length', '?'), 'elemento')} en «{name}»", _expected(kind, ctx)
    else:
        expected = f"{_expected(kind, ctx)} en «{name}»"
        if kind == "string_too_long":
            found = f"un texto de {len(str(value))} caracteres"
    return Problem(found=found, expected=expected, hint=hint, **doc.place(loc))


def _expected(kind: str, ctx: dict[str, Any]) -> str:
    """What a value of pydantic's error `kind` should have been, in the office's words.

    Every error type the input models can raise has its sentence; one this table does not know
    says what is expected in general, never pydantic's English (`msg`)."""
    if kind in {"bool_parsing", "bool_type"}:
        return "sí o no (si, no, true, false)"
    if kind in {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}:
        return "un número entero"
    if kind in {"float_parsing", "float_type", "finite_number", "decimal_parsing", "decimal_type"}:
        return "un número"
    if kind in {"string_type", "string_too_short", "string_sub_type", "string_unicode"}:
        return "un texto no vacío"
    if kind == "string_pattern_mismatch":
        return _pattern(str(ctx.get("pattern", "")))
    if kind == "string_too_long":
        return f"un texto de como máximo {ctx.get('max_length')} caracteres"
    if kind in {"list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type"}:
        return "una lista (un elemento por línea, cada uno con «- »)"
    if kind in {"dict_type", "model_type", "model_attributes_type", "mapping_type", "dataclass_type"}:
        return "campos de la forma «nombre: valor»"
    if kind in {"literal_error", "enum"}:
        options = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " o ")
        return f"uno de estos valores: {options}"
    if kind in {"greater_than_equal", "greater_than"}:
        sign = "mayor o igual que" if kind == "greater_than_equal" else "mayor que"
        return f"un número {sign} {_number_text(ctx.get('ge', ctx.get('gt')))}"
    if kind in {"less_than_equal", "less_than"}:
        sign = "menor o igual que" if kind == "less_than_equal" else "menor que"
        return f"un número {sign} {_number_text(ctx.get('le', ctx.get('lt')))}"
    if kind == "multiple_of":
        return f"un múltiplo de {_number_text(ctx.get('multiple_of'))}"
    if kind.startswith(("date_", "datetime_")):
        return "una fecha escrita año-mes-día, como 2024-10-15,"
    if kind in {"too_short", "too_long"}:
        low, high = ctx.get("min_length"), ctx.get("max_length")
        if low is not None and low == high:
            return _count(low, "elemento")
        return f"al menos {_count(low, 'elemento')}" if kind == "too_short" else f"como máximo {_count(high, 'elemento')}"
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        tags = str(ctx.get("expected_tags", "")).replace("'", "")
        return f"un elemento de una de estas clases: {tags}" if tags else "un elemento de una clase conocida"
    if kind == "none_required":
        return "que el campo quede vacío"
    if kind in {"url_parsing", "url_scheme", "url_type"}:
        return "una dirección web completa, como https://www.ejemplo.gov.co,"
    return "un valor como los que describe docs/oficina/entradas.md para este campo"


def _pattern(pattern: str) -> str:
    """What a text with `pattern` looks like, for the patterns the input models use."""
    if pattern.startswith("^#"):
        return "un color escrito #RRGGBB (seis cifras hexadecimales), como #1F4E79,"
    if "a-z0-9" in pattern:
        return "un nombre corto en minúsculas, cifras y guiones (sin espacios ni tildes), como salud-2,"
    return "un texto con la forma que describe docs/oficina/entradas.md para este campo"


def _number_text(value: Any) -> str:
    """A limit as the office reads numbers (`1.000`, `0,5`)."""
    return number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def validate(model: type[M], doc: Document) -> M:
    """Validate the document against `model`; errors become one Spanish `InputError`.

    A text with a character no output can hold (`YamlDocument.refused`) is a problem too, unless
    the model already says something about its line (a single-line field says it in its words).
    """
    refused = list(getattr(doc, "refused", ()))
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        problems = [_problem(e, doc, model) for e in exc.errors(include_url=False)]
        lines = {p.row for p in problems}
        problems += [r for r in refused if r.row not in lines]
        raise InputError(doc.path, doc.order(problems)) from exc
    if refused:
        raise InputError(doc.path, doc.order(refused))
    return result
