"""
A service's public interface, read from its ``public.py`` without importing
the service: a process that calls a service remotely does not have the
service's models, services or selectors, only its ``data.py`` and
``errors.py`` (which import nothing of Django's models).

``stub(app)`` compiles ``public.py`` with everything but its interface taken
out: the imports of the standard library, ``shop.core`` and the app's own
``data`` and ``errors``; ``__all__`` and the names it lists; each function's
signature, docstring and ``@idempotent`` marker, with an empty body. The
result is a module with the real names, signatures and type hints, from
which the remote client is built and against which arguments and results are
(de)serialised.
"""

import ast
import sys
import types
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEPT_OWN_MODULES = ("data", "errors")
KEPT_DECORATORS = {"idempotent"}


def public_path(app: str) -> Path:
    import shop

    return Path(shop.__file__).resolve().parent / app / "public.py"


def _kept_import(node: ast.stmt, app: str) -> ast.stmt | None:
    if isinstance(node, ast.Import):
        names = [alias for alias in node.names if _importable(alias.name)]
        return ast.Import(names=names) if names else None
    if isinstance(node, ast.ImportFrom):
        if node.level == 1 and node.module in KEPT_OWN_MODULES:
            return ast.ImportFrom(module=f"shop.{app}.{node.module}", names=node.names, level=0)
        if node.level == 0 and node.module and _importable(node.module):
            names = [alias for alias in node.names if not (alias.asname or "").startswith("_")]
            return ast.ImportFrom(module=node.module, names=names, level=0) if names else None
    return None


def _importable(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or module.startswith(
        ("shop.core.errors", "shop.core.interfaces")
    )


def _declared_names(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return []


def _interface_only(tree: ast.Module, app: str) -> ast.Module:
    exported = set(_declared_names(tree))
    body = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kept = _kept_import(node, app)
            if kept is not None:
                body.append(kept)
        elif isinstance(node, ast.Assign):
            names = {target.id for target in node.targets if isinstance(target, ast.Name)}
            if names & (exported | {"__all__"}):
                body.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name in exported:
            docstring = ast.get_docstring(node)
            node.decorator_list = [
                decorator
                for decorator in node.decorator_list
                if isinstance(decorator, ast.Name) and decorator.id in KEPT_DECORATORS
            ]
            node.body = [
                *([ast.Expr(ast.Constant(docstring))] if docstring else []),
                ast.Expr(ast.Constant(Ellipsis)),
            ]
            body.append(node)
    module = ast.Module(body=body, type_ignores=[])
    return ast.fix_missing_locations(module)


@cache
def stub(app: str) -> types.ModuleType:
    """The interface of ``shop.<app>.public``, as a module, without the app's internals."""
    path = public_path(app)
    if not path.exists():
        raise ImproperlyConfigured(f"shop.{app} has no public.py to call remotely.")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = types.ModuleType(f"shop.{app}.public", ast.get_docstring(tree))
    module.__file__ = str(path)
    exec(compile(_interface_only(tree, app), str(path), "exec"), module.__dict__)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    if missing:
        raise ImproperlyConfigured(
            f"shop.{app}.public lists {missing}, which are neither functions nor data or errors "
            "it imports: a remote caller could not offer them."
        )
    return module
