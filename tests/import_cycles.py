"""Import cycles between a package's modules, for the engine's and the window's boundary tests."""

from __future__ import annotations


def import_cycles(package: str) -> list[str]:
    """Every cycle through a module of ``package``, as "a -> b -> a" text.

    Imports inside functions count (a lazy import hides a cycle from Python, not from a
    maintainer); only ``TYPE_CHECKING`` imports, which never run, are left out. A package's
    ``__init__`` importing its own children is not a cycle between modules.
    """
    import grimp

    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)

    def related(a: str, b: str) -> bool:
        return a.startswith(b + ".") or b.startswith(a + ".")

    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if related(module, imported):
                continue
            path = graph.find_shortest_chain(importer=imported, imported=module)
            if path and not any(related(a, b) for a, b in zip(path, path[1:])):
                cycles.append(" -> ".join((module, *path)))
    return cycles
