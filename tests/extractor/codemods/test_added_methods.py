from tests.extractor.codemods.tools import check_noop, check_transformed


def test_a_method_given_to_a_model_that_stays_is_given_to_its_remote_rows_too():
    # Tandoor's auth.models.User.add_to_class('get_active_space', get_active_space)
    rewrites = check_transformed("""\
        from django.contrib import auth


        def label(self):
            return self.order_set.first()


        auth.models.User.add_to_class("label", label)
        """, """\
        from django.contrib import auth
        from decompose_remote.models import add_to_class


        def label(self):
            return self.order_set.first()


        add_to_class(auth.models.User, "label", label)
        """)
    assert [r.message for r in rewrites] == [
        "auth.models.User.add_to_class(...) -> add_to_class(auth.models.User, ...): the "
        "service runs it on the monolith's rows of that model too"]


def test_a_moved_models_own_add_to_class_is_left_alone():
    check_noop("""\
        Order.add_to_class("label", label)
        """)
