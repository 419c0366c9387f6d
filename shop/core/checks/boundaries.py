"""
Boundary rules 1 and 2, for what import-linter cannot see: a scan of the
shop's source (migrations excepted) for ways around another service's public
interface.

- ``shop.E030`` a name reached through another app's ``public`` or ``events``
  module that is not in its ``__all__`` (``catalog.public._ProductImage``,
  ``catalog.public.selectors``): only what a module lists is its interface;
- ``shop.E031`` a ``public`` or ``events`` module without ``__all__``, or with a
  name in it that the module does not define;
- ``shop.E032`` ``apps.get_model("<label>", ...)`` (or ``get_app_config``) on an
  app another service owns;
- ``shop.E033`` ``import_module``/``import_string``/``__import__`` of another
  app's module by name;
- ``shop.E034`` a signal receiver or ``connect`` with ``sender="<label>.<Model>"``
  of a model another service owns;
- ``shop.E035`` a ``data`` module importing anything but the standard library
  (its data classes must be usable by a client without Django);
- ``shop.E036`` an app's own code importing its ``public`` module: public is
  the outside's entrance and delegates inwards, so an import from inside
  makes a circle (the app's internals import ``errors``, ``data``,
  ``services`` and ``selectors``).

Ownership (which service an app label belongs to) comes from
``shop.core.registry``: accounts owns ``auth`` and allauth's ``account``, so
orders may not ``get_model("account", "EmailAddress")`` either.
"""

import ast
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core import checks

from ..registry import ownership, shop_app_configs

INTERFACE_MODULES = ("public", "events")
DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}
MODEL_LOOKUPS = {"get_model", "get_app_config"}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    message: str
    id: str

    def as_error(self, root: Path) -> checks.Error:
        where = (
            self.path.relative_to(root.parent)
            if self.path.is_relative_to(root.parent)
            else self.path
        )
        return checks.Error(f"{where}:{self.line}: {self.message}", id=self.id)


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


@cache
def _declared_names(path: Path, mtime: float) -> tuple[tuple[str, ...] | None, frozenset[str]]:
    """``(__all__ or None, names bound at module level)`` of a module."""
    tree = _parse(path)
    exported, bound = None, set()
    if tree is None:
        return None, frozenset()
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                bound.add(target.id)
                if target.id == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
                    exported = tuple(
                        element.value
                        for element in node.value.elts
                        if isinstance(element, ast.Constant) and isinstance(element.value, str)
                    )
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
    return exported, frozenset(bound)


class _Scanner(ast.NodeVisitor):
    def __init__(self, root: Path, app: str, path: Path, owners: dict[str, str]):
        self.root, self.app, self.path, self.owners = root, app, path, owners
        self.findings: list[Finding] = []
        # Local name -> (app, "public" | "events") for another app's interface module.
        self.aliases: dict[str, tuple[str, str]] = {}

    def report(self, node: ast.AST, message: str, error_id: str) -> None:
        self.findings.append(Finding(self.path, getattr(node, "lineno", 0), message, error_id))

    def other_app(self, dotted: str) -> str | None:
        """
        The app of a ``shop.<app>...`` name if it is another service than the
        scanned app (the shared kernel, ``shop.core``, is everybody's).
        """
        parts = dotted.split(".")
        if len(parts) >= 2 and parts[0] == "shop" and parts[1] not in (self.app, "core"):
            return parts[1]
        return None

    def exported(self, app: str, module: str) -> tuple[str, ...] | None:
        path = self.root / app / f"{module}.py"
        if not path.exists():
            return None
        return _declared_names(path, path.stat().st_mtime)[0]

    def check_name(self, node: ast.AST, app: str, module: str, name: str) -> None:
        exported = self.exported(app, module)
        if exported is not None and name not in exported:
            self.report(
                node,
                f"shop.{app}.{module}.{name} is not in that module's __all__: another app "
                f"may only use what shop.{app}.{module} lists.",
                "shop.E030",
            )

    def owner_elsewhere(self, label: str) -> str | None:
        owner = self.owners.get(label)
        if owner is not None and owner != self.owners.get(self.app, self.app):
            return owner
        return None

    # --- imports --------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = alias.name.split(".")
            app = self.other_app(alias.name)
            if app and len(parts) == 3 and parts[2] in INTERFACE_MODULES and alias.asname:
                self.aliases[alias.asname] = (app, parts[2])

    def own_public(self, node: ast.ImportFrom) -> bool:
        """``from . import public``, ``from ..public import x``, ``from shop.<app>.public ...``."""
        if self.path.parent == self.root / self.app and self.path.stem == "public":
            return False
        if node.level:
            package = self.path.parent.relative_to(self.root).parts[: -(node.level - 1) or None]
            dotted = ".".join(("shop", *package, *(node.module.split(".") if node.module else ())))
        else:
            dotted = node.module or ""
        own = f"shop.{self.app}"
        return dotted == f"{own}.public" or (
            dotted == own and any(alias.name == "public" for alias in node.names)
        )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if self.app != "core" and self.own_public(node):
            self.report(
                node,
                f"shop.{self.app} imports its own public module, the entrance for other apps; "
                "import errors, data, services or selectors instead.",
                "shop.E036",
            )
        if node.level or not node.module:
            return
        parts = node.module.split(".")
        app = self.other_app(node.module)
        if app is None:
            return
        if len(parts) == 2:
            for alias in node.names:
                if alias.name in INTERFACE_MODULES:
                    self.aliases[alias.asname or alias.name] = (app, alias.name)
        elif len(parts) == 3 and parts[2] in INTERFACE_MODULES:
            for alias in node.names:
                if alias.name != "*":
                    self.check_name(node, app, parts[2], alias.name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = _dotted(node)
        if chain:
            head, *rest = chain.split(".")
            if head in self.aliases and len(rest) >= 1:
                app, module = self.aliases[head]
                self.check_name(node, app, module, rest[0])
                return
            parts = chain.split(".")
            if (
                len(parts) >= 4
                and parts[0] == "shop"
                and parts[2] in INTERFACE_MODULES
                and self.other_app(chain)
            ):
                self.check_name(node, parts[1], parts[2], parts[3])
                return
        self.generic_visit(node)

    # --- reaching another app by name ------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node.func)
        first = _string(node.args[0]) if node.args else None
        if name in MODEL_LOOKUPS and first:
            label = first.split(".", 1)[0]
            if owner := self.owner_elsewhere(label):
                self.report(
                    node,
                    f"{name}({first!r}) reaches into {owner}'s data; call shop.{owner}.public.",
                    "shop.E032",
                )
        if name in DYNAMIC_IMPORTS and first and (app := self.other_app(first)):
            self.report(
                node,
                f"{name}({first!r}) imports another app's module by name, out of the import "
                f"contracts' sight; import shop.{app}.public instead.",
                "shop.E033",
            )
        for keyword in node.keywords:
            sender = _string(keyword.value) if keyword.arg == "sender" else None
            if sender and "." in sender and (owner := self.owner_elsewhere(sender.split(".")[0])):
                self.report(
                    node,
                    f"A signal receiver on sender={sender!r} listens to {owner}'s models; "
                    f"hear shop.{owner}.events instead.",
                    "shop.E034",
                )
        self.generic_visit(node)


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _called_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _interface_module_problems(path: Path, app: str, module: str) -> list[Finding]:
    exported, bound = _declared_names(path, path.stat().st_mtime)
    if exported is None:
        return [
            Finding(
                path,
                1,
                f"shop.{app}.{module} has no __all__: list what other apps may use.",
                "shop.E031",
            )
        ]
    return [
        Finding(
            path,
            1,
            f"shop.{app}.{module}.__all__ names {name!r}, which it does not define.",
            "shop.E031",
        )
        for name in exported
        if name not in bound
    ]


def _data_module_problems(path: Path, tree: ast.Module) -> list[Finding]:
    findings = []
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        for name in names:
            if name.startswith(".") or name.split(".")[0] not in allowed:
                findings.append(
                    Finding(
                        path,
                        node.lineno,
                        f"A data module imports {name!r}: only the standard library is allowed, "
                        "so a client of the app can use its data classes without Django.",
                        "shop.E035",
                    )
                )
    return findings


def scan(root: Path, owners: dict[str, str], apps: set[str] | None = None) -> list[Finding]:
    """
    Every boundary problem in the shop package at ``root`` (the ``shop``
    directory), in the packages named by ``apps`` (all by default).
    """
    findings = []
    for app_dir in sorted(path for path in root.iterdir() if (path / "__init__.py").exists()):
        app = app_dir.name
        if apps is not None and app not in apps:
            continue
        for path in sorted(app_dir.rglob("*.py")):
            relative = path.relative_to(app_dir).parts
            if "migrations" in relative:
                continue
            tree = _parse(path)
            if tree is None:
                continue
            if len(relative) == 1 and path.stem in INTERFACE_MODULES and app != "core":
                findings += _interface_module_problems(path, app, path.stem)
            if relative[-1] == "data.py" or (len(relative) > 1 and relative[0] == "data"):
                findings += _data_module_problems(path, tree)
            scanner = _Scanner(root, app, path, owners)
            scanner.visit(tree)
            findings += scanner.findings
    return findings


def shop_root() -> Path:
    import shop

    return Path(shop.__file__).resolve().parent


def check_source_boundaries(app_configs=None, **kwargs):
    """
    The code of the apps this deployment runs, with the owners it gives them
    (where payments runs alone it owns its staff's Django tables; accounts'
    code, which owns them in the shop, is not run there).
    """
    root = shop_root()
    installed = {config.name.rpartition(".")[2] for config in shop_app_configs()}
    return [finding.as_error(root) for finding in scan(root, ownership(), installed)]
