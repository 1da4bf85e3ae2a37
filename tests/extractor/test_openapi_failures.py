"""The one line a failed ``manage.py spectacular`` becomes, from a real Python's traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extractor.openapi import _failure


def test_a_syntax_error_in_the_services_code_names_its_file_and_line(tmp_path: Path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop/__init__.py").write_text("from shop import views\n")
    (tmp_path / "shop/views.py").write_text('x = 1\nrows = pks_where("auth.User", in=users)\n')
    result = subprocess.run([sys.executable, "-c", "import shop"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    error = _failure(result, tmp_path)
    assert str(error) == ("shop/views.py:2: the service's copy is not valid Python (SyntaxError: "
                          "invalid syntax) at this line of the service: a rewrite of decompose "
                          "produced it; report it with that line")
