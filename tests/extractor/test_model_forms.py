"""A ModelForm of a moved model naming relations that became id columns (tandoor's
``InviteLinkForm``, tests/fixtures/model_forms): the service's forms module imports (Django
raised FieldError for ``Meta.fields = (..., "group", ...)``), its checks pass, and the form
keeps its ``group`` field, a choice of the monolith's rows read from the id column; its views
keep the real ``auth.Group`` beside the monolith's that backs the id-column field (tandoor's
``serializer.py``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.extractor.projects import analysed_copy
from tests.extractor.test_extract_command import django, invoke

FORMS = '''\
from django import forms
from django.core.exceptions import ValidationError

from invites.models import InviteLink
from decompose_remote.forms import RemoteModelForm


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name.upper()


class InviteLinkForm(RemoteModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["group"].help_text = "Who the invited user becomes."

    def clean_group(self):
        group = self.cleaned_data["group"]
        if not group:
            raise ValidationError("An invite needs a group.")
        return group

    class Meta:
        model = InviteLink
        fields = ("email", "group", "team", "valid_until", "teams")
        widgets = {"group": forms.RadioSelect, "team": forms.HiddenInput}
        labels = {"group": "Group"}
        field_classes = {}


InviteFormSet = forms.modelformset_factory(
    InviteLink, fields=["email", "group"], form=RemoteModelForm)
'''
# No monolith answers here: what is read without asking it (runtime/tests/test_remote_forms.py
# lists, cleans and saves the rows through a real bridge).
PROBE = textwrap.dedent("""
    import django
    django.setup()
    from invites.forms import InviteFormSet, InviteLinkForm
    from invites.models import InviteLink
    form = InviteLinkForm(instance=InviteLink(group_id=3))
    print({name: type(f).__name__ for name, f in form.fields.items()},
          form.fields["teams"].required)
    print(form["group"].value(), form["team"].value(), form.fields["group"].label,
          type(form.fields["group"].widget).__name__, form.fields["team"].widget.input_type,
          form.fields["group"].help_text, form.fields["team"].queryset.model)
    print(InviteLinkForm({"email": "a@example.com", "group": "",
                          "valid_until": "2026-12-31"}).errors.get_json_data())
    print(list(InviteFormSet.form.base_fields))
""")


def test_a_model_form_keeps_its_relation_fields_and_the_service_checks(tmp_path: Path):
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
        "{'email': 'EmailField', 'group': 'RemoteModelChoiceField', "
        "'team': 'RemoteModelChoiceField', 'valid_until': 'DateField', "
        "'teams': 'RemoteModelMultipleChoiceField'} False\n"
        "3 None Group RadioSelect hidden Who the invited user becomes. "
        "<RemoteModel teams.Team>\n"
        "{'group': [{'message': 'This field is required.', 'code': 'required'}]}\n"
        "['email', 'group']\n")
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
    assert ("- `invites/forms.py:12` [model_forms] InviteLinkForm derives from RemoteModelForm: "
            "'group' is a choice of the monolith's auth.Group rows saved into group_id, 'team' "
            "is a choice of the monolith's teams.Team rows saved into team_id, 'teams' is a "
            "multiple choice of the monolith's teams.Team rows saved as pairs in "
            "InviteLink_teams\n") in notes
    assert ("- `invites/forms.py:29` [model_forms, **warning**] field_classes 'team' removed: "
            "team is a RemoteModelChoiceField of the monolith's teams.Team rows, which a model "
            "choice field class cannot query\n") in notes
