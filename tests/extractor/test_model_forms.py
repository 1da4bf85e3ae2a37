"""A ModelForm of a moved model naming relations that became id columns (tandoor's
``InviteLinkForm``, tests/fixtures/model_forms): the service's forms module imports (Django
raised FieldError for ``Meta.fields = (..., "group", ...)``), its checks pass, and the form
validates and saves the id columns; its views keep the real ``auth.Group`` beside the
monolith's that backs the id-column field (tandoor's ``serializer.py``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

FORMS = '''\
from django import forms
from django.core.exceptions import ValidationError

from invites.models import InviteLink


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name.upper()


class InviteLinkForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["group_id"].help_text = "Who the invited user becomes."

    def clean_group_id(self):
        group = self.cleaned_data["group_id"]
        if not group:
            raise ValidationError("An invite needs a group.")
        return group

    class Meta:
        model = InviteLink
        fields = ("email", "group_id", "team_id", "valid_until")
        widgets = {"team_id": forms.HiddenInput}
        labels = {"group_id": "Group"}
        field_classes = {}


InviteFormSet = forms.modelformset_factory(InviteLink, fields=["email", "group_id"])
'''
PROBE = textwrap.dedent("""
    import django
    django.setup()
    from invites.forms import InviteFormSet, InviteLinkForm
    form = InviteLinkForm({"email": "a@example.com", "group_id": "3", "team_id": "",
                           "valid_until": "2026-12-31"})
    print({name: type(f).__name__ for name, f in form.fields.items()}, form.is_valid())
    invite = form.save(commit=False)
    print(invite.group_id, invite.team_id, form.fields["group_id"].label,
          form.fields["team_id"].widget.input_type)
    print(InviteLinkForm({"email": "a@example.com", "group_id": "0",
                          "valid_until": "2026-12-31"}).errors.get_json_data())
    print(list(InviteFormSet.form.base_fields))
""")


def test_a_model_form_edits_the_id_columns_and_the_service_checks(tmp_path: Path):
    root = analysed_copy("model_forms", tmp_path / "monolith")
    out = tmp_path / "service"
    result = invoke("invites", "--project", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "invites/forms.py").read_text() == FORMS
    check = django(out, "manage.py", "check")
    assert check.returncode == 0, check.stderr
    probe = django(out, "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout == (
        "{'email': 'EmailField', 'group_id': 'IntegerField', 'team_id': 'IntegerField', "
        "'valid_until': 'DateField'} True\n"
        "3 None Group hidden\n"
        "{'group_id': [{'message': 'An invite needs a group.', 'code': ''}]}\n"
        "['email', 'group_id']\n")
    views = (out / "invites/views.py").read_text()
    assert ("from django.contrib.auth.models import Group\n" in views
            and "from monolith.django.contrib.auth.models import Group as MonolithGroup\n" in views)
    assert ("class InviteLinkSerializer(TrimmedModelSerializer):\n"
            "    group = IdColumnPrimaryKeyField(queryset=MonolithGroup.objects.all())\n") in views
    groups = django(out, "-c", "import django; django.setup(); from invites.views import "
                    "GroupViewSet as V; print(V.queryset.model, V.serializer_class.Meta.model)")
    assert groups.stdout == ("<class 'django.contrib.auth.models.Group'> "
                             "<class 'django.contrib.auth.models.Group'>\n"), groups.stderr
    notes = (out / "EXTRACTION.md").read_text()
    assert ("- `invites/forms.py:26` [model_forms, **warning**] fields 'group' -> 'group_id': "
            "the form edits the id of the auth.Group row as a number named 'group_id' (it was "
            "a choice of the rows), not checked against the monolith's rows\n") in notes
    assert ("- `invites/forms.py:27` [model_forms, **warning**] widgets 'group' removed: "
            "group_id is edited as a number, by the form field Django makes for the id "
            "column\n") in notes
