"""Bad input never crashes the analyzer: each problem is a warning naming path:line."""

from __future__ import annotations

from .conftest import edges

MODEL = """
from django.db import models
class Post(models.Model):
    title = models.CharField(max_length=10)
"""


def warnings_of(graph) -> set[tuple[str, str]]:
    return {(w.code, str(w.location)) for w in graph.warnings}


def test_clean_project_has_no_warnings(inline_project) -> None:
    graph = inline_project({"blog/__init__.py": "", "blog/models.py": MODEL}, apps=["blog"])
    assert graph.warnings == () and [m.label for m in graph.models] == ["blog.Post"]


def test_syntax_error_python2_and_latin1_are_warnings(inline_project) -> None:
    graph = inline_project({
        "blog/__init__.py": "", "blog/models.py": MODEL,
        "blog/broken.py": "def f(:\n    pass\n",
        "blog/legacy.py": "import os\n\nprint 'hello'\n",
        "blog/latin.py": b"x = 1\ny = '\xe9t\xe9'\n",
        "blog/declared.py": b"# -*- coding: latin-1 -*-\nfrom shop.models import Item\n"
                            b"z = '\xe9'\n",
        "shop/__init__.py": "", "shop/models.py": MODEL.replace("Post", "Item"),
    }, apps=["blog", "shop"])
    found = warnings_of(graph)
    assert ("syntax-error", "blog/broken.py:1") in found
    legacy = next(w for w in graph.warnings if w.location.path == "blog/legacy.py")
    assert legacy.location.line == 3 and "Python 2" in legacy.message
    assert ("encoding-error", "blog/latin.py:2") in found
    assert ("blog", "shop", "import") in edges(graph)  # declared latin-1 is read fine
    assert {m.label for m in graph.models} == {"blog.Post", "shop.Item"}


def test_newer_syntax_falls_back_to_libcst(inline_project) -> None:
    graph = inline_project({
        "blog/__init__.py": "", "shop/__init__.py": "",
        "shop/models.py": MODEL.replace("Post", "Item"),
        "blog/models.py": MODEL + """
from shop.models import Item

type Alias = list[int]

def first[T](items: list[T]) -> T:
    try:
        return Item.objects.get(pk=items[0])
    except ValueError, TypeError:
        return None
""",
    }, apps=["blog", "shop"])
    assert ("newer-syntax", "blog/models.py:1") in warnings_of(graph)
    assert {("blog", "shop", "import"), ("blog", "shop", "orm")} <= edges(graph)
    assert graph.model("blog.Post") is not None


def test_huge_generated_and_deeply_nested_modules(inline_project) -> None:
    rows = "".join(f"    ({i}, 'row {i}'),\n" for i in range(100_000))
    graph = inline_project({
        "blog/__init__.py": "", "blog/models.py": MODEL,
        "blog/generated.py": f"TABLE = [\n{rows}]\n",
        "blog/nested.py": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "blog/blob.py": "DATA = b'" + "x" * (9 * 1024 * 1024) + "'\n",
    }, apps=["blog"])
    found = warnings_of(graph)
    assert ("unparsable", "blog/nested.py:1") in found or ("syntax-error",
                                                           "blog/nested.py:1") in found
    assert ("file-too-large", "blog/blob.py:1") in found
    assert not any(w.location and w.location.path == "blog/generated.py"
                   for w in graph.warnings)


def test_import_cycles_terminate(inline_project) -> None:
    graph = inline_project({
        "blog/__init__.py": "from blog.models import *\n",
        "blog/models.py": "from blog import *\nfrom shop.models import *\n" + MODEL,
        "shop/__init__.py": "", "shop/models.py": "from blog.models import *\n"
                                                  "class Item(Post):\n    pass\n",
    }, apps=["blog", "shop"])
    assert graph.model("shop.Item").parents == ("blog.Post",)
    assert ("shop", "blog", "inheritance") in edges(graph)
