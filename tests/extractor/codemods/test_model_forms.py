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


def test_a_model_form_derives_from_remote_model_form_keeping_every_meta_option():
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
        from decompose_remote.forms import RemoteModelForm


        class OrderForm(RemoteModelForm):
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
        """, module="orders.forms")
    assert [(r.location.line, r.level, r.message) for r in rewrites] == [
        (6, Level.INFO, "OrderForm derives from RemoteModelForm: 'user' is a choice of the "
                        "monolith's accounts.User rows saved into user_id")]


def test_field_classes_entries_are_dropped_many_to_manys_kept_a_bare_import_too():
    rewrites = check_transformed("""\
        from django.forms import ModelForm


        class OrderForm(ModelForm):
            class Meta:
                model = Order
                exclude = ["status"]
                widgets = {"user": Select(attrs={"class": "big"}), "tags": CheckboxSelectMultiple}
                field_classes = {"user": UserChoiceField, "tags": TagsField}
        """, """\
        from decompose_remote.forms import RemoteModelForm


        class OrderForm(RemoteModelForm):
            class Meta:
                model = Order
                exclude = ["status"]
                widgets = {"user": Select(attrs={"class": "big"}), "tags": CheckboxSelectMultiple}
                field_classes = {}
        """, module="orders.forms")
    assert [(r.location.line, r.level, r.message) for r in rewrites] == [
        (4, Level.INFO, "OrderForm derives from RemoteModelForm: 'user' is a choice of the "
                        "monolith's accounts.User rows saved into user_id, 'tags' is a multiple "
                        "choice of the monolith's catalog.Tag rows saved as pairs in Order_tags"),
        (9, Level.WARNING, "field_classes 'tags' removed: tags is a "
                           "RemoteModelMultipleChoiceField of the monolith's catalog.Tag rows, "
                           "which a model choice field class cannot query"),
        (9, Level.WARNING, "field_classes 'user' removed: user is a RemoteModelChoiceField of "
                           "the monolith's accounts.User rows, which a model choice field class "
                           "cannot query")]


def test_a_form_naming_no_relation_stays_a_model_form():
    check_noop("""\
        class OrderStatusForm(forms.ModelForm):
            class Meta:
                model = Order
                fields = ["status"]


        class OrderNoteForm(forms.ModelForm):
            class Meta:
                model = Order
                exclude = ["user", "tags"]
        """, module="orders.forms")


def test_the_forms_own_references_and_its_subclasses_are_kept():
    text, rewrites = run("""\
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


        class BigOrderForm(StaffOrderForm):
            class Meta(OrderForm.Meta):
                fields = ["user", "status"]


        class OrderLineForm(StaffOrderForm):
            product = forms.CharField()

            class Meta:
                model = OrderLine
                fields = ["product", "quantity"]
        """, module="orders.forms")
    assert "class OrderForm(RemoteModelForm):" in text
    assert "self.cleaned_data['user']" in text and 'self.add_error("user", "Who?")' in text
    # a subclass derives from RemoteModelForm already, whatever its Meta names
    assert [(r.location.line, r.message) for r in rewrites] == [
        (1, "OrderForm derives from RemoteModelForm: 'user' is a choice of the monolith's "
            "accounts.User rows saved into user_id")]


def test_a_project_model_form_base_is_kept_before_remote_model_form_and_own_fields_too():
    rewrites = check_transformed("""\
        from shop.forms import ShopModelForm


        class OrderLineForm(ShopModelForm):
            product = ProductCodeField()

            class Meta:
                model = OrderLine
                fields = ["product", "quantity"]
        """, """\
        from shop.forms import ShopModelForm
        from decompose_remote.forms import RemoteModelForm


        class OrderLineForm(ShopModelForm, RemoteModelForm):
            product = ProductCodeField()

            class Meta:
                model = OrderLine
                fields = ["product", "quantity"]
        """, module="orders.forms")
    assert [r.message for r in rewrites] == [
        "OrderLineForm derives from RemoteModelForm: its own field 'product' is saved into "
        "product_id"]


def test_the_factories_get_a_remote_model_form_unless_the_project_gives_its_own():
    rewrites = check_transformed("""\
        from orders.models import Order, OrderLine

        OrderForm = modelform_factory(Order, fields=["status", "user"])
        Lines = forms.inlineformset_factory(
            Order, OrderLine, fields=("product", "quantity"),
            widgets={"product": forms.HiddenInput})
        Others = modelformset_factory(OrderLine, form=forms.ModelForm, fields=["product"])
        Mine = modelformset_factory(OrderLine, form=LineForm, fields=["product"])
        Orders = modelformset_factory(Order, fields=["status"])
        """, """\
        from orders.models import Order, OrderLine
        from decompose_remote.forms import RemoteModelForm

        OrderForm = modelform_factory(Order, fields=["status", "user"], form=RemoteModelForm)
        Lines = forms.inlineformset_factory(
            Order, OrderLine, fields=("product", "quantity"),
            widgets={"product": forms.HiddenInput}, form=RemoteModelForm)
        Others = modelformset_factory(OrderLine, form=RemoteModelForm, fields=["product"])
        Mine = modelformset_factory(OrderLine, form=LineForm, fields=["product"])
        Orders = modelformset_factory(Order, fields=["status"])
        """, module="orders.views")
    assert [(r.location.line, r.message) for r in rewrites] == [
        (3, "modelform_factory(..., form=RemoteModelForm): 'user' is a choice of the monolith's "
            "accounts.User rows saved into user_id"),
        (4, "inlineformset_factory(..., form=RemoteModelForm): 'product' is a choice of the "
            "monolith's catalog.Product rows saved into product_id"),
        (7, "modelformset_factory(..., form=RemoteModelForm): 'product' is a choice of the "
            "monolith's catalog.Product rows saved into product_id")]


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
    assert 'fields = ["user"]' in text and "class OrderForm(RemoteModelForm):" in text
    assert [(r.location.line, r.codemod) for r in rewrites] == [
        (1, "model_forms"), (11, "admin_options")]
