import ast
import subprocess
import sys
from pathlib import Path

import strides.progress

PACKAGE = Path(strides.progress.__file__).parent
ALLOWED_ROOTS = {
    "collections",
    "dataclasses",
    "datetime",
    "itertools",
    "math",
    "numpy",
    "types",
    "typing",
}


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_imports_only_the_standard_library_numpy_and_itself():
    for path in PACKAGE.glob("*.py"):
        for module in imported_modules(path):
            if module.startswith("strides."):
                assert module.startswith("strides.progress"), f"{path.name} imports {module}"
            else:
                assert module.split(".")[0] in ALLOWED_ROOTS, f"{path.name} imports {module}"


def test_importing_the_package_does_not_load_django():
    code = "import sys, strides.progress; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_public_names_exist():
    for name in strides.progress.__all__:
        assert hasattr(strides.progress, name), name
