"""bloc.core must run without Django: `bloc tally` and the reference checks depend on it."""

import subprocess
import sys


def test_importing_the_core_loads_no_django():
    code = (
        "import pkgutil, importlib, sys, bloc.core\n"
        "for m in pkgutil.walk_packages(bloc.core.__path__, 'bloc.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "loaded = sorted(name for name in sys.modules if name == 'django' or name.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"bloc.core imported Django modules: {result.stdout}"
