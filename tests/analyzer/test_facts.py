"""Per-file extraction shortcuts: each must give exactly the facts the plain way gives."""

from __future__ import annotations

import ast
import textwrap

from analyzer.collectors.signals import SignalFact
from analyzer.collectors.writes import WriteFact
from analyzer.facts import ParsedModule
from analyzer.parse import extract


def facts_of(source: str, collector: str, *, own: bool = True) -> tuple:
    data = textwrap.dedent(source).lstrip("\n").encode()
    return extract(data, "shop.mod", False, "shop/mod.py", own).of(collector)


def test_one_walk_visits_nodes_in_ast_walk_order() -> None:
    tree = ast.parse("import a\ndef f(x=b.c):\n    return [y.z for y in x if y]\nclass K(a.B):\n"
                     "    n = a.F(to='x')\n")
    parsed = ParsedModule(tree, "m", False)
    for kind in (ast.Name, ast.Attribute, ast.Call, ast.Import, ast.FunctionDef, ast.Assign):
        assert parsed.nodes(kind) == [n for n in ast.walk(tree) if type(n) is kind]
    assert all(parsed.parents[c] is n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)
               if not isinstance(c, ast.expr_context))


def test_may_mention_rules_out_only_ascii_text_without_the_name() -> None:
    tree = ast.parse("")
    assert not ParsedModule(tree, "m", False, text="x = 1\n").may_mention("receiver")
    assert ParsedModule(tree, "m", False, text="receiver(1)\n").may_mention("send", "receiver")
    assert ParsedModule(tree, "m", False, text="é = 1\n").may_mention("receiver")
    assert ParsedModule(tree, "m", False).may_mention("receiver")  # no text: never skipped


def test_a_receiver_spelled_in_full_width_letters_is_still_found() -> None:
    # Python reads the full-width identifier as plain ``receiver`` (NFKC).
    source = ("from django.dispatch import receiver as \uff52eceiver\n"
              "@\uff52eceiver(post_save, sender=Order)\ndef f(**kw):\n    pass\n")
    assert facts_of(source, "signals") == (
        SignalFact(("name", "post_save"), ("name", "Order"), 2),)
    assert facts_of("def f():\n    return 1\n", "signals") == ()


def test_only_functions_around_a_write_are_read_for_writes() -> None:
    source = """
    from django.db import transaction

    def reads():
        return Order.objects.filter(x=1)

    def outer():
        def inner():
            with transaction.atomic():
                Order.objects.create(x=1)
                Payment.objects.filter(y=2).update(y=3)
        return inner
    """
    assert facts_of(source, "writes") == (
        WriteFact("function", "outer", 6, ("Order", "Payment")),
        WriteFact("atomic", "outer", 8, ("Order", "Payment")),
        WriteFact("function", "outer.inner", 7, ("Order", "Payment")),
        WriteFact("atomic", "outer.inner", 8, ("Order", "Payment")),
    )
    assert facts_of("def reads():\n    return Order.objects.get(x=1)\n", "writes") == ()


def test_modules_outside_the_project_keep_only_what_resolution_reads() -> None:
    source = """
    import os
    from django.db import models

    def later():
        from shop.other import thing
        return thing.objects.create()

    class Tag(models.Model):
        name = models.CharField(max_length=10)
    """
    own = extract(textwrap.dedent(source).encode(), "lib.tags", False, "lib/tags.py", True)
    other = extract(textwrap.dedent(source).encode(), "lib.tags", False, "lib/tags.py", False)
    assert {name for name, _ in own.facts} >= {"usage", "writes", "signals", "dynamic"}
    assert {name for name, _ in other.facts} == {"imports", "models", "urls"}
    assert other.of("models") == own.of("models")
    bound = [f for f in own.of("imports") if f.bound]
    assert list(other.of("imports")) == bound  # the nested import binds nothing module-wide
    assert len(own.of("imports")) == len(bound) + 1
