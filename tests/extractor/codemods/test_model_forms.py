from decompose.model import Level
from tests.extractor.codemods.tools import check_noop, check_transformed, run


def test_serializers_filtersets_plain_forms_and_forms_of_other_models_are_kept():
    check_noop("""\
        from django import forms

        from orders.models import Order


        class OrderSerializer(serializers.HyperlinkedModelSerializer):
            class Meta:
                model = Order
                fields = ["status", "user"]


        class OrderFilter(django_filters.FilterSet):
            class Meta:
                model = Order
                fields = ["user"]


        class ProductForm(forms.ModelForm):
            def clean_user(self):
                return self.cleaned_data["user"]

            class Meta:
                model = Invoice
                fields = ["user"]


        class SearchForm(forms.Form):
            user = forms.CharField()

            def clean_user(self):
                return self.cleaned_data["user"]
        """, module="orders.forms")


def test_meta_options_name_the_id_column_keeping_quotes_comments_and_layout():
    rewrites = check_transformed("""\
        from django import forms

        from orders.models import Order


        class OrderForm(forms.ModelForm):
            class Meta:
                model = Order
                fields = ('status', 'user')  # who pays
                widgets = {"user": forms.HiddenInput(), "status": forms.RadioSelect}
                labels = {
                    "user": "Customer",
                    "status": "State",
                }
                help_texts = {"user": "The customer's number."}
                localized_fields = ["user"]
        """, """\
        from django import forms

        from orders.models import Order


        class OrderForm(forms.ModelForm):
            class Meta:
                model = Order
                fields = ('status', 'user_id')  # who pays
                widgets = {"user_id": forms.HiddenInput(), "status": forms.RadioSelect}
                labels = {
                    "user_id": "Customer",
                    "status": "State",
                }
                help_texts = {"user_id": "The customer's number."}
                localized_fields = ["user_id"]
        """, module="orders.forms")
    assert [(r.location.line, r.level, r.message) for r in rewrites] == [
        (9, Level.WARNING, "fields 'user' -> 'user_id': the form edits the id of the "
                           "accounts.User row as a number named 'user_id' (it was a choice of "
                           "the rows), not checked against the monolith's rows"),
        (10, Level.INFO, "widgets 'user' -> 'user_id'"),
        (12, Level.INFO, "labels 'user' -> 'user_id'"),
        (15, Level.INFO, "help_texts 'user' -> 'user_id'"),
        (16, Level.INFO, "localized_fields 'user' -> 'user_id'")]


def test_choice_widgets_field_classes_and_many_to_manys_are_dropped():
    rewrites = check_transformed("""\
        class OrderForm(ModelForm):
            class Meta:
                model = Order
                exclude = ["tags"]
                widgets = {"user": Select(attrs={"class": "big"}), "tags": CheckboxSelectMultiple}
                field_classes = {"user": UserChoiceField}
        """, """\
        class OrderForm(ModelForm):
            class Meta:
                model = Order
                exclude = []
                widgets = {}
                field_classes = {}
        """, module="orders.forms")
    assert [(r.location.line, r.level) for r in rewrites] == [
        (4, Level.INFO), (5, Level.INFO), (5, Level.WARNING), (6, Level.WARNING)]
    assert rewrites[2].message == ("widgets 'user' removed: user_id is edited as a number, by "
                                   "the form field Django makes for the id column")
    assert rewrites[0].message == ("exclude 'tags' removed: the many-to-many to catalog.Tag is "
                                   "a RemoteManyToMany over Order_tags now, which model forms "
                                   "cannot edit")


def test_the_forms_own_references_follow_in_it_and_its_subclasses():
    rewrites = check_transformed("""\
        class OrderForm(forms.ModelForm):
            def clean_user(self):
                return self.cleaned_data['user']

            class Meta:
                model = Order
                fields = ["user"]


        class StaffOrderForm(OrderForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["user"].required = False
                self.initial.setdefault("user", 1)

            def clean(self):
                cleaned_data = super().clean()
                if cleaned_data.get("user") is None:
                    self.add_error("user", "Who?")
                return cleaned_data
        """, """\
        class OrderForm(forms.ModelForm):
            def clean_user_id(self):
                return self.cleaned_data['user_id']

            class Meta:
                model = Order
                fields = ["user_id"]


        class StaffOrderForm(OrderForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["user_id"].required = False
                self.initial.setdefault("user_id", 1)

            def clean(self):
                cleaned_data = super().clean()
                if cleaned_data.get("user_id") is None:
                    self.add_error("user_id", "Who?")
                return cleaned_data
        """, module="orders.forms")
    assert [(r.location.line, r.level, r.message) for r in rewrites if r.location.line != 7] == [
        (2, Level.WARNING, "clean_user -> clean_user_id: it cleans the id of the accounts.User "
                           "row, not the row"),
        (3, Level.WARNING, "self.cleaned_data['user'] -> self.cleaned_data['user_id']: it holds "
                           "the id of the accounts.User row, not the row"),
        (13, Level.INFO, "self.fields['user'] -> self.fields['user_id']"),
        (14, Level.WARNING, "self.initial.setdefault('user', ...) -> self.initial.setdefault("
                            "'user_id', ...): it holds the id of the accounts.User row, not the "
                            "row"),
        (18, Level.WARNING, "cleaned_data.get('user', ...) -> cleaned_data.get('user_id', ...): "
                            "it holds the id of the accounts.User row, not the row"),
        (19, Level.INFO, "self.add_error('user', ...) -> self.add_error('user_id', ...)")]


def test_a_field_the_form_declares_itself_keeps_its_name_and_is_reported_unsaved():
    text, rewrites = run("""\
        class OrderLineForm(forms.ModelForm):
            product = forms.CharField()

            def clean_product(self):
                return self.cleaned_data["product"]

            class Meta:
                model = OrderLine
                fields = ["product", "quantity"]
        """, module="orders.forms")
    assert 'fields = ["product", "quantity"]' in text and "clean_product(" in text
    assert [(r.location.line, r.level, r.message) for r in rewrites] == [
        (9, Level.WARNING, "fields 'product': the form's own field 'product' names no model "
                           "field any more (the column is product_id), so saving the form "
                           "does not set it")]


def test_the_factories_keyword_arguments_follow_their_model():
    check_transformed("""\
        from orders.models import Order, OrderLine

        OrderForm = modelform_factory(Order, fields=["status", "user"])
        Lines = forms.inlineformset_factory(Order, OrderLine, fields=("product", "quantity"),
                                            widgets={"product": forms.HiddenInput})
        Others = modelformset_factory(OrderLine, fields=["user"])
        """, """\
        from orders.models import Order, OrderLine

        OrderForm = modelform_factory(Order, fields=["status", "user_id"])
        Lines = forms.inlineformset_factory(Order, OrderLine, fields=("product_id", "quantity"),
                                            widgets={"product_id": forms.HiddenInput})
        Others = modelformset_factory(OrderLine, fields=["user"])
        """, module="orders.views")


def test_a_model_form_of_an_admin_module_is_this_codemods_not_admin_options():
    text, rewrites = run("""\
        class OrderForm(forms.ModelForm):
            class Meta:
                model = Order
                fields = ["user"]
                widgets = {"user": forms.TextInput}


        @admin.register(Order)
        class OrderAdmin(admin.ModelAdmin):
            form = OrderForm
            raw_id_fields = ["user"]
        """, module="orders.admin")
    assert 'fields = ["user_id"]' in text and 'widgets = {"user_id": forms.TextInput}' in text
    assert [(r.location.line, r.codemod) for r in rewrites] == [
        (4, "model_forms"), (5, "model_forms"), (11, "admin_options")]
